//! Helpers shared with the DaemonSet controller and kubectl, as upstream's
//! `component-helpers/scheduling/corev1` and `pkg/scheduler/util`: taints
//! and tolerations, node affinity, pod requests, node readiness, claims.

use super::*;

/// `v1helper.TolerationsTolerateTaint`: does any toleration match the taint?
pub fn tolerates(tolerations: &[Value], taint: &Value) -> bool {
    tolerations.iter().any(|t| toleration_matches(t, taint))
}

/// `Toleration.ToleratesTaint`.
pub fn toleration_matches(t: &Value, taint: &Value) -> bool {
    let effect = t.str_at("effect").unwrap_or("");
    if !effect.is_empty() && Some(effect) != taint.str_at("effect") {
        return false;
    }
    let key = t.str_at("key").unwrap_or("");
    if !key.is_empty() && Some(key) != taint.str_at("key") {
        return false;
    }
    match t.str_at("operator").unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => t.str_at("value").unwrap_or("") == taint.str_at("value").unwrap_or(""),
        _ => false,
    }
}

pub use crate::sim::nodeaffinity::{node_selector_matches, node_selector_term_matches};

/// NodeAffinity's filter: `nodeSelector` and required node affinity.
pub fn node_matches_pod_affinity(pod: &Object, node: &Object) -> bool {
    let sel = pod.spec().labels_at("nodeSelector");
    if !sel.iter().all(|(k, v)| node.meta.labels.get(k) == Some(v)) {
        return false;
    }
    let required = pod
        .spec()
        .at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
    required.is_null() || node_selector_matches(required, node)
}

/// The node's taints (`spec.taints`).
pub fn taints(node: &Object) -> &[Value] {
    node.spec().array_at("taints")
}

/// The first NoSchedule/NoExecute taint the pod does not tolerate.
pub fn first_untolerated_taint<'a>(pod: &Object, node: &'a Object) -> Option<&'a Value> {
    let tols = pod.spec().array_at("tolerations");
    taints(node).iter().find(|t| {
        matches!(t.str_at("effect"), Some("NoSchedule") | Some("NoExecute")) && !tolerates(tols, t)
    })
}

/// Resource requests of a pod: the larger of the sum over app containers
/// and any single init container, plus overhead (`resourcehelper.PodRequests`).
/// When only limits are given, requests default to them.
pub fn pod_requests(pod: &Object) -> (i64, i64) {
    let one = |c: &Value, res: &str, nonzero: bool| -> i64 {
        let r = c.at("resources.requests").at(res);
        let r = if r.is_null() {
            c.at("resources.limits").at(res)
        } else {
            r
        };
        let v = match res {
            "cpu" => quantity::cpu_milli(r),
            _ => quantity::bytes(r),
        };
        match v {
            Some(v) => v,
            None if nonzero => {
                if res == "cpu" {
                    DEFAULT_MILLI_CPU
                } else {
                    DEFAULT_MEMORY
                }
            }
            None => 0,
        }
    };
    requests_with(pod, |c, r| one(c, r, false))
}

/// Requests with upstream's non-zero defaults, for scoring.
pub(super) fn pod_nonzero_requests(pod: &Object) -> (i64, i64) {
    requests_with(pod, |c, res| {
        let r = c.at("resources.requests").at(res);
        let r = if r.is_null() {
            c.at("resources.limits").at(res)
        } else {
            r
        };
        match res {
            "cpu" => quantity::cpu_milli(r).unwrap_or(DEFAULT_MILLI_CPU),
            _ => quantity::bytes(r).unwrap_or(DEFAULT_MEMORY),
        }
    })
}

pub(super) fn requests_with(pod: &Object, f: impl Fn(&Value, &str) -> i64) -> (i64, i64) {
    let spec = pod.spec();
    let mut cpu: i64 = 0;
    let mut mem: i64 = 0;
    for c in spec.array_at("containers") {
        cpu = cpu.saturating_add(f(c, "cpu"));
        mem = mem.saturating_add(f(c, "memory"));
    }
    for c in spec.array_at("initContainers") {
        cpu = cpu.max(f(c, "cpu"));
        mem = mem.max(f(c, "memory"));
    }
    if let Some(o) = spec.at("overhead.cpu").as_str() {
        cpu = cpu.saturating_add(quantity::cpu_milli(&Value::from(o)).unwrap_or(0));
    }
    if let Some(o) = spec.at("overhead.memory").as_str() {
        mem = mem.saturating_add(quantity::parse_bytes(o).unwrap_or(0));
    }
    (cpu, mem)
}

/// Whether a node is ready in the Ready condition's terms.
pub fn node_ready(node: &Object) -> bool {
    node.status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"))
        .and_then(|c| c.str_at("status"))
        == Some("True")
}

/// The StorageClass a claim uses: its `storageClassName`, or the default
/// class when the field is absent (the DefaultStorageClass admission).
pub fn claim_class<'a>(store: &'a Store, claim: &Object) -> Option<&'a Object> {
    match claim.spec().at("storageClassName") {
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => store.get(Kind::StorageClass, "", s),
        _ => store.list(Kind::StorageClass).find(|sc| {
            sc.meta
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .is_some_and(|v| v == "true")
        }),
    }
}

/// Is the claim's binding delayed until a pod is scheduled?
pub fn wait_for_first_consumer(store: &Store, claim: &Object) -> bool {
    claim_class(store, claim).and_then(|sc| sc.field("volumeBindingMode").as_str())
        == Some("WaitForFirstConsumer")
}

pub(super) fn claim_bound(claim: &Object) -> bool {
    claim.status().str_at("phase") == Some("Bound")
        && claim
            .spec()
            .str_at("volumeName")
            .is_some_and(|v| !v.is_empty())
}
