//! `node-lifecycle-controller`, with the parts of upstream's node controllers
//! that stateful workloads meet:
//! - health: a node whose kubelet stopped (a failed node) keeps its last
//!   `lastHeartbeatTime`; `node_monitor_grace_ms` later its conditions turn
//!   `Unknown` (`NodeStatusUnknown`, "Kubelet stopped posting node status.")
//!   and its pods are marked `Ready=False` (`MarkPodsNotReady`);
//! - taints by condition: `node.kubernetes.io/unreachable` (Ready Unknown) or
//!   `not-ready` (Ready False) as NoSchedule and NoExecute, and
//!   `node.kubernetes.io/unschedulable:NoSchedule` for a cordoned node;
//! - taint-based eviction: a pod on a node with a NoExecute taint it does not
//!   tolerate is deleted at once; one tolerating it for `tolerationSeconds`
//!   is deleted when that runs out (`TaintManagerEviction`). A pod with no
//!   toleration of its own for `not-ready`/`unreachable` is treated as having
//!   the 300 s ones the DefaultTolerationSeconds admission plugin adds. A pod
//!   deleted on a dead node stays `Terminating`: only its kubelet could
//!   confirm the containers stopped, so it waits for the node to come back
//!   or for a force delete, as upstream;
//! - pod GC of pods bound to a node that no longer exists, once it has
//!   been gone for `quarantineTime` (40 s).

