//! The score plugins of the default profile, weighted as upstream's.

use super::*;

/// What the score plugins work out once per pod, not once per node (as
/// upstream's PreScore): PodTopologySpread's count of the pod's
/// controller's pods per node, and the largest of those counts; the pod's
/// requests, preferred node affinity, tolerations and preferred
/// (anti-)affinity terms.
pub(super) struct PreScore<'s> {
    /// `None` for a pod without a controller (it spreads nothing): its
    /// controller's pods per node (by position in the snapshot's nodes),
    /// and the largest of those counts.
    spread: Option<(&'s [usize], i64)>,
    nonzero: (i64, i64),
    preferred_node: &'s [Value],
    tolerations: &'s [Value],
    /// Preferred pod affinity and anti-affinity terms: each term's
    /// topology key, how many placed pods it matches per domain, and its
    /// weight (negative for anti-affinity).
    pod_terms: Vec<(String, BTreeMap<&'s str, usize>, i64)>,
}

pub(super) fn pre_score<'s>(snap: &'s Snapshot, pod: &'s Object) -> PreScore<'s> {
    let spread = pod.meta.controller_ref().map(|owner| {
        let per_node = snap
            .owned
            .get(owner.uid.as_str())
            .map_or(&[][..], Vec::as_slice);
        let max = per_node.iter().max().map_or(0, |&c| c as i64);
        (per_node, max)
    });
    let aff = pod.spec().at("affinity");
    let mut pod_terms = Vec::new();
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
            let counts = domain_counts(snap, &t);
            pod_terms.push((t.topology_key, counts, sign * w));
        }
    }
    PreScore {
        spread,
        nonzero: pod_nonzero_requests(pod),
        preferred_node: aff
            .array_at("nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"),
        tolerations: pod.spec().array_at("tolerations"),
        pod_terms,
    }
}

/// Score plugins (each normalised to 0..=100, weighted as the default profile).
pub(super) fn score(snap: &Snapshot, info: &NodeInfo, pre: &PreScore) -> i64 {
    let node = info.node;
    let (cpu, mem) = pre.nonzero;
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
                let here = snap
                    .index_of(node.name())
                    .and_then(|i| per_node.get(i))
                    .map_or(0, |&c| c as i64);
                (max - here) * 100 / max
            }
        }
        None => 100,
    };
    // NodeAffinity preferred terms (weight 2).
    let preferred: i64 = pre
        .preferred_node
        .iter()
        .filter(|p| node_selector_term_matches(p.at("preference"), node))
        .map(|p| p.i64_at("weight").unwrap_or(0).clamp(0, 100))
        .sum();
    // TaintToleration: untolerated PreferNoSchedule taints (weight 3).
    let prefer_no = info
        .taints
        .iter()
        .filter(|t| {
            t.str_at("effect") == Some("PreferNoSchedule") && !tolerates(pre.tolerations, t)
        })
        .count() as i64;
    // InterPodAffinity preferred terms (weight 2).
    let mut ipa: i64 = 0;
    for (key, counts, weight) in &pre.pod_terms {
        let Some(value) = node.meta.labels.get(key) else {
            continue;
        };
        let n = counts.get(value.as_str()).map_or(0, |&c| c as i64);
        ipa += weight * n;
    }
    least_allocated + balanced + 2 * spread + 2 * preferred - 30 * prefer_no + 2 * ipa
}
