//! Pod status helpers shared by controllers, printers and the UI, named as
//! upstream's `podutil`. The pod status shape follows `v1.PodStatus`:
//! `phase`, `conditions[type=Ready|ContainersReady|Initialized|PodScheduled]`
//! with `lastTransitionTime`, `podIP`, `hostIP`, `startTime`, and
//! `containerStatuses`/`initContainerStatuses` with `state.waiting.reason`,
//! `state.running.startedAt`, `state.terminated`, `ready`, `restartCount`.

use super::object::{parse_rfc3339, Object, ValueExt};
use serde_json::Value;

pub fn phase(pod: &Object) -> &str {
    pod.status().str_at("phase").unwrap_or("Pending")
}

pub fn condition<'a>(pod: &'a Object, ctype: &str) -> Option<&'a Value> {
    pod.status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some(ctype))
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(pod: &Object) -> bool {
    condition(pod, "Ready").and_then(|c| c.str_at("status")) == Some("True")
}

/// When the Ready condition last turned True (virtual ms).
pub fn ready_since(pod: &Object) -> Option<u64> {
    let c = condition(pod, "Ready")?;
    if c.str_at("status") != Some("True") {
        return None;
    }
    c.str_at("lastTransitionTime").and_then(parse_rfc3339)
}

/// `podutil.IsPodAvailable`: ready for at least `min_ready_seconds`.
pub fn is_available(pod: &Object, min_ready_seconds: i64, now: u64) -> bool {
    if !is_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since(pod).is_some_and(|t| t + (min_ready_seconds as u64) * 1000 <= now)
}

pub fn is_running(pod: &Object) -> bool {
    phase(pod) == "Running"
}

/// The StatefulSet controller's `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Object) -> bool {
    is_running(pod) && is_ready(pod)
}

/// `isFailed` / `isSucceeded`: the pod's containers have stopped for good.
pub fn is_failed(pod: &Object) -> bool {
    phase(pod) == "Failed"
}

pub fn is_succeeded(pod: &Object) -> bool {
    phase(pod) == "Succeeded"
}

pub fn is_terminating(pod: &Object) -> bool {
    pod.meta.deletion_timestamp.is_some()
}

pub fn node_name(pod: &Object) -> Option<&str> {
    pod.spec().str_at("nodeName")
}

pub fn pod_ip(pod: &Object) -> Option<&str> {
    pod.status().str_at("podIP")
}

/// Claim names the pod mounts (`spec.volumes[].persistentVolumeClaim.claimName`).
pub fn claim_names(pod: &Object) -> Vec<&str> {
    pod.spec()
        .array_at("volumes")
        .iter()
        .filter_map(|v| v.str_at("persistentVolumeClaim.claimName"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::{rfc3339, Kind};
    use serde_json::json;

    #[test]
    fn availability_waits_for_min_ready_seconds() {
        let mut p = Object::new(Kind::Pod, "default", "web-0");
        p.body.insert(
            "status".into(),
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(10_000)}]}),
        );
        assert!(is_running_and_ready(&p));
        assert!(is_available(&p, 0, 10_000));
        assert!(!is_available(&p, 5, 14_999));
        assert!(is_available(&p, 5, 15_000));
    }
}
