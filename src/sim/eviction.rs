//! The eviction subresource's policy (`pkg/registry/core/pod/storage/eviction.go`):
//! whether a PodDisruptionBudget lets a pod go, and the budget with one
//! disruption spent. Server rules: the API (`api::evict`) asks it, and the
//! disruption controller shares its condition and selector helpers.

use super::object::{rfc3339, Kind, Object, ValueExt};
use super::podutil;
use super::selector::Selector;
use super::store::Store;
use serde_json::{json, Map, Value};
use std::fmt;

/// The PodDisruptionBudget condition type both sides write.
pub const DISRUPTION_ALLOWED: &str = "DisruptionAllowed";

/// The PDB's selector as the controller reads it: none selects nothing.
pub fn pdb_selector(pdb: &Object) -> Option<Selector> {
    Selector::from_value(pdb.spec().at("selector"))
        .ok()
        .flatten()
}

/// `UpdateDisruptionAllowedCondition` (meta.SetStatusCondition: the
/// transition time moves only when the status does).
pub fn set_condition(
    status: &mut Map<String, Value>,
    status_value: bool,
    reason: &str,
    message: &str,
    observed: i64,
    now: u64,
) {
    let st = if status_value { "True" } else { "False" };
    let mut conditions: Vec<Value> = status
        .get("conditions")
        .and_then(|c| c.as_array())
        .cloned()
        .unwrap_or_default();
    let existing = conditions
        .iter_mut()
        .find(|c| c.str_at("type") == Some(DISRUPTION_ALLOWED));
    let fresh = |ltt: String| {
        json!({"lastTransitionTime": ltt, "message": message, "observedGeneration": observed,
               "reason": reason, "status": st, "type": DISRUPTION_ALLOWED})
    };
    match existing {
        Some(c) => {
            let ltt = if c.str_at("status") == Some(st) {
                c.str_at("lastTransitionTime").unwrap_or("").to_string()
            } else {
                rfc3339(now)
            };
            *c = fresh(ltt);
        }
        None => conditions.push(fresh(rfc3339(now))),
    }
    status.insert("conditions".into(), Value::Array(conditions));
}

/// Why the eviction subresource refused, as the API server answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status: 429 (budget), 500 (more than one budget), 403.
    pub code: u16,
    /// The Status message (what kubectl prints).
    pub message: String,
    /// The `DisruptionBudget` cause in the Status details, when there is one.
    pub cause: Option<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const VIOLATION: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

/// `canIgnorePDB`: a pod that is terminal, Pending or already terminating
/// is deleted without asking its budget.
pub fn can_ignore_pdb(pod: &Object) -> bool {
    matches!(podutil::phase(pod), "Succeeded" | "Failed" | "Pending")
        || pod.meta.deletion_timestamp.is_some()
}

/// `getPodDisruptionBudgets`: budgets in the pod's namespace whose
/// (non-empty) selector matches it.
pub fn pdbs_for_pod<'a>(store: &'a Store, pod: &Object) -> Vec<&'a Object> {
    if pod.meta.labels.is_empty() {
        return Vec::new();
    }
    store
        .list(Kind::PodDisruptionBudget)
        .filter(|pdb| pdb.namespace() == pod.namespace())
        .filter(|pdb| {
            pdb_selector(pdb).is_some_and(|s| !s.is_empty() && s.matches(&pod.meta.labels))
        })
        .collect()
}

/// The eviction subresource's decision. `Ok(None)`: delete without a
/// budget; `Ok(Some(pdb))`: the budget with one disruption spent and the
/// pod recorded in `disruptedPods`, for the caller to write before
/// deleting; `Err`: the refusal.
pub fn check_eviction(store: &Store, pod: &Object, now: u64) -> Result<Option<Object>, Refusal> {
    if can_ignore_pdb(pod) {
        return Ok(None);
    }
    let pdbs = pdbs_for_pod(store, pod);
    if pdbs.len() > 1 {
        return Err(Refusal {
            code: 500,
            message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
            cause: None,
        });
    }
    let Some(pdb) = pdbs.first() else {
        return Ok(None);
    };
    let st = pdb.status();
    let healthy = st.i64_at("currentHealthy").unwrap_or(0);
    let desired = st.i64_at("desiredHealthy").unwrap_or(0);
    // An unhealthy pod may go while the budget is met (the default
    // IfHealthyBudget policy); AlwaysAllow lets it go regardless.
    if !podutil::is_ready(pod) {
        if pdb.spec().str_at("unhealthyPodEvictionPolicy") == Some("AlwaysAllow") {
            return Ok(None);
        }
        if healthy >= desired && desired > 0 {
            return Ok(None);
        }
    }
    // `checkAndDecrement`.
    if st.i64_at("observedGeneration").unwrap_or(0) < pdb.meta.generation {
        return Err(Refusal {
            code: 429,
            message: VIOLATION.into(),
            cause: Some(format!(
                "The disruption budget {} is still being processed by the server.",
                pdb.name()
            )),
        });
    }
    let allowed = st.i64_at("disruptionsAllowed").unwrap_or(0);
    if allowed < 0 {
        return Err(Refusal {
            code: 403,
            message: format!(
                "poddisruptionbudgets.policy \"{}\" is forbidden: pdb disruptions allowed is negative",
                pdb.name()
            ),
            cause: None,
        });
    }
    if allowed == 0 {
        return Err(Refusal {
            code: 429,
            message: VIOLATION.into(),
            cause: Some(disruption_denied_message(pdb)),
        });
    }
    let mut p = (*pdb).clone();
    let mut status = p.status().as_object().cloned().unwrap_or_default();
    status.insert("disruptionsAllowed".into(), (allowed - 1).into());
    if allowed - 1 == 0 {
        let observed = st.i64_at("observedGeneration").unwrap_or(0);
        set_condition(&mut status, false, "InsufficientPods", "", observed, now);
    }
    let mut disrupted = status
        .get("disruptedPods")
        .and_then(|d| d.as_object())
        .cloned()
        .unwrap_or_default();
    disrupted.insert(pod.name().to_string(), rfc3339(now).into());
    status.insert("disruptedPods".into(), Value::Object(disrupted));
    p.body.insert("status".into(), Value::Object(status));
    Ok(Some(p))
}

/// `disruptionDeniedMessage`.
fn disruption_denied_message(pdb: &Object) -> String {
    let st = pdb.status();
    let cond = st
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some(DISRUPTION_ALLOWED));
    let (healthy, desired) = (
        st.i64_at("currentHealthy").unwrap_or(0),
        st.i64_at("desiredHealthy").unwrap_or(0),
    );
    let false_with_message = cond.filter(|c| {
        c.str_at("status") == Some("False") && !c.str_at("message").unwrap_or("").is_empty()
    });
    match false_with_message {
        Some(c) if c.str_at("reason") == Some("SyncFailed") => format!(
            "The disruption budget {} does not allow evicting pods currently because it failed sync: {}",
            pdb.name(),
            c.str_at("message").unwrap_or("")
        ),
        _ if healthy <= desired => format!(
            "The disruption budget {} needs {desired} healthy pods and has {healthy} currently",
            pdb.name()
        ),
        Some(c) => format!(
            "The disruption budget {} does not allow evicting pods currently ({}): {}",
            pdb.name(),
            c.str_at("reason").unwrap_or(""),
            c.str_at("message").unwrap_or("")
        ),
        None => format!(
            "The disruption budget {} does not allow evicting pods currently",
            pdb.name()
        ),
    }
}
