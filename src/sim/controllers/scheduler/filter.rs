//! The filter plugins in upstream's order (NodeUnschedulable, TaintToleration,
//! NodeAffinity, NodePorts, NodeResourcesFit, VolumeBinding), and
//! VolumeBinding's PreFilter.

use super::*;

/// VolumeBinding's PreFilter: every claim exists and is not being deleted;
/// immediate claims are bound.
pub(super) fn volume_prefilter<'a>(
    store: &'a Store,
    pod: &Object,
) -> Result<Vec<&'a Object>, String> {
    let mut claims = Vec::new();
    let mut unbound_immediate = false;
    for name in podutil::claim_names(pod) {
        let Some(claim) = store.get(Kind::PersistentVolumeClaim, pod.namespace(), name) else {
            return Err(format!("persistentvolumeclaim \"{name}\" not found"));
        };
        if claim.meta.terminating() {
            return Err(format!("persistentvolumeclaim \"{name}\" is being deleted"));
        }
        if !claim_bound(claim) && !wait_for_first_consumer(store, claim) {
            unbound_immediate = true;
        }
        claims.push(claim);
    }
    if unbound_immediate {
        return Err(ERR_UNBOUND_IMMEDIATE.into());
    }
    Ok(claims)
}

pub(super) type Rejection = (Vec<String>, bool);

/// The filter plugins in upstream's order; the first rejection wins. The
/// flag says whether preemption might help (`Unschedulable`).
pub(super) fn filter(
    snap: &Snapshot,
    pod: &Object,
    info: &NodeInfo,
    claims: &[&Object],
) -> Result<(), Rejection> {
    let node = info.node;
    let tols = pod.spec().array_at("tolerations");
    // NodeUnschedulable.
    if node.spec().bool_at("unschedulable") == Some(true) {
        let t = json!({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"});
        if !tolerates(tols, &t) {
            return Err((vec![ERR_UNSCHEDULABLE.into()], false));
        }
    }
    // TaintToleration.
    if let Some(t) = first_untolerated_taint(pod, node) {
        return Err((
            vec![format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.str_at("key").unwrap_or(""),
                t.str_at("value").unwrap_or("")
            )],
            false,
        ));
    }
    // NodeAffinity.
    if !node_matches_pod_affinity(pod, node) {
        return Err((vec![ERR_NODE_AFFINITY.into()], false));
    }
    // NodePorts.
    let wanted = podutil::host_ports(pod);
    if !wanted.is_empty()
        && snap
            .placed
            .iter()
            .filter(|p| p.node == node.name())
            .any(|p| p.host_ports.iter().any(|hp| wanted.contains(hp)))
    {
        return Err((vec![ERR_PORTS.into()], true));
    }
    // NodeResourcesFit.
    let (cpu, mem) = pod_requests(pod);
    let mut insufficient = Vec::new();
    if info.pods + 1 > info.alloc_pods {
        insufficient.push(ERR_TOO_MANY_PODS.to_string());
    }
    if cpu > 0 && info.req_cpu.saturating_add(cpu) > info.alloc_cpu {
        insufficient.push("Insufficient cpu".to_string());
    }
    if mem > 0 && info.req_mem.saturating_add(mem) > info.alloc_mem {
        insufficient.push("Insufficient memory".to_string());
    }
    if !insufficient.is_empty() {
        return Err((insufficient, true));
    }
    // VolumeBinding.
    for claim in claims {
        if claim_bound(claim) {
            let pv_name = claim.spec().str_at("volumeName").unwrap_or("");
            if let Some(pv) = snap.store.get(Kind::PersistentVolume, "", pv_name) {
                let req = pv.spec().at("nodeAffinity.required");
                if !req.is_null() && !node_selector_matches(req, node) {
                    return Err((vec![ERR_VOLUME_NODE_CONFLICT.into()], false));
                }
            }
        } else if !can_bind_on_node(snap.store, claim, node) {
            return Err((vec![ERR_VOLUME_BIND_CONFLICT.into()], false));
        }
    }
    // InterPodAffinity.
    inter_pod_affinity(snap, pod, node)
}

/// An unbound WaitForFirstConsumer claim can be satisfied on this node: a
/// provisioner can make a volume, or an Available PV fits and may live here.
pub(super) fn can_bind_on_node(store: &Store, claim: &Object, node: &Object) -> bool {
    let class = claim_class(store, claim);
    let provisioner = class
        .and_then(|c| c.field("provisioner").as_str())
        .unwrap_or("kubernetes.io/no-provisioner");
    if provisioner != "kubernetes.io/no-provisioner" {
        return true;
    }
    let class_name = class.map(|c| c.name()).unwrap_or("");
    let want = claim
        .spec()
        .at("resources.requests.storage")
        .as_str()
        .and_then(quantity::parse_bytes)
        .unwrap_or(0);
    let modes: Vec<&str> = claim
        .spec()
        .array_at("accessModes")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    store.list(Kind::PersistentVolume).any(|pv| {
        let s = pv.spec();
        let pv_modes: Vec<&str> = s
            .array_at("accessModes")
            .iter()
            .filter_map(|m| m.as_str())
            .collect();
        let free = pv.status().str_at("phase").unwrap_or("Available") == "Available"
            && s.at("claimRef").is_null();
        let na = s.at("nodeAffinity.required");
        free && s.str_at("storageClassName").unwrap_or("") == class_name
            && s.at("capacity.storage")
                .as_str()
                .and_then(quantity::parse_bytes)
                .unwrap_or(0)
                >= want
            && modes.iter().all(|m| pv_modes.contains(m))
            && (na.is_null() || node_selector_matches(na, node))
    })
}