use super::scheduler::{
    self, set_pod_condition, tolerates, toleration_matches, TAINT_NOT_READY, TAINT_UNREACHABLE,
    TAINT_UNSCHEDULABLE,
};
use super::{Ctx, Keys, Out, Propagation, Write};
use crate::sim::nodeutil::{reads_its_pods, ready_condition};
use crate::sim::object::Key;
use crate::sim::object::Kind;
use crate::sim::object::{parse_rfc3339, rfc3339, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::store::{Change, Store};
use serde_json::{json, Value};

/// `DefaultTolerationSeconds` admission's default.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// When the node's kubelet last posted status (virtual ms).
pub fn last_heartbeat(node: &Object) -> u64 {
    ready_condition(node)
        .and_then(|c| {
            c.str_at("lastHeartbeatTime")
                .or_else(|| c.str_at("lastTransitionTime"))
        })
        .and_then(parse_rfc3339)
        .unwrap_or(node.meta.creation_timestamp)
}

/// The nodeipam controller's part: a node registered without a pod CIDR
/// gets the lowest free `10.244.N.0/24` (N from 1).
fn allocate_cidr(node: &Object, taken: &mut Vec<String>) -> Option<String> {
    if node.spec().str_at("podCIDR").is_some() {
        return None;
    }
    let cidr = (1..=255)
        .map(|i| format!("10.244.{i}.0/24"))
        .find(|c| !taken.contains(c))?;
    taken.push(cidr.clone());
    Some(cidr)
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The nodes and pods a change concerns, as the node lifecycle controller
/// and pod GC queue them: a node itself (and, when it came or went or its
/// pod CIDR changed, every node, since CIDRs are handed out in node order,
/// and the pods bound to its name, which pod GC reads); a pod, the nodes it
/// is or was bound to when they read their pods (not Ready, or tainted
/// NoExecute), and itself when its node is gone.
pub fn route(store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    match k.kind {
        Kind::Node => {
            push(k.clone());
            let cidr = |o: Option<&Object>| o.map(|n| n.spec().at("podCIDR").clone());
            if change.old.is_none() || new.is_none() || cidr(change.old.as_deref()) != cidr(new) {
                store.list(Kind::Node).for_each(|n| push(n.key()));
                store.pods_on_node(&k.name).for_each(|p| push(p.key()));
            }
        }
        Kind::Pod => {
            for p in change.old.as_deref().into_iter().chain(new) {
                let Some(n) = podutil::node_name(p).filter(|n| !n.is_empty()) else {
                    continue;
                };
                if store.get(Kind::Node, "", n).is_some_and(reads_its_pods) {
                    push(Key::new(Kind::Node, "", n));
                }
            }
            if new
                .and_then(podutil::node_name)
                .is_some_and(|n| store.get(Kind::Node, "", n).is_none())
            {
                push(k.clone());
            }
        }
        _ => {}
    }
}

/// The sync of the nodes and pods in `keys`: the nodes' health, taints and
/// evictions, then pod GC of the pods.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    let mut cidrs: Vec<String> = ctx
        .store
        .list(Kind::Node)
        .filter_map(|n| n.spec().str_at("podCIDR").map(String::from))
        .collect();
    for node in keys.objects(ctx.store, Kind::Node) {
        let mark = out.key_begin();
        sync_node(ctx, node, &mut cidrs, out);
        out.key_end(mark, || node.key());
    }
    for pod in keys.objects(ctx.store, Kind::Pod) {
        let mark = out.key_begin();
        gc_orphaned(ctx, pod, out);
        out.key_end(mark, || pod.key());
    }
}

/// PodGC's `quarantineTime`: how long a pod's node must stay gone before
/// its pods are deleted (a node re-registering in time keeps them).
pub const POD_GC_QUARANTINE_MS: u64 = 40_000;

/// PodGC's `gcOrphaned` for one pod: bound to a node that has been gone
/// for `quarantineTime` (counted from when the node left, or from the
/// pod's creation for a node that never existed), it is marked Failed
/// with a `DisruptionTarget` condition and force-deleted
/// (`markFailedAndDeletePodWithCondition`). Ordinal simplifies the
/// 20 s `gcCheckPeriod` away: the deletion comes at the quarantine's end.
fn gc_orphaned(ctx: &Ctx, pod: &Object, out: &mut Out) {
    let Some(n) = podutil::node_name(pod).filter(|n| !n.is_empty()) else {
        return;
    };
    if ctx.store.get(Kind::Node, "", n).is_some() {
        return;
    }
    let gone_since = ctx
        .departed_nodes
        .get(n)
        .copied()
        .unwrap_or(0)
        .max(pod.meta.creation_timestamp);
    let due = gone_since + POD_GC_QUARANTINE_MS;
    if ctx.now < due {
        out.wake(due);
        return;
    }
    if !podutil::is_succeeded(pod) && !podutil::is_failed(pod) {
        let mut p = pod.clone();
        p.status_mut()["phase"] = "Failed".into();
        set_pod_condition(
            &mut p,
            "DisruptionTarget",
            "True",
            Some("DeletionByPodGC"),
            Some("PodGC: node no longer exists"),
            ctx.now,
        );
        out.update(p);
    }
    out.writes.push(Write::Delete {
        key: pod.key(),
        grace_seconds: Some(0),
        propagation: Propagation::Background,
        uid: Some(pod.meta.uid.clone()),
    });
}

/// One node: its pod CIDR, health, taints, and its pods' readiness and
/// taint-based evictions.
fn sync_node(ctx: &Ctx, node: &Object, cidrs: &mut Vec<String>, out: &mut Out) {
    let now = ctx.now;
    let mut n = node.clone();
    if let Some(cidr) = allocate_cidr(node, cidrs) {
        n.spec_mut()["podCIDR"] = cidr.clone().into();
        n.spec_mut()["podCIDRs"] = json!([cidr]);
    }
    let failed = ctx.faults.failed_nodes.contains(node.name());
    let ready_status = ready_condition(node)
        .and_then(|c| c.str_at("status"))
        .unwrap_or("Unknown")
        .to_string();
    let mut status = ready_status.clone();
    // Health: a silent kubelet is Unknown after the grace period.
    if failed && ready_status != "Unknown" {
        let deadline = last_heartbeat(node) + ctx.config.timings.node_monitor_grace_ms;
        if now >= deadline {
            let conds: Vec<Value> = node
                .status()
                .array_at("conditions")
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    c["status"] = "Unknown".into();
                    c["reason"] = "NodeStatusUnknown".into();
                    c["message"] = "Kubelet stopped posting node status.".into();
                    c["lastTransitionTime"] = rfc3339(now).into();
                    c
                })
                .collect();
            n.status_mut()["conditions"] = Value::Array(conds);
            status = "Unknown".into();
            out.event(
                node,
                false,
                "NodeNotReady",
                format!("Node {} status is now: NodeNotReady", node.name()),
            );
        } else {
            out.wake(deadline);
        }
    }
    // Taints by condition and by cordon.
    let want_ns = |key: &str| json!({"key": key, "effect": "NoSchedule"});
    let mut wanted: Vec<Value> = Vec::new();
    match status.as_str() {
        "True" => {}
        "False" => {
            wanted.push(want_ns(TAINT_NOT_READY));
            wanted.push(json!({"key": TAINT_NOT_READY, "effect": "NoExecute"}));
        }
        _ => {
            wanted.push(want_ns(TAINT_UNREACHABLE));
            wanted.push(json!({"key": TAINT_UNREACHABLE, "effect": "NoExecute"}));
        }
    }
    if node.spec().bool_at("unschedulable") == Some(true) {
        wanted.push(want_ns(TAINT_UNSCHEDULABLE));
    }
    let managed = [TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE];
    let current: Vec<Value> = scheduler::taints(node).to_vec();
    let same = |a: &Value, b: &Value| {
        a.str_at("key") == b.str_at("key") && a.str_at("effect") == b.str_at("effect")
    };
    let mut taints: Vec<Value> = current
        .iter()
        .filter(|t| {
            !managed.contains(&t.str_at("key").unwrap_or("")) || wanted.iter().any(|w| same(w, t))
        })
        .cloned()
        .collect();
    for w in &wanted {
        if !taints.iter().any(|t| same(t, w)) {
            let mut w = w.clone();
            if w.str_at("effect") == Some("NoExecute") {
                w["timeAdded"] = rfc3339(now).into();
            }
            taints.push(w);
        }
    }
    if taints != current {
        if taints.is_empty() {
            if let Some(spec) = n.spec_mut().as_object_mut() {
                spec.remove("taints");
            }
        } else {
            n.spec_mut()["taints"] = Value::Array(taints.clone());
        }
    }
    if n != *node {
        out.update(n);
    }
    // Pods on a node that is not Ready are not ready either.
    if status == "Unknown" || status == "False" {
        for pod in pods_on(ctx, node.name()) {
            if podutil::is_ready(pod) {
                let mut p = pod.clone();
                set_pod_condition(&mut p, "Ready", "False", None, None, now);
                out.update(p);
                out.event(pod, true, "NodeNotReady", "Node is not ready");
            }
        }
    }
    evict_for_taints(ctx, out, node, &taints);
}

