//! The disruption controller (`disruption-controller`): PodDisruptionBudget
//! status, after upstream's `pkg/controller/disruption`, and the eviction
//! subresource's budget check (`pkg/registry/core/pod/storage/eviction.go`).

use super::{Ctx, Keys, Out};
use crate::sim::eviction::set_condition;
pub use crate::sim::eviction::{
    can_ignore_pdb, check_eviction, pdb_selector, pdbs_for_pod, Refusal, DISRUPTION_ALLOWED,
};
use crate::sim::object::{json_text, parse_rfc3339, Key, Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::sort::CollectSorted;
use crate::sim::store::{Change, Store};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How long an evicted pod may stay in `disruptedPods` before the
/// controller stops expecting its deletion (upstream `DeletionTimeout`).
pub const DELETION_TIMEOUT_MS: u64 = 2 * 60 * 1000;

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

/// `getPodsForPdb`.
fn pods_for_pdb<'a>(store: &'a Store, pdb: &'a Object) -> Vec<&'a Object> {
    let Some(sel) = pdb_selector(pdb) else {
        return Vec::new();
    };
    store
        .list_ns(Kind::Pod, pdb.namespace())
        .filter(|p| sel.matches(&p.meta.labels))
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

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The budgets a change concerns, as the disruption controller's handlers
/// queue them: a budget itself; a pod the budgets of its namespace whose
/// selector matches it before or after (`getPdbForPod`); a scalable
/// controller (whose `spec.replicas` is the expected count) every budget
/// of its namespace.
pub fn route(store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    match k.kind {
        Kind::PodDisruptionBudget => push(k.clone()),
        Kind::Pod => {
            for pdb in store.list_ns(Kind::PodDisruptionBudget, &k.namespace) {
                let Some(sel) = pdb_selector(pdb) else {
                    continue;
                };
                if change
                    .old
                    .as_deref()
                    .into_iter()
                    .chain(new)
                    .any(|p| sel.matches(&p.meta.labels))
                {
                    push(pdb.key());
                }
            }
        }
        Kind::ReplicaSet | Kind::ReplicationController | Kind::Deployment | Kind::StatefulSet => {
            store
                .list_ns(Kind::PodDisruptionBudget, &k.namespace)
                .for_each(|pdb| push(pdb.key()))
        }
        _ => {}
    }
}

/// The sync of the budgets in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for pdb in keys.objects(ctx.store, Kind::PodDisruptionBudget) {
        if pdb.meta.deletion_timestamp.is_some() {
            continue;
        }
        let mark = out.key_begin();
        try_sync(ctx, pdb, out);
        out.key_end(mark, || pdb.key());
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
                json_text(pdb.spec().at("selector"))
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
            .collect_sorted();
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

#[cfg(test)]
mod tests;
