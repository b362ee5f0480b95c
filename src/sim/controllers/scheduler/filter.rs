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

/// What the filters read of the pod, read once per scheduling cycle rather
/// than once per node, as upstream's PreFilter plugins write it into the
/// `CycleState` (NodeResourcesFit's requests, NodePorts' ports,
/// VolumeBinding's `podVolumeClaims`).
pub(super) struct PreFilter<'a> {
    tolerations: &'a [Value],
    node_selector: Labels,
    required_affinity: &'a Value,
    host_ports: Cow<'a, [(String, i64)]>,
    requests: (i64, i64),
    /// The claims `volume_prefilter` let through, each with what the node
    /// check needs: a bound claim's volume node affinity (when its PV exists
    /// and has one), or, for an unbound one, whether a provisioner can make a
    /// volume on any node.
    claims: Vec<ClaimCheck<'a>>,
    inter_pod: InterPodPre<'a>,
}

enum ClaimCheck<'a> {
    Bound(Option<&'a Value>),
    Unbound { claim: &'a Object, provisions: bool },
}

impl<'a> PreFilter<'a> {
    pub(super) fn new(
        snap: &Snapshot<'a>,
        pod: &'a Object,
        claims: &[&'a Object],
    ) -> PreFilter<'a> {
        let store = snap.store;
        let claims = claims
            .iter()
            .map(|&claim| {
                if claim_bound(claim) {
                    let pv_name = claim.spec().str_at("volumeName").unwrap_or("");
                    let affinity = store
                        .get(Kind::PersistentVolume, "", pv_name)
                        .map(|pv| pv.spec().at("nodeAffinity.required"))
                        .filter(|req| !req.is_null());
                    ClaimCheck::Bound(affinity)
                } else {
                    ClaimCheck::Unbound {
                        claim,
                        provisions: provisioner_of(store, claim) != NO_PROVISIONER,
                    }
                }
            })
            .collect();
        PreFilter {
            tolerations: pod.spec().array_at("tolerations"),
            node_selector: pod.spec().labels_at("nodeSelector"),
            required_affinity: pod
                .spec()
                .at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
            host_ports: podutil::host_ports(pod),
            requests: pod_requests(pod),
            claims,
            inter_pod: inter_pod_pre(snap, pod),
        }
    }
}

/// The filter plugins in upstream's order; the first rejection wins. The
/// flag says whether preemption might help (`Unschedulable`).
pub(super) fn filter(snap: &Snapshot, pre: &PreFilter, info: &NodeInfo) -> Result<(), Rejection> {
    let node = info.node;
    // NodeUnschedulable.
    if info.unschedulable {
        let t = json!({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"});
        if !tolerates(pre.tolerations, &t) {
            return Err((vec![ERR_UNSCHEDULABLE.into()], false));
        }
    }
    // TaintToleration.
    if let Some(t) = first_untolerated(pre.tolerations, info.taints) {
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
    if !node_matches_pod_affinity(&pre.node_selector, pre.required_affinity, node) {
        return Err((vec![ERR_NODE_AFFINITY.into()], false));
    }
    // NodePorts.
    let wanted = &pre.host_ports;
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
    let (cpu, mem) = pre.requests;
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
    for check in &pre.claims {
        match *check {
            ClaimCheck::Bound(Some(req)) if !node_selector_matches(req, node) => {
                return Err((vec![ERR_VOLUME_NODE_CONFLICT.into()], false));
            }
            ClaimCheck::Bound(_) => {}
            ClaimCheck::Unbound { claim, provisions } => {
                if !provisions && static_volume_for(snap.store, claim, node, &snap.taken).is_none()
                {
                    return Err((vec![ERR_VOLUME_BIND_CONFLICT.into()], false));
                }
            }
        }
    }
    // InterPodAffinity.
    inter_pod_affinity(&pre.inter_pod, node)
}

const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

/// The provisioner of the claim's class (no class: none).
fn provisioner_of<'a>(store: &'a Store, claim: &Object) -> &'a str {
    claim_class(store, claim)
        .and_then(|c| c.field("provisioner").as_str())
        .unwrap_or(NO_PROVISIONER)
}

/// The PV an unbound WaitForFirstConsumer claim would take on this node
/// (the VolumeBinding plugin's `findMatchingVolumes`, FindMatchingVolume
/// on the scheduler path), leaving out the PVs pods placed before it have
/// taken (`taken`: upstream's assume cache gives them a claimRef).
pub(super) fn static_volume_for<'a>(
    store: &'a Store,
    claim: &Object,
    node: &Object,
    taken: &BTreeSet<String>,
) -> Option<&'a Object> {
    crate::sim::controllers::volume::find_best_match_for_claim(
        store,
        claim,
        true,
        Some(node),
        taken,
    )
}
