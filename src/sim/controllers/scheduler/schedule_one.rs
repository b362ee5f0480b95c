//! One pod's scheduling cycle, as upstream's `schedule_one.go`:
//! `schedulePod` (filter, score, select host), binding, and the failure
//! handler that sets `PodScheduled=False`.

use super::*;
use crate::sim::sort;

/// The VolumeBinding plugin's PreBind: the pod waits on its chosen node
/// until every claim is bound, then binds.
pub(super) fn continue_volume_binding(store: &Store, pod: &Object, node: &str) -> Decision {
    let mut unbound = Vec::new();
    for c in podutil::claim_names(pod) {
        match store.get(Kind::PersistentVolumeClaim, pod.namespace(), c) {
            Some(claim) if claim_bound(claim) => {}
            Some(claim) if wait_for_first_consumer(store, claim) => unbound.push(c.to_string()),
            // An immediate claim lost its binding meanwhile: wait as well.
            _ => unbound.push(c.to_string()),
        }
    }
    if unbound.is_empty() {
        Decision::Bind(node.to_string())
    } else {
        Decision::WaitForVolumes(node.to_string(), unbound)
    }
}

pub(super) fn bind(ctx: &Ctx, out: &mut Out, pod: &Object, node: &str) {
    let mut p = pod.clone();
    p.spec_mut()["nodeName"] = node.into();
    set_pod_condition(&mut p, "PodScheduled", "True", None, None, ctx.now);
    out.update(p);
    out.event(
        pod,
        false,
        "Scheduled",
        format!(
            "Successfully assigned {}/{} to {node}",
            pod.namespace(),
            pod.name()
        ),
    );
}

pub(super) fn unschedulable(ctx: &Ctx, out: &mut Out, pod: &Object, message: String) {
    let current = podutil::condition(pod, "PodScheduled");
    let same = current.is_some_and(|c| {
        c.str_at("status") == Some("False") && c.str_at("message") == Some(message.as_str())
    });
    if same {
        return;
    }
    let mut p = pod.clone();
    set_pod_condition(
        &mut p,
        "PodScheduled",
        "False",
        Some("Unschedulable"),
        Some(&message),
        ctx.now,
    );
    if p.status().str_at("phase").is_none() {
        p.status_mut()["phase"] = "Pending".into();
    }
    out.update(p);
    out.event(pod, true, "FailedScheduling", message);
}

/// Sets a pod condition, keeping `lastTransitionTime` unless the status
/// changes (`podutil.UpdatePodCondition`). Conditions stay in upstream's
/// order: PodScheduled, Initialized, ContainersReady, Ready (others after).
pub fn set_pod_condition(
    pod: &mut Object,
    ctype: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: u64,
) {
    // Most calls (a kubelet pass over a pod that did not change) find the
    // condition as it should be: then the status is not even made writable,
    // which would copy it from the stored pod's.
    if pod_condition_is(pod, ctype, status, reason, message) {
        return;
    }
    let status_v = pod.status_mut();
    if !status_v.at("conditions").is_array() {
        status_v["conditions"] = json!([]);
    }
    let conds = status_v["conditions"].as_array_mut().expect("array");
    let rank = |x: &Value| condition_rank(podutil::condition_type(x));
    // Editing a condition in place keeps its type, so the order found here
    // is the order after.
    let (found, sorted) = find_in_order(conds, ctype);
    match found.map(|i| &mut conds[i]) {
        // A condition that is there but differs (one already as asked
        // returned above) mostly differs in a field or two: edit it in place
        // (the map is ordered by key, so the result is the condition the
        // branch below would build).
        Some(Value::Object(c)) => {
            let same_status = c.get("status").and_then(Value::as_str) == Some(status);
            let keep_time =
                same_status && c.get("lastTransitionTime").is_some_and(Value::is_string);
            c.retain(|k, _| {
                matches!(
                    k.as_str(),
                    "type" | "status" | "lastProbeTime" | "lastTransitionTime"
                ) || (k == "reason" && reason.is_some())
                    || (k == "message" && message.is_some())
            });
            if !same_status {
                c.insert("status".into(), status.into());
            }
            if !c.get("lastProbeTime").is_some_and(Value::is_null) {
                c.insert("lastProbeTime".into(), Value::Null);
            }
            if !keep_time {
                c.insert("lastTransitionTime".into(), rfc3339(now).into());
            }
            for (k, want) in [("reason", reason), ("message", message)] {
                if let Some(w) = want {
                    if c.get(k).and_then(Value::as_str) != Some(w) {
                        c.insert(k.into(), w.into());
                    }
                }
            }
        }
        _ => {
            let mut c = json!({
                "type": ctype,
                "status": status,
                "lastProbeTime": null,
                "lastTransitionTime": rfc3339(now),
            });
            if let Some(r) = reason {
                c["reason"] = r.into();
            }
            if let Some(m) = message {
                c["message"] = m.into();
            }
            // Into sorted conditions, after those of its rank or below:
            // where a stable sort would move it.
            if sorted {
                let r = condition_rank(Some(ctype));
                let at = conds.partition_point(|x| rank(x) <= r);
                conds.insert(at, c);
                return;
            }
            conds.push(c);
        }
    }
    // A stable sort of sorted conditions would leave them as they are.
    if !sorted {
        sort::sort_by_key(conds, rank);
    }
}

