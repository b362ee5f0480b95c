//! The disruption controller (`disruption-controller`): PodDisruptionBudget
//! status, after upstream's `pkg/controller/disruption`, and the eviction
//! subresource's budget check (`pkg/registry/core/pod/storage/eviction.go`).

use super::{Ctx, Out};
use crate::sim::object::{parse_rfc3339, rfc3339, Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::selector::Selector;
use crate::sim::store::Store;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// How long an evicted pod may stay in `disruptedPods` before the
/// controller stops expecting its deletion (upstream `DeletionTimeout`).
pub const DELETION_TIMEOUT_MS: u64 = 2 * 60 * 1000;
pub const DISRUPTION_ALLOWED: &str = "DisruptionAllowed";

/// An IntOrString scaled as `GetScaledValueFromIntOrPercent`: an integer as
/// is, a percent of `total`, rounded up or down.
pub fn scaled_value(v: &Value, total: i64, round_up: bool) -> Result<i64, String> {
    match v {
        Value::Number(n) => n.as_i64().ok_or_else(|| format!("invalid value {n}")),
        Value::String(s) => {
            let Some(p) = s.strip_suffix('%') else {
                return s.parse::<i64>().map_err(|_| {
                    "invalid value for IntOrString: invalid type: string is not a percentage"
                        .to_string()
                });
            };
            let p: i64 = p.parse().map_err(|_| {
                format!("invalid value \"{s}\": strconv.Atoi: parsing \"{p}\": invalid syntax")
            })?;
            let x = p * total;
            Ok(if round_up {
                (x + 99).div_euclid(100)
            } else {
                x.div_euclid(100)
            })
        }
        _ => Err("invalid value for IntOrString".into()),
    }
}

fn is_percent(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.ends_with('%'))
}

/// The PDB's selector as the controller reads it: none selects nothing.
fn pdb_selector(pdb: &Object) -> Option<Selector> {
    Selector::from_value(pdb.spec().at("selector"))
        .ok()
        .flatten()
}

/// `getPodsForPdb`.
fn pods_for_pdb<'a>(store: &'a Store, pdb: &Object) -> Vec<&'a Object> {
    let Some(sel) = pdb_selector(pdb) else {
        return Vec::new();
    };
    store
        .list(Kind::Pod)
        .filter(|p| p.namespace() == pdb.namespace() && sel.matches(&p.meta.labels))
        .collect()
}

/// `getExpectedScale`: the sum of the scales of the pods' controllers.
/// Returns (expected, unmanaged pod names).
fn expected_scale(store: &Store, pods: &[&Object]) -> Result<(i64, Vec<String>), String> {
    let mut scales: BTreeMap<String, i64> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    for pod in pods {
        let Some(cref) = pod.meta.controller_ref() else {
            unmanaged.push(pod.name().to_string());
            continue;
        };
        if scales.contains_key(&cref.uid) {
            continue;
        }
        let found = controller_scale(store, pod.namespace(), &cref.kind, &cref.name, &cref.uid);
        match found {
            Some((uid, scale)) => {
                scales.insert(uid, scale);
            }
            None => return Err(format!("found no controllers for pod \"{}\"", pod.name())),
        }
    }
    Ok((scales.values().sum(), unmanaged))
}

/// The finders: ReplicaSet (unless a Deployment owns it, then the
/// Deployment), ReplicationController, StatefulSet. Returns the scaling
/// controller's uid and `spec.replicas`.
fn controller_scale(
    store: &Store,
    ns: &str,
    kind: &str,
    name: &str,
    uid: &str,
) -> Option<(String, i64)> {
    let kind = Kind::parse(kind)?;
    let o = store.get(kind, ns, name).filter(|o| o.meta.uid == uid)?;
    let replicas = |o: &Object| o.spec().i64_at("replicas").unwrap_or(1);
    match kind {
        Kind::ReplicaSet => match o.meta.controller_ref() {
            Some(d) if d.kind == "Deployment" => {
                let dep = store
                    .get(Kind::Deployment, ns, &d.name)
                    .filter(|x| x.meta.uid == d.uid)?;
                Some((dep.meta.uid.clone(), replicas(dep)))
            }
            _ => Some((o.meta.uid.clone(), replicas(o))),
        },
        Kind::ReplicationController | Kind::StatefulSet | Kind::Deployment => {
            Some((o.meta.uid.clone(), replicas(o)))
        }
        _ => None,
    }
}

/// `getExpectedPodCount`: (expectedCount, desiredHealthy, unmanaged pods).
pub fn expected_pod_count(
    store: &Store,
    pdb: &Object,
    pods: &[&Object],
) -> Result<(i64, i64, Vec<String>), String> {
    let spec = pdb.spec();
    let max_unavailable = spec.at("maxUnavailable");
    let min_available = spec.at("minAvailable");
    if !max_unavailable.is_null() {
        let (expected, unmanaged) = expected_scale(store, pods)?;
        let mu = scaled_value(max_unavailable, expected, true)?;
        Ok((expected, (expected - mu).max(0), unmanaged))
    } else if !min_available.is_null() {
        if is_percent(min_available) {
            let (expected, unmanaged) = expected_scale(store, pods)?;
            let ma = scaled_value(min_available, expected, true)?;
            Ok((expected, ma, unmanaged))
        } else {
            Ok((
                pods.len() as i64,
                scaled_value(min_available, 0, true)?,
                Vec::new(),
            ))
        }
    } else {
        Ok((0, 0, Vec::new()))
    }
}

