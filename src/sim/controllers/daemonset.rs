//! The DaemonSet controller, after upstream `pkg/controller/daemon`: one pod
//! per node that should run it (`nodeShouldRunDaemonPod`: the template's
//! nodeSelector and required node affinity, and NoSchedule/NoExecute taints
//! not tolerated). Pods get the DaemonSet's default tolerations (so a
//! cordoned node's `node.kubernetes.io/unschedulable` taint and a NotReady
//! node's `not-ready` taint do not keep them away, as upstream) and are
//! pinned with required node affinity on `metadata.name`.

use super::replication::{claim_pods, delete_pod, selector_for};
use super::statefulset::history::{canonical_json, fnv1_32, safe_encode_string};
use super::statefulset::{get_pod_from_template, REVISION_LABEL};
use super::{Ctx, Keys, Out};
use crate::sim::api::GENERATED_NAME;
use crate::sim::object::{set_at, Key, Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::sort;
use crate::sim::store::{Change, Store};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `extensions.DaemonSetTemplateGenerationKey`.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// `util.AddOrUpdateDaemonPodTolerations`.
fn daemon_pod_tolerations(host_network: bool) -> Vec<Value> {
    let mut t = vec![
        json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}),
        json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}),
        json!({"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"}),
        json!({"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"}),
        json!({"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"}),
        json!({"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}),
    ];
    if host_network {
        t.push(json!({"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"}));
    }
    t
}

/// `Toleration.ToleratesTaint`.
pub fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let effect = toleration.str_at("effect").unwrap_or("");
    if !effect.is_empty() && Some(effect) != taint.str_at("effect") {
        return false;
    }
    let key = toleration.str_at("key").unwrap_or("");
    if !key.is_empty() && Some(key) != taint.str_at("key") {
        return false;
    }
    match toleration.str_at("operator").unwrap_or("Equal") {
        "Exists" => true,
        _ => toleration.str_at("value").unwrap_or("") == taint.str_at("value").unwrap_or(""),
    }
}

fn untolerated<'a>(tolerations: &[Value], taints: &'a [Value], effects: &[&str]) -> Vec<&'a Value> {
    taints
        .iter()
        .filter(|t| effects.contains(&t.str_at("effect").unwrap_or("")))
        .filter(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
        .collect()
}

/// `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: the nodeSelector
/// and the required node affinity terms (ORed; requirements in a term ANDed).
pub fn required_node_affinity_matches(pod_spec: &Value, node: &Object) -> bool {
    let selector = pod_spec.labels_at("nodeSelector");
    if !selector
        .iter()
        .all(|(k, v)| node.meta.labels.get(k) == Some(v))
    {
        return false;
    }
    let req = pod_spec.at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
    if req.is_null() {
        return true;
    }
    crate::sim::nodeaffinity::node_selector_matches(req, node)
}

/// `nodeShouldRunDaemonPod`: (shouldRun, shouldContinueRunning).
pub fn node_should_run_daemon_pod(node: &Object, ds: &Object) -> (bool, bool) {
    let spec = ds.spec().at("template.spec");
    if let Some(n) = spec.str_at("nodeName") {
        if !n.is_empty() && n != node.meta.name {
            return (false, false);
        }
    }
    let mut tolerations: Vec<Value> = spec.array_at("tolerations").to_vec();
    tolerations.extend(daemon_pod_tolerations(
        spec.bool_at("hostNetwork").unwrap_or(false),
    ));
    let taints = node.spec().array_at("taints");
    let fits_affinity = required_node_affinity_matches(spec, node);
    let fits_taints = untolerated(&tolerations, taints, &["NoSchedule", "NoExecute"]).is_empty();
    if !fits_affinity {
        return (false, false);
    }
    if !fits_taints {
        let continue_running = untolerated(&tolerations, taints, &["NoExecute"]).is_empty();
        return (false, continue_running);
    }
    (true, true)
}

/// The template's hash, the DaemonSet's `controller-revision-hash`.
fn template_hash(ds: &Object) -> String {
    let raw = canonical_json(ds.spec().at("template"));
    let probe = ds
        .status()
        .i64_at("collisionCount")
        .unwrap_or(0)
        .to_string();
    safe_encode_string(&fnv1_32(&[raw.as_bytes(), probe.as_bytes()]).to_string())
}

