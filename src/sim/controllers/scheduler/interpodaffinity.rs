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
pub(super) fn topology<'a>(snap: &'a Snapshot, node: &str, key: &str) -> Option<&'a str> {
    snap.node_of(node)
        .and_then(|n| n.node.meta.labels.get(key))
        .map(String::as_str)
}

pub(super) fn inter_pod_affinity(
    snap: &Snapshot,
    pod: &Object,
    node: &Object,
) -> Result<(), Rejection> {
    let aff = pod.spec().at("affinity");
    let ns = pod.namespace();
    // Required pod affinity: every term has a matching pod in the node's domain.
    let affinity_terms = terms_of(
        snap.store,
        ns,
        aff.array_at("podAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
        false,
    );
    if !affinity_terms.is_empty() {
        let ok = affinity_terms.iter().all(|(t, _)| {
            let Some(value) = node.meta.labels.get(&t.topology_key) else {
                return false;
            };
            snap.placed.iter().any(|p| {
                t.matches(p.namespace, p.labels)
                    && topology(snap, &p.node, &t.topology_key) == Some(value)
            })
        });
        // The first pod of a group that selects itself may go anywhere.
        let no_match_anywhere = affinity_terms
            .iter()
            .all(|(t, _)| !snap.placed.iter().any(|p| t.matches(p.namespace, p.labels)));
        let self_match = affinity_terms
            .iter()
            .all(|(t, _)| t.matches(ns, &pod.meta.labels));
        let first_of_group = no_match_anywhere && self_match;
        if !ok && !first_of_group {
            return Err((vec![ERR_POD_AFFINITY.into()], false));
        }
    }
    // Required pod anti-affinity of the incoming pod.
    let anti_terms = terms_of(
        snap.store,
        ns,
        aff.array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
        false,
    );
    for (t, _) in &anti_terms {
        let Some(value) = node.meta.labels.get(&t.topology_key) else {
            continue;
        };
        if snap.placed.iter().any(|p| {
            t.matches(p.namespace, p.labels)
                && topology(snap, &p.node, &t.topology_key) == Some(value)
        }) {
            return Err((vec![ERR_POD_ANTI_AFFINITY.into()], true));
        }
    }
    // Existing pods' required anti-affinity against the incoming pod.
    for p in snap.placed.iter().filter(|p| p.required_anti) {
        let list = p
            .affinity
            .array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution");
        if list.is_empty() {
            continue;
        }
        for (t, _) in terms_of(snap.store, p.namespace, list, false) {
            if !t.matches(ns, &pod.meta.labels) {
                continue;
            }
            let theirs = topology(snap, &p.node, &t.topology_key);
            if theirs.is_some()
                && node.meta.labels.get(&t.topology_key).map(String::as_str) == theirs
            {
                return Err((vec![ERR_EXISTING_ANTI_AFFINITY.into()], true));
            }
        }
    }
    Ok(())
}