/// `buildDisruptedPodMap`: evictions not yet turned into deletions, still
/// within the timeout; also when to look again.
fn disrupted_pods(
    pdb: &Object,
    pods: &[&Object],
    now: u64,
    out: &mut Out,
) -> (BTreeMap<String, String>, Option<u64>) {
    let recorded = pdb.status().at("disruptedPods");
    let mut result = BTreeMap::new();
    let mut recheck: Option<u64> = None;
    for pod in pods {
        if pod.meta.deletion_timestamp.is_some() {
            continue;
        }
        let Some(ts) = recorded.str_at(pod.name()) else {
            continue;
        };
        let Some(t) = parse_rfc3339(ts) else {
            continue;
        };
        let expected = t + DELETION_TIMEOUT_MS;
        if expected < now {
            out.event(
                pod,
                true,
                "NotDeleted",
                format!(
                    "Pod was expected by PDB {}/{} to be deleted but it wasn't",
                    pdb.namespace(),
                    pdb.name()
                ),
            );
        } else {
            recheck = Some(recheck.map_or(expected, |r| r.min(expected)));
            result.insert(pod.name().to_string(), ts.to_string());
        }
    }
    (result, recheck)
}

/// `countHealthyPods`: ready, not being deleted, not just evicted.
fn count_healthy(pods: &[&Object], disrupted: &BTreeMap<String, String>) -> i64 {
    pods.iter()
        .filter(|p| p.meta.deletion_timestamp.is_none())
        .filter(|p| !disrupted.contains_key(p.name()))
        .filter(|p| podutil::is_ready(p))
        .count() as i64
}

/// `UpdateDisruptionAllowedCondition` (meta.SetStatusCondition: the
/// transition time moves only when the status does).
fn set_condition(
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

pub fn sync(ctx: &Ctx, out: &mut Out) {
    for pdb in ctx.store.list(Kind::PodDisruptionBudget) {
        if pdb.meta.deletion_timestamp.is_some() {
            continue;
        }
        try_sync(ctx, pdb, out);
    }
}

fn try_sync(ctx: &Ctx, pdb: &Object, out: &mut Out) {
    let pods = pods_for_pdb(ctx.store, pdb);
    let mut status = pdb.status().as_object().cloned().unwrap_or_default();
    let observed = pdb.meta.generation;
    let (expected, desired, unmanaged) = match expected_pod_count(ctx.store, pdb, &pods) {
        Ok(x) => x,
        Err(e) => {
            // `failSafe`: no disruptions until the count can be made.
            out.event(
                pdb,
                true,
                "CalculateExpectedPodCountFailed",
                format!("Failed to calculate the number of expected pods: {e}"),
            );
            status.insert("disruptionsAllowed".into(), 0.into());
            status.insert("observedGeneration".into(), observed.into());
            set_condition(&mut status, false, "SyncFailed", &e, observed, ctx.now);
            write_status(pdb, status, out);
            return;
        }
    };
    if pods.is_empty() {
        out.event(pdb, false, "NoPods", "No matching pods found");
    }
    if !unmanaged.is_empty() {
        out.event(
            pdb,
            true,
            "UnmanagedPods",
            format!(
                "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. \
                 As a result, the status of the PDB cannot be calculated correctly, which may result in \
                 undefined behavior. To account for these pods please set \".spec.minAvailable\" field \
                 of the PDB to an integer value.",
                pdb.spec().at("selector")
            ),
        );
    }
    let (disrupted, recheck) = disrupted_pods(pdb, &pods, ctx.now, out);
    if let Some(t) = recheck {
        out.wake(t + 1);
    }
    let healthy = count_healthy(&pods, &disrupted);
    // `updatePdbStatus`: no allowance while nothing is expected.
    let allowed = if expected <= 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    status.insert("currentHealthy".into(), healthy.into());
    status.insert("desiredHealthy".into(), desired.into());
    status.insert("expectedPods".into(), expected.into());
    status.insert("disruptionsAllowed".into(), allowed.into());
    status.insert("observedGeneration".into(), observed.into());
    if disrupted.is_empty() {
        status.remove("disruptedPods");
    } else {
        let m: Map<String, Value> = disrupted
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        status.insert("disruptedPods".into(), Value::Object(m));
    }
    let reason = if allowed > 0 {
        "SufficientPods"
    } else {
        "InsufficientPods"
    };
    set_condition(&mut status, allowed > 0, reason, "", observed, ctx.now);
    write_status(pdb, status, out);
}

fn write_status(pdb: &Object, status: Map<String, Value>, out: &mut Out) {
    let status = Value::Object(status);
    if *pdb.status() != status {
        let mut p = pdb.clone();
        p.body.insert("status".into(), status);
        out.update(p);
    }
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

#[cfg(test)]
mod tests;