/// The node a daemon pod is for: its nodeName, else its matchFields pin.
fn target_node(pod: &Object) -> Option<String> {
    if let Some(n) = podutil::node_name(pod) {
        return Some(n.to_string());
    }
    pod.spec()
        .array_at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")
        .iter()
        .flat_map(|t| t.array_at("matchFields").iter())
        .find(|f| f.str_at("key") == Some("metadata.name") && f.str_at("operator") == Some("In"))
        .and_then(|f| f.array_at("values").first())
        .and_then(|v| v.as_str())
        .map(String::from)
}

/// A pod for `node`: the template, the default tolerations, and the
/// node pinned by `ReplaceDaemonSetPodNodeNameNodeAffinity`.
fn new_daemon_pod(ds: &Object, node: &str, hash: &str) -> Object {
    let mut pod = get_pod_from_template(ds.spec().at("template"), ds);
    pod.meta.labels.insert(REVISION_LABEL.into(), hash.into());
    pod.meta.labels.insert(
        TEMPLATE_GENERATION_LABEL.into(),
        ds.meta.generation.to_string(),
    );
    let host_network = pod.spec().bool_at("hostNetwork").unwrap_or(false);
    let mut tolerations: Vec<Value> = pod.spec().array_at("tolerations").to_vec();
    for t in daemon_pod_tolerations(host_network) {
        if !tolerations
            .iter()
            .any(|x| x.str_at("key") == t.str_at("key") && x.str_at("effect") == t.str_at("effect"))
        {
            tolerations.push(t);
        }
    }
    set_at(pod.spec_mut(), "tolerations", Value::Array(tolerations));
    set_at(
        pod.spec_mut(),
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        json!({"nodeSelectorTerms": [{"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": [node]}]}]}),
    );
    pod
}

fn max_unavailable(ds: &Object, desired: i64) -> i64 {
    let v = ds.spec().at("updateStrategy.rollingUpdate.maxUnavailable");
    let n = match v {
        Value::Number(n) => n.as_i64().unwrap_or(1),
        Value::String(s) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<i64>().ok())
            .map(|p| (p * desired + 99) / 100)
            .unwrap_or(1),
        _ => 1,
    };
    n.max(if desired > 0 { 1 } else { 0 })
}

