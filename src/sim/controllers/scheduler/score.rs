//! The score plugins of the default profile, weighted as upstream's.

use super::*;

/// What the score plugins work out once per pod, not once per node (as
/// upstream's PreScore): PodTopologySpread's count of the pod's
/// controller's pods per node, and the largest of those counts.
pub(super) struct PreScore<'s> {
    /// `None` for a pod without a controller (it spreads nothing). The
    /// counts are `usize`, the map type replication's also uses: one copy
    /// of its code in the wasm (docs/size.md).
    spread: Option<(BTreeMap<&'s str, usize>, i64)>,
}

pub(super) fn pre_score<'s>(snap: &'s Snapshot, pod: &Object) -> PreScore<'s> {
    let spread = pod.meta.controller_ref().map(|owner| {
        // The owner's pods per node, counted in one pass.
        let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &snap.placed {
            if p.owner == Some(owner.uid.as_str()) {
                *per_node.entry(&*p.node).or_default() += 1;
            }
        }
        let max = snap
            .nodes
            .iter()
            .map(|n| per_node.get(n.node.name()).map_or(0, |&c| c as i64))
            .max()
            .unwrap_or(0);
        (per_node, max)
    });
    PreScore { spread }
}

/// Score plugins (each normalised to 0..=100, weighted as the default profile).
pub(super) fn score(snap: &Snapshot, pod: &Object, info: &NodeInfo, pre: &PreScore) -> i64 {
    let node = info.node;
    let (cpu, mem) = pod_nonzero_requests(pod);
    // NodeResourcesFit (LeastAllocated, weight 1).
    let least = |req: i64, alloc: i64| {
        if alloc <= 0 || req > alloc {
            0
        } else {
            ((alloc - req) as i128 * 100 / alloc as i128) as i64
        }
    };
    let least_allocated = (least(info.nonzero_cpu.saturating_add(cpu), info.alloc_cpu)
        + least(info.nonzero_mem.saturating_add(mem), info.alloc_mem))
        / 2;
    // NodeResourcesBalancedAllocation (weight 1).
    let frac = |req: i64, alloc: i64| {
        if alloc <= 0 {
            1.0
        } else {
            (req as f64 / alloc as f64).min(1.0)
        }
    };
    let fc = frac(info.nonzero_cpu.saturating_add(cpu), info.alloc_cpu);
    let fm = frac(info.nonzero_mem.saturating_add(mem), info.alloc_mem);
    let balanced = ((1.0 - (fc - fm).abs() / 2.0) * 100.0) as i64;
    // PodTopologySpread's system default: spread a controller's pods over hosts (weight 2).
    let spread = match &pre.spread {
        Some((per_node, max)) => {
            let max = *max;
            if max == 0 {
                100
            } else {
                (max - per_node.get(node.name()).map_or(0, |&c| c as i64)) * 100 / max
            }
        }
        None => 100,
    };
    // NodeAffinity preferred terms (weight 2).
    let preferred: i64 = pod
        .spec()
        .array_at("affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution")
        .iter()
        .filter(|p| node_selector_term_matches(p.at("preference"), node))
        .map(|p| p.i64_at("weight").unwrap_or(0).clamp(0, 100))
        .sum();
    // TaintToleration: untolerated PreferNoSchedule taints (weight 3).
    let tols = pod.spec().array_at("tolerations");
    let prefer_no = taints(node)
        .iter()
        .filter(|t| t.str_at("effect") == Some("PreferNoSchedule") && !tolerates(tols, t))
        .count() as i64;
    // InterPodAffinity preferred terms (weight 2).
    let aff = pod.spec().at("affinity");
    let mut ipa: i64 = 0;
    for (list, sign) in [
        (
            "podAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            1,
        ),
        (
            "podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            -1,
        ),
    ] {
        for (t, w) in terms_of(snap.store, pod.namespace(), aff.array_at(list), true) {
            let Some(value) = node.meta.labels.get(&t.topology_key) else {
                continue;
            };
            let n = snap
                .placed
                .iter()
                .filter(|p| {
                    t.matches(p.namespace, p.labels)
                        && topology(snap, &p.node, &t.topology_key) == Some(value.as_str())
                })
                .count() as i64;
            ipa += sign * w * n;
        }
    }
    least_allocated + balanced + 2 * spread + 2 * preferred - 30 * prefer_no + 2 * ipa
}
