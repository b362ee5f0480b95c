//! ReplicationController and ReplicaSet: one implementation, as upstream
//! runs the RC manager on `pkg/controller/replicaset` (`replica_set.go`).
//! Pods are named by `generateName` `<owner>-` (the API server adds the
//! random suffix); orphans matching the selector are adopted, owned pods
//! that stop matching are released; on scale-down the pods to delete are
//! chosen by upstream's `ActivePodsWithRanks` order.

use super::statefulset::get_pod_from_template;
use super::{Ctx, Keys, Out};
use crate::sim::api::GENERATED_NAME;
use crate::sim::object::{parse_rfc3339, Key, Kind, Labels, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::selector::Selector;
use crate::sim::sort;
use crate::sim::store::{Change, Store};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// `burstReplicas`: at most this many creations or deletions per sync.
pub const BURST_REPLICAS: usize = 500;

/// The selector of an RC (a plain map, defaulted from the template's labels)
/// or an RS, DaemonSet or Deployment (a LabelSelector). `None` when it is
/// empty or invalid.
pub fn selector_for(owner: &Object) -> Option<Selector> {
    let sel = if owner.kind == Kind::ReplicationController {
        let mut l = owner.spec().labels_at("selector");
        if l.is_empty() {
            l = owner.spec().labels_at("template.metadata.labels");
        }
        Some(Selector::from_labels(&l))
    } else if owner.spec().at("selector").is_null() {
        // The old API versions (extensions/v1beta1) defaulted the selector
        // from the template's labels; be robust if conversion left none.
        Some(Selector::from_labels(
            &owner.spec().labels_at("template.metadata.labels"),
        ))
    } else {
        Selector::from_value(owner.spec().at("selector"))
            .ok()
            .flatten()
    };
    sel.filter(|s| !s.is_empty())
}

/// `controller.IsPodActive`.
pub fn is_pod_active(pod: &Object) -> bool {
    !podutil::is_failed(pod) && !podutil::is_succeeded(pod) && pod.meta.deletion_timestamp.is_none()
}

/// `ClaimPods`, shared with the other controllers.
pub use super::ref_manager::claim_pods;

/// `PodControl.CreatePods`: a pod from the template with a controller
/// reference, and upstream's event once the API server named it.
pub fn create_pod_from_template(owner: &Object, template: &Value, out: &mut Out) -> Object {
    let pod = get_pod_from_template(template, owner);
    out.create(pod.clone());
    out.event(
        owner,
        false,
        "SuccessfulCreate",
        format!("Created pod: {GENERATED_NAME}"),
    );
    pod
}

/// `PodControl.DeletePod` with its event.
pub fn delete_pod(owner: &Object, pod: &Object, out: &mut Out) {
    out.delete(pod);
    out.event(
        owner,
        false,
        "SuccessfulDelete",
        format!("Deleted pod: {}", pod.meta.name),
    );
}

fn phase_rank(pod: &Object) -> u8 {
    match podutil::phase(pod) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    }
}