fn sync_daemon_set(ctx: &Ctx, ds: &Object, out: &mut Out) {
    let Some(selector) = selector_for(ds) else {
        return;
    };
    let min_ready = ds.spec().i64_at("minReadySeconds").unwrap_or(0);
    let candidates = ctx
        .store
        .list_ns(Kind::Pod, &ds.meta.namespace)
        .filter(|p| p.meta.deletion_timestamp.is_none() || p.meta.is_owned_by(&ds.meta.uid));
    let pods = claim_pods(ds, &selector, candidates, out);
    // A ready pod becomes available `minReadySeconds` later with no timer
    // to say so (upstream requeues the set after that delay): until then
    // the status may change with the clock alone.
    if min_ready > 0
        && pods
            .iter()
            .any(|p| podutil::is_ready(p) && !podutil::is_available(p, min_ready, ctx.now))
    {
        out.unsettled();
    }
    let mut by_node: BTreeMap<String, Vec<Object>> = BTreeMap::new();
    for p in pods.into_iter().map(std::borrow::Cow::into_owned) {
        if let Some(n) = target_node(&p) {
            by_node.entry(n).or_default().push(p);
        }
    }
    let hash = template_hash(ds);
    let deleting = ds.meta.deletion_timestamp.is_some();
    let (mut desired, mut current, mut misscheduled, mut ready, mut available, mut updated) =
        (0i64, 0i64, 0i64, 0i64, 0i64, 0i64);
    let mut old_pods: Vec<Object> = Vec::new();
    let mut unavailable = 0i64;
    let empty = Vec::new();
    for node in ctx.store.list(Kind::Node) {
        let (should_run, should_continue) = node_should_run_daemon_pod(node, ds);
        let on_node = by_node.get(&node.meta.name).unwrap_or(&empty);
        let live: Vec<&Object> = on_node
            .iter()
            .filter(|p| p.meta.deletion_timestamp.is_none())
            .collect();
        if should_run {
            desired += 1;
        }
        if !live.is_empty() {
            if should_run {
                current += 1;
            } else {
                misscheduled += 1;
            }
        }
        for p in &live {
            if podutil::is_ready(p) {
                ready += 1;
            }
            if podutil::is_available(p, min_ready, ctx.now) {
                available += 1;
            }
            if podutil::revision_label(p) == Some(hash.as_str()) {
                updated += 1;
            }
        }
        if deleting {
            continue;
        }
        if should_run {
            // `podsShouldBeOnNode`: failed pods go; one pod, the oldest, stays.
            let mut running: Vec<&Object> = Vec::new();
            for p in &live {
                if podutil::is_terminal(p) {
                    delete_pod(ds, p, out);
                } else {
                    running.push(p);
                }
            }
            // A new pod only once the node has none at all (a terminating
            // or failed one must be gone first), as `podsShouldBeOnNode`.
            if on_node.is_empty() {
                out.create(new_daemon_pod(ds, &node.meta.name, &hash));
                out.event(
                    ds,
                    false,
                    "SuccessfulCreate",
                    format!("Created pod: {GENERATED_NAME}"),
                );
            } else if running.len() > 1 {
                sort::sort_by_key(&mut running, |p| {
                    (p.meta.creation_timestamp, p.meta.name.clone())
                });
                for p in &running[1..] {
                    delete_pod(ds, p, out);
                }
            }
            if running.is_empty() {
                // No pod (or only a terminating one): unavailable here.
                unavailable += 1;
            }
            if let Some(p) = running.first() {
                if !podutil::is_available(p, min_ready, ctx.now) {
                    unavailable += 1;
                }
                if podutil::revision_label(p) != Some(hash.as_str()) {
                    old_pods.push((*p).clone());
                }
            }
        } else if !should_continue {
            for p in &live {
                delete_pod(ds, p, out);
            }
        }
    }
    // `getUnscheduledPodsWithoutNode`: a pod pinned to a node that no
    // longer exists, and never bound, is deleted.
    if !deleting {
        for (node, pods) in &by_node {
            if ctx.store.get(Kind::Node, "", node).is_none() {
                for p in pods.iter().filter(|p| {
                    p.meta.deletion_timestamp.is_none() && podutil::node_name(p).is_none()
                }) {
                    delete_pod(ds, p, out);
                }
            }
        }
    }
    // RollingUpdate: replace outdated pods, unavailable ones first, within maxUnavailable.
    if !deleting
        && ds
            .spec()
            .str_at("updateStrategy.type")
            .unwrap_or("RollingUpdate")
            == "RollingUpdate"
    {
        let budget = max_unavailable(ds, desired);
        sort::sort_by_key(&mut old_pods, |p| {
            (
                podutil::is_available(p, min_ready, ctx.now),
                p.meta.name.clone(),
            )
        });
        let mut left = budget - unavailable;
        for p in &old_pods {
            let is_unavailable = !podutil::is_available(p, min_ready, ctx.now);
            if is_unavailable {
                delete_pod(ds, p, out);
            } else if left > 0 {
                delete_pod(ds, p, out);
                left -= 1;
            }
        }
    }
    let mut status = ds.status().as_object().cloned().unwrap_or_default();
    for (k, v, omit_zero) in [
        ("currentNumberScheduled", current, false),
        ("numberMisscheduled", misscheduled, false),
        ("desiredNumberScheduled", desired, false),
        ("numberReady", ready, false),
        ("observedGeneration", ds.meta.generation, true),
        ("updatedNumberScheduled", updated, true),
        ("numberAvailable", available, true),
        ("numberUnavailable", (desired - available).max(0), true),
    ] {
        if omit_zero && v == 0 {
            status.remove(k);
        } else {
            status.insert(k.into(), v.into());
        }
    }
    let status = Value::Object(status);
    if *ds.status() != status {
        let mut u = ds.clone();
        u.body.insert("status".into(), status);
        out.update(u);
    }
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The DaemonSets a change concerns, as the DaemonSet controller's
/// handlers queue them: a DaemonSet itself; a node every DaemonSet (each
/// decides whether it should run there); a pod its controller (and, while
/// an orphan, every DaemonSet of its namespace).
pub fn route(store: &Store, change: &Change, _new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    match change.key.kind {
        Kind::DaemonSet => push(change.key.clone()),
        Kind::Node => store.list(Kind::DaemonSet).for_each(|ds| push(ds.key())),
        Kind::Pod => {
            super::ref_manager::route_to_controllers(store, change, &[Kind::DaemonSet], push)
        }
        _ => {}
    }
}

/// The sync of the DaemonSets in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for ds in keys.objects(ctx.store, Kind::DaemonSet) {
        let mark = out.key_begin();
        sync_daemon_set(ctx, ds, out);
        out.key_end(mark, || ds.key());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api;
    use crate::sim::engine::Sim;
    use crate::sim::testutil::{apply, make_running_and_ready, run_with};

    fn ds(extra_spec: Value) -> Value {
        let mut v = json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "cassandra"},
            "spec": {"selector": {"matchLabels": {"app": "cassandra"}},
                "template": {"metadata": {"labels": {"app": "cassandra"}},
                    "spec": {"containers": [{"name": "c", "image": "cassandra"}]}}}});
        if let Some(m) = extra_spec.as_object() {
            for (k, x) in m {
                v["spec"]["template"]["spec"][k] = x.clone();
            }
        }
        v
    }

    fn run(sim: &mut Sim) {
        run_with(sim, &[sync, crate::sim::controllers::gc::sync]);
    }

    fn live_pods(sim: &Sim) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = sim
            .store
            .list_ns(Kind::Pod, "default")
            .filter(|p| p.meta.deletion_timestamp.is_none())
            .map(|p| (target_node(p).unwrap_or_default(), p.meta.name.clone()))
            .collect();
        sort::sort(&mut v);
        v
    }

    fn edit_node(sim: &mut Sim, name: &str, f: impl FnOnce(&mut Object)) {
        let mut n = sim.store.get(Kind::Node, "", name).unwrap().clone();
        f(&mut n);
        api::update(sim, n, "test").unwrap();
    }

    #[test]
    fn one_pod_per_node_pinned_by_affinity() {
        let mut sim = Sim::new(3);
        apply(&mut sim, ds(json!({})));
        run(&mut sim);
        let pods = live_pods(&sim);
        let nodes: Vec<&str> = pods.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(nodes, vec!["node-1", "node-2", "node-3"]);
        let p = sim.store.get(Kind::Pod, "default", &pods[0].1).unwrap();
        assert!(p.meta.name.starts_with("cassandra-"));
        assert!(p
            .spec()
            .array_at("tolerations")
            .iter()
            .any(|t| t.str_at("key") == Some("node.kubernetes.io/unschedulable")));
        let d = sim
            .store
            .get(Kind::DaemonSet, "default", "cassandra")
            .unwrap();
        assert_eq!(d.status().i64_at("desiredNumberScheduled"), Some(3));
        assert_eq!(d.status().i64_at("currentNumberScheduled"), Some(3));
        // Stable: a second run creates nothing more.
        run(&mut sim);
        assert_eq!(live_pods(&sim).len(), 3);
    }

    #[test]
    fn respects_node_selector_and_untolerated_taints_but_not_cordon() {
        let mut sim = Sim::new(3);
        edit_node(&mut sim, "node-1", |n| {
            n.meta.labels.insert("disk".into(), "ssd".into());
        });
        edit_node(&mut sim, "node-2", |n| {
            n.meta.labels.insert("disk".into(), "ssd".into());
            set_at(
                n.spec_mut(),
                "taints",
                json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]),
            );
        });
        edit_node(&mut sim, "node-3", |n| {
            n.meta.labels.insert("disk".into(), "ssd".into());
            set_at(n.spec_mut(), "unschedulable", json!(true));
            set_at(
                n.spec_mut(),
                "taints",
                json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
            );
        });
        apply(&mut sim, ds(json!({"nodeSelector": {"disk": "ssd"}})));
        run(&mut sim);
        let nodes: Vec<String> = live_pods(&sim).into_iter().map(|(n, _)| n).collect();
        assert_eq!(nodes, vec!["node-1", "node-3"]);
        // A NoExecute taint evicts the daemon pod.
        edit_node(&mut sim, "node-1", |n| {
            set_at(
                n.spec_mut(),
                "taints",
                json!([{"key": "gone", "effect": "NoExecute"}]),
            );
        });
        run(&mut sim);
        let nodes: Vec<String> = live_pods(&sim).into_iter().map(|(n, _)| n).collect();
        assert_eq!(nodes, vec!["node-3"]);
    }

    #[test]
    fn rolling_update_replaces_one_at_a_time() {
        let mut sim = Sim::new(3);
        apply(&mut sim, ds(json!({})));
        run(&mut sim);
        for (node, p) in live_pods(&sim) {
            make_running_and_ready(&mut sim, &p);
            // The helper schedules on node-1; put each back on its own node.
            let mut pod = sim.store.get(Kind::Pod, "default", &p).unwrap().clone();
            set_at(pod.spec_mut(), "nodeName", json!(node));
            api::update(&mut sim, pod, "test").unwrap();
        }
        run(&mut sim);
        let mut d = sim
            .store
            .get(Kind::DaemonSet, "default", "cassandra")
            .unwrap()
            .clone();
        set_at(
            d.spec_mut(),
            "template.spec.containers.0.image",
            json!("cassandra:2"),
        );
        api::update(&mut sim, d, "test").unwrap();
        run(&mut sim);
        let terminating = sim
            .store
            .list_ns(Kind::Pod, "default")
            .filter(|p| p.meta.deletion_timestamp.is_some())
            .count();
        assert_eq!(terminating, 1);
        // The replaced node gets a pod of the new template once the old one
        // is gone; no other old pod goes until that one is available.
        let going = sim
            .store
            .list_ns(Kind::Pod, "default")
            .find(|p| p.meta.deletion_timestamp.is_some())
            .unwrap()
            .clone();
        let node = target_node(&going).unwrap();
        let mut p = going.clone();
        p.meta.deletion_grace_period_seconds = Some(0);
        api::update(&mut sim, p, "kubelet").unwrap();
        run(&mut sim);
        let d = sim
            .store
            .get(Kind::DaemonSet, "default", "cassandra")
            .unwrap()
            .clone();
        let hash = template_hash(&d);
        let fresh: Vec<Object> = sim
            .store
            .list_ns(Kind::Pod, "default")
            .filter(|p| p.meta.labels.get(REVISION_LABEL) == Some(&hash))
            .cloned()
            .collect();
        assert_eq!(fresh.len(), 1);
        assert_eq!(target_node(&fresh[0]).as_deref(), Some(node.as_str()));
        assert!(sim
            .store
            .list_ns(Kind::Pod, "default")
            .all(|p| p.meta.deletion_timestamp.is_none()));
        assert_eq!(d.status().i64_at("updatedNumberScheduled"), Some(1));
    }

    #[test]
    fn a_missing_selector_defaults_to_the_template_labels() {
        let mut sim = Sim::new(3);
        let mut v = ds(json!({}));
        v["spec"].as_object_mut().unwrap().remove("selector");
        apply(&mut sim, v);
        run(&mut sim);
        assert_eq!(live_pods(&sim).len(), 3);
        run(&mut sim);
        assert_eq!(live_pods(&sim).len(), 3);
    }

    #[test]
    fn failed_daemon_pod_is_replaced_after_it_is_gone() {
        let mut sim = Sim::new(3);
        apply(&mut sim, ds(json!({})));
        run(&mut sim);
        let (node, name) = live_pods(&sim)[0].clone();
        let mut p = sim.store.get(Kind::Pod, "default", &name).unwrap().clone();
        p.body.insert("status".into(), json!({"phase": "Failed"}));
        api::update(&mut sim, p, "kubelet").unwrap();
        run(&mut sim);
        // Unscheduled (no nodeName), so the delete was immediate.
        assert!(sim.store.get(Kind::Pod, "default", &name).is_none());
        let on_node: Vec<String> = live_pods(&sim)
            .into_iter()
            .filter(|(n, _)| *n == node)
            .map(|(_, p)| p)
            .collect();
        assert_eq!(on_node.len(), 1);
        assert_ne!(on_node[0], name);
    }
}