/// The live pods bound to `node`, in store order (from the node index).
fn pods_on<'a>(ctx: &'a Ctx, node: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
    ctx.store
        .pods_on_node(node)
        .filter(move |p| podutil::node_name(p) == Some(node) && !podutil::is_terminal(p))
}

/// The toleration list the taint manager sees: the pod's own, plus the
/// default 300 s ones for not-ready/unreachable when it has none for them.
fn effective_tolerations(pod: &Object) -> Vec<Value> {
    let mut tols = pod.spec().array_at("tolerations").to_vec();
    for key in [TAINT_NOT_READY, TAINT_UNREACHABLE] {
        let taint = json!({"key": key, "effect": "NoExecute"});
        if !tolerates(&tols, &taint) {
            tols.push(
                json!({"key": key, "operator": "Exists", "effect": "NoExecute",
                             "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}),
            );
        }
    }
    tols
}

/// The taint manager: when must this pod go because of NoExecute taints?
/// `Some(t)`: at virtual time t; `None`: it may stay.
pub fn eviction_time(pod: &Object, taints: &[Value], now: u64) -> Option<u64> {
    let tols = effective_tolerations(pod);
    let mut at: Option<u64> = None;
    for t in taints
        .iter()
        .filter(|t| t.str_at("effect") == Some("NoExecute"))
    {
        let matching: Vec<&Value> = tols.iter().filter(|x| toleration_matches(x, t)).collect();
        if matching.is_empty() {
            return Some(now);
        }
        // The shortest tolerationSeconds wins; none means forever.
        let secs = matching
            .iter()
            .filter_map(|x| x.i64_at("tolerationSeconds"))
            .min();
        if let Some(s) = secs {
            let added = t.str_at("timeAdded").and_then(parse_rfc3339).unwrap_or(now);
            let due = added + (s.clamp(0, 365 * 24 * 3600) as u64) * 1000;
            at = Some(at.map_or(due, |a| a.min(due)));
        }
    }
    at
}

fn evict_for_taints(ctx: &Ctx, out: &mut Out, node: &Object, taints: &[Value]) {
    if !taints
        .iter()
        .any(|t| t.str_at("effect") == Some("NoExecute"))
    {
        return;
    }
    for pod in pods_on(ctx, node.name()) {
        if pod.meta.terminating() {
            continue;
        }
        let Some(at) = eviction_time(pod, taints, ctx.now) else {
            continue;
        };
        if ctx.now < at {
            out.wake(at);
            continue;
        }
        let mut p = pod.clone();
        set_pod_condition(
            &mut p,
            "DisruptionTarget",
            "True",
            Some("DeletionByTaintManager"),
            Some("Taint manager: deleting due to NoExecute taint"),
            ctx.now,
        );
        out.update(p);
        out.event(
            pod,
            false,
            "TaintManagerEviction",
            format!(
                "Marking for deletion Pod {}/{}",
                pod.namespace(),
                pod.name()
            ),
        );
        out.delete(pod);
    }
}

/// Why a pod is stuck, in words for the UI and `describe`: a pod
/// terminating on a node whose kubelet is gone, a pod waiting for its
/// volumes on the node the scheduler chose, or the scheduler's reason.
pub fn why_stuck(store: &crate::sim::store::Store, pod: &Object) -> Option<String> {
    if pod.meta.terminating() {
        let node_name = podutil::node_name(pod)?;
        let node = store.get(Kind::Node, "", node_name)?;
        if scheduler::node_ready(node) {
            return None;
        }
        return Some(format!(
            "node {node_name} is not ready (its kubelet stopped posting status at {}): only that kubelet can confirm the containers stopped, so the pod stays Terminating until the node returns or someone force-deletes it (kubectl delete pod {} --grace-period=0 --force)",
            rfc3339(last_heartbeat(node)),
            pod.name()
        ));
    }
    if podutil::node_name(pod).is_some() {
        return None;
    }
    for claim_name in podutil::claim_names(pod) {
        if let Some(claim) = store.get(Kind::PersistentVolumeClaim, pod.namespace(), claim_name) {
            if let Some(node) = claim.meta.annotations.get(scheduler::SELECTED_NODE) {
                if claim.status().str_at("phase") != Some("Bound") {
                    return Some(format!(
                        "waiting for PersistentVolumeClaim {claim_name} to be provisioned and bound on node {node}"
                    ));
                }
            }
        }
    }
    podutil::condition(pod, "PodScheduled")
        .filter(|c| c.str_at("status") == Some("False"))
        .and_then(|c| c.str_at("message"))
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api::{self, DeleteOptions};
    use crate::sim::engine::{Action, Sim};

    #[test]
    fn pods_of_a_deleted_node_wait_out_the_quarantine_then_fail_and_go() {
        let mut sim = Sim::new(3);
        let spec = json!({"nodeName": "node-1",
            "containers": [{"name": "c", "image": "nginx"}]});
        api::create(&mut sim, crate::sim::testutil::pod("p", spec), "test").unwrap();
        sim.touch();
        sim.advance(10_000);
        let node = Key::new(Kind::Node, "", "node-1");
        api::delete(&mut sim, &node, DeleteOptions::default(), "test").unwrap();
        let gone_at = sim.now;
        sim.touch();
        sim.advance(POD_GC_QUARANTINE_MS - 1_000);
        let p = sim.store.get(Kind::Pod, "default", "p");
        assert!(p.is_some(), "gcOrphaned waits quarantineTime");
        sim.advance(2_000);
        assert!(sim.store.get(Kind::Pod, "default", "p").is_none());
        // markFailedAndDeletePodWithCondition: Failed first, then deleted.
        let failed = sim
            .log
            .iter()
            .find(|e| e.name == "p" && e.after.as_deref().is_some_and(|a| a.contains("Failed")))
            .expect("marked Failed");
        assert_eq!(failed.time, gone_at + POD_GC_QUARANTINE_MS);
        assert!(sim
            .log
            .iter()
            .any(|e| e.name == "p" && e.action == Action::Deleted));
    }

    #[test]
    fn eviction_time_follows_tolerations() {
        let taint =
            json!({"key": TAINT_UNREACHABLE, "effect": "NoExecute", "timeAdded": rfc3339(10_000)});
        let mut pod = Object::new(Kind::Pod, "default", "p");
        // Default toleration: 300 s after the taint.
        assert_eq!(
            eviction_time(&pod, std::slice::from_ref(&taint), 20_000),
            Some(310_000)
        );
        pod.spec_mut()["tolerations"] = json!([{"key": TAINT_UNREACHABLE, "operator": "Exists",
            "effect": "NoExecute", "tolerationSeconds": 5}]);
        assert_eq!(
            eviction_time(&pod, std::slice::from_ref(&taint), 20_000),
            Some(15_000)
        );
        pod.spec_mut()["tolerations"] = json!([{"operator": "Exists"}]);
        assert_eq!(
            eviction_time(&pod, std::slice::from_ref(&taint), 20_000),
            None
        );
        let other = json!({"key": "dedicated", "effect": "NoExecute"});
        let plain = Object::new(Kind::Pod, "default", "q");
        assert_eq!(eviction_time(&plain, &[other], 7), Some(7));
    }
}