fn deletion_cost(pod: &Object) -> i64 {
    pod.meta
        .annotations
        .get("controller.kubernetes.io/pod-deletion-cost")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn max_restarts(pod: &Object) -> i64 {
    pod.status()
        .array_at("containerStatuses")
        .iter()
        .filter_map(|c| c.i64_at("restartCount"))
        .max()
        .unwrap_or(0)
}

fn ready_time(pod: &Object) -> Option<u64> {
    podutil::condition(pod, "Ready")
        .filter(|c| c.str_at("status") == Some("True"))
        .and_then(|c| c.str_at("lastTransitionTime"))
        .and_then(parse_rfc3339)
}

/// `ActivePodsWithRanks.Less`: true when `a` should be deleted before `b`.
pub fn active_pods_with_ranks_less(a: &Object, ra: usize, b: &Object, rb: usize) -> Ordering {
    let assigned = |p: &Object| podutil::node_name(p).is_some_and(|n| !n.is_empty());
    // 1. Unassigned < assigned.
    assigned(a)
        .cmp(&assigned(b))
        // 2. Pending < Unknown < Running.
        .then(phase_rank(a).cmp(&phase_rank(b)))
        // 3. Not ready < ready.
        .then(podutil::is_ready(a).cmp(&podutil::is_ready(b)))
        // 4. Lower pod-deletion-cost first.
        .then(deletion_cost(a).cmp(&deletion_cost(b)))
        // 5. Doubled up on a node (higher rank) first.
        .then(rb.cmp(&ra))
        // 6. Ready for less time first.
        .then_with(|| match (ready_time(a), ready_time(b)) {
            (Some(x), Some(y)) => y.cmp(&x),
            _ => Ordering::Equal,
        })
        // 7. More restarts first.
        .then(max_restarts(b).cmp(&max_restarts(a)))
        // 8. Newer first.
        .then(b.meta.creation_timestamp.cmp(&a.meta.creation_timestamp))
        // Deterministic tie-break (upstream's sort is not stable).
        .then(a.meta.name.cmp(&b.meta.name))
}

/// `getPodsToDelete` with `getPodsRankedByRelatedPodsOnSameNode`.
pub fn get_pods_to_delete(pods: &[Object], related: &[Object], diff: usize) -> Vec<Object> {
    let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in related.iter().filter(|p| is_pod_active(p)) {
        if let Some(n) = podutil::node_name(p) {
            *on_node.entry(n).or_default() += 1;
        }
    }
    let mut ranked: Vec<(usize, &Object)> = pods
        .iter()
        .map(|p| {
            let rank = podutil::node_name(p)
                .map(|n| on_node.get(n).copied().unwrap_or(0))
                .unwrap_or(0);
            (rank, p)
        })
        .collect();
    sort::sort_by(&mut ranked, |(ra, a), (rb, b)| {
        active_pods_with_ranks_less(a, *ra, b, *rb)
    });
    ranked
        .into_iter()
        .take(diff)
        .map(|(_, p)| p.clone())
        .collect()
}

fn is_available(pod: &Object, min_ready: i64, now: u64) -> bool {
    podutil::is_available(pod, min_ready, now)
}

/// `calculateStatus` and the write when it differs.
fn update_status(owner: &Object, pods: &[Object], now: u64, out: &mut Out) {
    let template_labels: Labels = owner.spec().labels_at("template.metadata.labels");
    let min_ready = owner.spec().i64_at("minReadySeconds").unwrap_or(0);
    let fully_labeled = pods
        .iter()
        .filter(|p| {
            template_labels
                .iter()
                .all(|(k, v)| p.meta.labels.get(k) == Some(v))
        })
        .count() as i64;
    let ready = pods.iter().filter(|p| podutil::is_ready(p)).count() as i64;
    let available = pods
        .iter()
        .filter(|p| is_available(p, min_ready, now))
        .count() as i64;
    let mut status = owner.status().as_object().cloned().unwrap_or_default();
    let mut put = |k: &str, v: i64, omit_zero: bool| {
        if omit_zero && v == 0 {
            status.remove(k);
        } else {
            status.insert(k.into(), v.into());
        }
    };
    put("replicas", pods.len() as i64, false);
    put("fullyLabeledReplicas", fully_labeled, true);
    put("readyReplicas", ready, true);
    put("availableReplicas", available, true);
    put("observedGeneration", owner.meta.generation, true);
    let status = Value::Object(status);
    if *owner.status() != status {
        let mut updated = owner.clone();
        updated.body.insert("status".into(), status);
        out.update(updated);
    }
}

/// Pods of every replica set sharing this one's controller (a Deployment),
/// or its own, for the same-node ranking.
fn related_pods(store: &Store, owner: &Object) -> Vec<Object> {
    let siblings: Vec<&str> = match owner.meta.controller_ref() {
        Some(parent) => store
            .list_ns(owner.kind, &owner.meta.namespace)
            .filter(|rs| rs.meta.is_owned_by(&parent.uid))
            .map(|rs| rs.meta.uid.as_str())
            .collect(),
        None => vec![owner.meta.uid.as_str()],
    };
    store
        .list_ns(Kind::Pod, &owner.meta.namespace)
        .filter(|p| {
            p.meta
                .controller_ref()
                .is_some_and(|r| siblings.contains(&r.uid.as_str()))
        })
        .cloned()
        .collect()
}

/// `syncReplicaSet` for one RC or RS.
fn sync_replica_set(ctx: &Ctx, owner: &Object, out: &mut Out) {
    let Some(selector) = selector_for(owner) else {
        return;
    };
    let active = ctx
        .store
        .list_ns(Kind::Pod, &owner.meta.namespace)
        .filter(|p| is_pod_active(p));
    let pods: Vec<Object> = claim_pods(owner, &selector, active, out)
        .into_iter()
        .map(Cow::into_owned)
        .collect();
    if owner.meta.deletion_timestamp.is_none() {
        manage_replicas(ctx, owner, &pods, out);
    }
    // Wake when a ready pod becomes available.
    let min_ready = owner.spec().i64_at("minReadySeconds").unwrap_or(0);
    if min_ready > 0 {
        for p in &pods {
            if let Some(t) = ready_time(p) {
                let at = t + min_ready as u64 * 1000;
                if at > ctx.now {
                    out.wake(at);
                }
            }
        }
    }
    update_status(owner, &pods, ctx.now, out);
}

/// `manageReplicas`.
fn manage_replicas(ctx: &Ctx, owner: &Object, pods: &[Object], out: &mut Out) {
    let want = owner
        .spec()
        .i64_at("replicas")
        .unwrap_or(1)
        .clamp(0, super::statefulset::MAX_SIMULATED_REPLICAS) as usize;
    let template = owner.spec().at("template");
    match pods.len().cmp(&want) {
        Ordering::Less => {
            let n = (want - pods.len()).min(BURST_REPLICAS);
            for _ in 0..n {
                create_pod_from_template(owner, template, out);
            }
        }
        Ordering::Greater => {
            let diff = (pods.len() - want).min(BURST_REPLICAS);
            let related = related_pods(ctx.store, owner);
            for p in get_pods_to_delete(pods, &related, diff) {
                delete_pod(owner, &p, out);
            }
        }
        Ordering::Equal => {}
    }
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

const KINDS: [Kind; 2] = [Kind::ReplicationController, Kind::ReplicaSet];

/// The controllers a change concerns, as the ReplicaSet controller's
/// handlers queue them: an RC or RS itself; a pod its controller (and,
/// while an orphan, every RC and RS of its namespace). The pods of sibling
/// ReplicaSets, read to rank pods for deletion, matter only to a set that
/// deletes, and a set that wrote stays queued.
pub fn route(store: &Store, change: &Change, _new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    match change.key.kind {
        Kind::ReplicationController | Kind::ReplicaSet => push(change.key.clone()),
        Kind::Pod => super::ref_manager::route_to_controllers(store, change, &KINDS, push),
        _ => {}
    }
}

/// The sync of the RCs and ReplicaSets in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for kind in KINDS {
        for owner in keys.objects(ctx.store, kind) {
            let mark = out.key_begin();
            sync_replica_set(ctx, owner, out);
            out.key_end(mark, || owner.key());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api;
    use crate::sim::controllers::gc;
    use crate::sim::engine::{Action, Sim};
    use crate::sim::testutil::{apply, make_running_and_ready, run_with};
    use serde_json::json;

    fn rc(replicas: i64) -> Value {
        json!({"apiVersion": "v1", "kind": "ReplicationController",
            "metadata": {"name": "hazelcast"},
            "spec": {"replicas": replicas,
                "template": {"metadata": {"labels": {"name": "hazelcast"}},
                    "spec": {"containers": [{"name": "hazelcast", "image": "hazelcast"}]}}}})
    }

    fn run(sim: &mut Sim) {
        run_with(sim, &[sync, gc::sync]);
    }

    fn pod_names(sim: &Sim) -> Vec<String> {
        sim.store
            .list_ns(Kind::Pod, "default")
            .filter(|p| p.meta.deletion_timestamp.is_none())
            .map(|p| p.meta.name.clone())
            .collect()
    }

    #[test]
    fn rc_creates_pods_with_random_suffixes_deterministic_per_seed() {
        let names = |seed| {
            let mut sim = Sim::new(seed);
            apply(&mut sim, rc(3));
            run(&mut sim);
            pod_names(&sim)
        };
        let a = names(5);
        assert_eq!(a.len(), 3);
        for n in &a {
            let suffix = n.strip_prefix("hazelcast-").unwrap();
            assert_eq!(suffix.len(), 5);
            assert!(suffix
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
        }
        assert_eq!(a, names(5));
        assert_ne!(a, names(6));
    }

    #[test]
    fn rc_selector_defaults_to_template_labels_and_status_counts() {
        let mut sim = Sim::new(1);
        let owner = apply(&mut sim, rc(2));
        run(&mut sim);
        let pods = pod_names(&sim);
        for p in &pods {
            let pod = sim.store.get(Kind::Pod, "default", p).unwrap();
            assert!(pod.meta.is_owned_by(&owner.meta.uid));
            assert_eq!(pod.meta.generate_name, "hazelcast-");
            assert_eq!(pod.meta.labels["name"], "hazelcast");
        }
        make_running_and_ready(&mut sim, &pods[0]);
        run(&mut sim);
        let o = sim
            .store
            .get(Kind::ReplicationController, "default", "hazelcast")
            .unwrap();
        assert_eq!(o.status().i64_at("replicas"), Some(2));
        assert_eq!(o.status().i64_at("readyReplicas"), Some(1));
        assert_eq!(o.status().i64_at("fullyLabeledReplicas"), Some(2));
        // The event names the pod the API server created.
        let created: Vec<String> = sim
            .log
            .iter()
            .filter(|e| e.action == Action::Recorded && e.reason == "SuccessfulCreate")
            .map(|e| e.message.clone())
            .collect();
        let mut expect: Vec<String> = pods.iter().map(|p| format!("Created pod: {p}")).collect();
        sort::sort(&mut expect);
        let mut got = created.clone();
        sort::sort(&mut got);
        assert_eq!(got, expect);
    }

    #[test]
    fn adopts_orphans_and_releases_non_matching() {
        let mut sim = Sim::new(1);
        apply(
            &mut sim,
            json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "stray", "labels": {"name": "hazelcast"}},
                "spec": {"containers": [{"name": "c", "image": "x"}]}}),
        );
        let owner = apply(&mut sim, rc(2));
        run(&mut sim);
        let stray = sim.store.get(Kind::Pod, "default", "stray").unwrap();
        assert!(stray.meta.is_owned_by(&owner.meta.uid));
        assert_eq!(
            pod_names(&sim).len(),
            2,
            "the orphan counts toward replicas"
        );
        // Relabel it: released, and a replacement is made.
        let mut p = stray.clone();
        p.meta.labels.insert("name".into(), "other".into());
        api::update(&mut sim, p, "test").unwrap();
        run(&mut sim);
        let stray = sim.store.get(Kind::Pod, "default", "stray").unwrap();
        assert!(stray.meta.owner_references.is_empty());
        assert_eq!(pod_names(&sim).len(), 3);
    }

    #[test]
    fn scale_down_prefers_unscheduled_then_pending_then_not_ready() {
        let mut sim = Sim::new(1);
        apply(&mut sim, rc(4));
        run(&mut sim);
        let pods = pod_names(&sim);
        // pods[0]: ready; pods[1]: running not ready; pods[2]: scheduled pending; pods[3]: unscheduled.
        make_running_and_ready(&mut sim, &pods[0]);
        let mut p = sim
            .store
            .get(Kind::Pod, "default", &pods[1])
            .unwrap()
            .clone();
        crate::sim::object::set_at(p.spec_mut(), "nodeName", json!("node-2"));
        p.body.insert("status".into(), json!({"phase": "Running"}));
        api::update(&mut sim, p, "test").unwrap();
        let mut p = sim
            .store
            .get(Kind::Pod, "default", &pods[2])
            .unwrap()
            .clone();
        crate::sim::object::set_at(p.spec_mut(), "nodeName", json!("node-3"));
        p.body.insert("status".into(), json!({"phase": "Pending"}));
        api::update(&mut sim, p, "test").unwrap();
        let order: Vec<String> = {
            let all: Vec<Object> = sim.store.list_ns(Kind::Pod, "default").cloned().collect();
            get_pods_to_delete(&all, &all, 4)
                .into_iter()
                .map(|p| p.meta.name.clone())
                .collect()
        };
        assert_eq!(
            order,
            vec![
                pods[3].clone(),
                pods[2].clone(),
                pods[1].clone(),
                pods[0].clone()
            ]
        );
        let mut o = sim
            .store
            .get(Kind::ReplicationController, "default", "hazelcast")
            .unwrap()
            .clone();
        crate::sim::object::set_at(o.spec_mut(), "replicas", json!(1));
        api::update(&mut sim, o, "test").unwrap();
        run(&mut sim);
        assert_eq!(pod_names(&sim), vec![pods[0].clone()]);
    }

    #[test]
    fn deleting_the_rc_deletes_its_pods_unless_orphaned() {
        for (propagation, survive) in [
            (crate::sim::controllers::Propagation::Background, false),
            (crate::sim::controllers::Propagation::Orphan, true),
        ] {
            let mut sim = Sim::new(1);
            let owner = apply(&mut sim, rc(2));
            run(&mut sim);
            api::delete(
                &mut sim,
                &owner.key(),
                api::DeleteOptions {
                    propagation,
                    ..Default::default()
                },
                "test",
            )
            .unwrap();
            run(&mut sim);
            assert!(sim
                .store
                .get(Kind::ReplicationController, "default", "hazelcast")
                .is_none());
            // Unscheduled pods go at once when deleted.
            assert_eq!(pod_names(&sim).len() == 2, survive, "{propagation:?}");
        }
    }

    #[test]
    fn replica_set_uses_its_label_selector() {
        let mut sim = Sim::new(1);
        apply(
            &mut sim,
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "fe"},
                "spec": {"replicas": 2, "selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]},
                    "template": {"metadata": {"labels": {"tier": "fe"}},
                        "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
        );
        run(&mut sim);
        assert_eq!(pod_names(&sim).len(), 2);
        assert!(pod_names(&sim).iter().all(|n| n.starts_with("fe-")));
    }
}
