//! The InterPodAffinity plugin's filter, as upstream's
//! `plugins/interpodaffinity/filtering.go`: pod (anti-)affinity terms and
//! their topology domains.

use super::*;
use crate::sim::sort::CollectSorted;

/// A `PodAffinityTerm` read for matching.
pub(super) struct Term {
    pub(super) selector: Selector,
    pub(super) namespaces: Option<BTreeSet<String>>,
    pub(super) topology_key: String,
}

pub(super) fn terms_of(
    store: &Store,
    owner_ns: &str,
    list: &[Value],
    weighted: bool,
) -> Vec<(Term, i64)> {
    list.iter()
        .filter_map(|t| {
            let (term, weight) = if weighted {
                (
                    t.at("podAffinityTerm"),
                    t.i64_at("weight").unwrap_or(1).clamp(0, 100),
                )
            } else {
                (t, 1)
            };
            let selector = Selector::from_value(term.at("labelSelector")).ok()??;
            let mut namespaces: BTreeSet<String> = term
                .array_at("namespaces")
                .iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect_sorted();
            let ns_sel = term.at("namespaceSelector");
            let namespaces = if ns_sel.is_null() {
                if namespaces.is_empty() {
                    namespaces.insert(owner_ns.to_string());
                }
                Some(namespaces)
            } else {
                let sel = Selector::from_value(ns_sel)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                if sel.is_empty() {
                    None // `namespaceSelector: {}`: every namespace.
                } else {
                    for ns in store.list(Kind::Namespace) {
                        if sel.matches(&ns.meta.labels) {
                            namespaces.insert(ns.name().to_string());
                        }
                    }
                    Some(namespaces)
                }
            };
            Some((
                Term {
                    selector,
                    namespaces,
                    topology_key: term.str_at("topologyKey").unwrap_or("").to_string(),
                },
                weight,
            ))
        })
        .collect()
}

impl Term {
    pub(super) fn matches(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        self.namespaces
            .as_ref()
            .is_none_or(|n| n.contains(namespace))
            && self.selector.matches(labels)
    }
}

/// The topology value of a node for a key (`None` when the label is absent).
pub(super) fn topology<'a>(snap: &Snapshot<'a>, node: &str, key: &str) -> Option<&'a str> {
    snap.node_of(node)
        .and_then(|n| n.node.meta.labels.get(key))
        .map(String::as_str)
}

/// What InterPodAffinity's filter needs of the incoming pod and the placed
/// pods, worked out once per pod as upstream's PreFilter does
/// (`preFilterState`: the topology pairs of the pods matching the incoming
/// pod's required terms, and `existingAntiAffinityCounts`), so that each
/// node is then a look-up of its own labels.
pub(super) struct InterPodPre<'a> {
    /// The incoming pod's required affinity terms: each term's topology
    /// key and the values of the domains that hold a pod it matches.
    affinity: Vec<(String, BTreeMap<&'a str, usize>)>,
    /// The first pod of a group that selects itself may go anywhere.
    first_of_group: bool,
    /// The same for its required anti-affinity terms.
    anti: Vec<(String, BTreeMap<&'a str, usize>)>,
    /// The domains (topology key, value) of placed pods whose required
    /// anti-affinity matches the incoming pod.
    existing_anti: Vec<(String, &'a str)>,
}

/// How many placed pods the term matches in each of its domains (the
/// values of its topology key), as upstream's PreFilter and PreScore count
/// them once per pod rather than once per node.
pub(super) fn domain_counts<'a>(snap: &Snapshot<'a>, t: &Term) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for p in snap
        .placed
        .iter()
        .filter(|p| t.matches(p.namespace, p.labels))
    {
        if let Some(v) = topology(snap, &p.node, &t.topology_key) {
            *counts.entry(v).or_default() += 1;
        }
    }
    counts
}

/// Each term's topology key, and the domains that hold a placed pod it
/// matches.
fn domains<'a>(
    snap: &Snapshot<'a>,
    terms: Vec<(Term, i64)>,
) -> Vec<(String, BTreeMap<&'a str, usize>)> {
    terms
        .into_iter()
        .map(|(t, _)| {
            let counts = domain_counts(snap, &t);
            (t.topology_key, counts)
        })
        .collect()
}

pub(super) fn inter_pod_pre<'a>(snap: &Snapshot<'a>, pod: &Object) -> InterPodPre<'a> {
    let aff = pod.spec().at("affinity");
    let ns = pod.namespace();
    let affinity_terms = terms_of(
        snap.store,
        ns,
        aff.array_at("podAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
        false,
    );
    let no_match_anywhere = affinity_terms
        .iter()
        .all(|(t, _)| !snap.placed.iter().any(|p| t.matches(p.namespace, p.labels)));
    let self_match = affinity_terms
        .iter()
        .all(|(t, _)| t.matches(ns, &pod.meta.labels));
    let first_of_group = no_match_anywhere && self_match;
    let anti_terms = terms_of(
        snap.store,
        ns,
        aff.array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
        false,
    );
    let mut existing_anti = Vec::new();
    for p in snap.placed.iter().filter(|p| p.required_anti) {
        let list = p
            .affinity
            .array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution");
        for (t, _) in terms_of(snap.store, p.namespace, list, false) {
            if !t.matches(ns, &pod.meta.labels) {
                continue;
            }
            if let Some(theirs) = topology(snap, &p.node, &t.topology_key) {
                existing_anti.push((t.topology_key, theirs));
            }
        }
    }
    InterPodPre {
        affinity: domains(snap, affinity_terms),
        first_of_group,
        anti: domains(snap, anti_terms),
        existing_anti,
    }
}

pub(super) fn inter_pod_affinity(pre: &InterPodPre, node: &Object) -> Result<(), Rejection> {
    let value_of = |key: &str| node.meta.labels.get(key).map(String::as_str);
    // Required pod affinity: every term has a matching pod in the node's domain.
    if !pre.affinity.is_empty() {
        let ok = pre
            .affinity
            .iter()
            .all(|(key, values)| value_of(key).is_some_and(|v| values.contains_key(v)));
        if !ok && !pre.first_of_group {
            return Err((vec![ERR_POD_AFFINITY.into()], false));
        }
    }
    // Required pod anti-affinity of the incoming pod.
    if pre
        .anti
        .iter()
        .any(|(key, values)| value_of(key).is_some_and(|v| values.contains_key(v)))
    {
        return Err((vec![ERR_POD_ANTI_AFFINITY.into()], true));
    }
    // Existing pods' required anti-affinity against the incoming pod.
    if pre
        .existing_anti
        .iter()
        .any(|(key, theirs)| value_of(key) == Some(*theirs))
    {
        return Err((vec![ERR_EXISTING_ANTI_AFFINITY.into()], true));
    }
    Ok(())
}
