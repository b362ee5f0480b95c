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

/// NodeAffinity's filter: `nodeSelector` and required node affinity (read
/// off the pod once per cycle, see `filter::PreFilter`).
pub fn node_matches_pod_affinity(selector: &Labels, required: &Value, node: &Object) -> bool {
    crate::sim::store::matches_labels(selector, &node.meta.labels)
        && (required.is_null() || node_selector_matches(required, node))
}

/// The node's taints (`spec.taints`).
pub fn taints(node: &Object) -> &[Value] {
    node.spec().array_at("taints")
}

/// The first NoSchedule/NoExecute taint (of a node's, read once per
/// snapshot) the pod does not tolerate.
pub(super) fn first_untolerated<'a>(tols: &[Value], taints: &'a [Value]) -> Option<&'a Value> {
    taints.iter().find(|t| {
        matches!(t.str_at("effect"), Some("NoSchedule") | Some("NoExecute")) && !tolerates(tols, t)
    })
}

// `pod_requests` and `pod_nonzero_requests` (`resourcehelper.PodRequests`)
// live in `podutil`, which caches them with a stored pod's facts.
pub use crate::sim::podutil::{pod_nonzero_requests, pod_requests};

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