/// Where [`set_pod_condition`] keeps a condition type.
fn condition_rank(t: Option<&str>) -> u8 {
    match t {
        Some("PodReadyToStartContainers") => 0,
        Some("PodScheduled") => 5,
        Some("Initialized") => 1,
        Some("Ready") => 2,
        Some("ContainersReady") => 3,
        _ => 4,
    }
}

/// The position of the first condition of type `ctype` (`GetPodCondition`)
/// and whether the conditions are in [`condition_rank`] order, in one pass
/// that reads each `type` once.
fn find_in_order(conds: &[Value], ctype: &str) -> (Option<usize>, bool) {
    let mut found = None;
    let mut sorted = true;
    let mut last = 0;
    for (i, c) in conds.iter().enumerate() {
        let t = podutil::condition_type(c);
        let r = condition_rank(t);
        sorted &= r >= last;
        last = r;
        if found.is_none() && t == Some(ctype) {
            found = Some(i);
        }
    }
    (found, sorted)
}

/// Whether [`set_pod_condition`] with these arguments would leave the pod
/// as it is: the condition is there with this status (so its transition
/// time stays), with exactly these fields, and the conditions are already
/// in order. Lets a caller skip copying a pod that would not change.
pub fn pod_condition_is(
    pod: &Object,
    ctype: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
) -> bool {
    // The kubelet asks this of every condition of every pod it syncs.
    let conds = pod.status().array_at("conditions");
    let (found, sorted) = find_in_order(conds, ctype);
    let Some(c) = found.filter(|_| sorted).and_then(|i| conds[i].as_object()) else {
        return false;
    };
    // Exactly these keys, so read in the map's (sorted) order, each entry
    // once, rather than looked up one by one.
    let mut entries = c.iter();
    let mut next = |key: &str| {
        let (k, v) = entries.next()?;
        (k == key).then_some(v)
    };
    fn text(v: Option<&Value>) -> Option<&str> {
        v.and_then(Value::as_str)
    }
    c.len() == 4 + usize::from(reason.is_some()) + usize::from(message.is_some())
        && next("lastProbeTime").is_some_and(Value::is_null)
        && next("lastTransitionTime").is_some_and(Value::is_string)
        && message.is_none_or(|m| text(next("message")) == Some(m))
        && reason.is_none_or(|r| text(next("reason")) == Some(r))
        && text(next("status")) == Some(status)
}

/// One pod's full scheduling cycle against the snapshot.
///
/// The cycle's snapshot is taken when a pod first gets past PreFilter
/// (`snap` is the pass's, shared by its pods): a pod whose claims are not
/// bound yet fails there on every node, and a rollout of pods with claims
/// meets that once or twice per pod, which made a snapshot of every placed
/// pod each time.
pub(super) fn schedule_pod<'a>(
    store: &'a Store,
    snap: &mut Option<Snapshot<'a>>,
    pod: &Object,
) -> Decision {
    let num = match snap {
        Some(s) => s.nodes.len(),
        None => store.list(Kind::Node).count(),
    };
    if num == 0 {
        return Decision::NoNodes;
    }
    // PreFilter: VolumeBinding's claim checks fail the pod on every node.
    let claims = match volume_prefilter(store, pod) {
        Ok(c) => c,
        Err(msg) => {
            return Decision::Unschedulable(FitError {
                num_all_nodes: num,
                pre_filter: Some(msg),
                node_reasons: BTreeMap::new(),
            })
        }
    };
    let snap: &Snapshot = snap.get_or_insert_with(|| Snapshot::new(store));
    let pre_filter = PreFilter::new(snap, pod, &claims);
    let mut feasible = Vec::new();
    let mut node_reasons = BTreeMap::new();
    for info in &snap.nodes {
        match filter(snap, &pre_filter, info) {
            Ok(()) => feasible.push(info),
            Err((reasons, resolvable)) => {
                node_reasons.insert(info.node.name().to_string(), (reasons, resolvable));
            }
        }
    }
    if feasible.is_empty() {
        return Decision::Unschedulable(FitError {
            num_all_nodes: num,
            pre_filter: None,
            node_reasons,
        });
    }
    let pre = pre_score(snap, pod);
    let best = feasible
        .iter()
        .map(|info| {
            (
                score(snap, info, &pre),
                tie_break(pod, info.node.name()),
                info,
            )
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, _, info)| info.node.name().to_string())
        .expect("feasible is not empty");
    let to_bind: Vec<String> = claims
        .iter()
        .filter(|c| !claim_bound(c) && wait_for_first_consumer(snap.store, c))
        .map(|c| c.name().to_string())
        .collect();
    if to_bind.is_empty() {
        Decision::Bind(best)
    } else {
        Decision::WaitForVolumes(best, to_bind)
    }
}

pub(super) fn tie_break(pod: &Object, node: &str) -> u64 {
    // FNV-1a over uid and node name: deterministic, spreads ties.
    let mut h = crate::sim::hash::Fnv64a::new();
    h.write(pod.meta.uid.as_bytes());
    h.write(&[0]);
    h.write(node.as_bytes());
    h.finish()
}
