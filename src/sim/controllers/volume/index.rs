//! The controller's PV index, as upstream's `index.go`
//! (`persistentVolumeOrderedIndex`, `findByClaim`, `findBestMatchForClaim`).

use super::*;
use crate::sim::sort::{self, CollectSorted};

/// PVs as the controller's cache indexes them, built once per pass so a
/// thousand pending claims do not each scan every PV: unbound Available
/// PVs grouped by their set of access modes, and PVs whose claimRef names
/// a claim, by that claim.
pub struct VolumeIndex<'a> {
    available: BTreeMap<ModeSet, Vec<&'a Object>>,
    prebound: BTreeMap<(String, String), Vec<&'a Object>>,
}

/// A PV's access modes, sorted; ordered by how many there are first.
pub(super) type ModeSet = (usize, Vec<String>);

pub(super) fn mode_set(pv: &Object) -> ModeSet {
    let mut modes = access_modes(pv.spec());
    sort::sort(&mut modes);
    modes.dedup();
    (modes.len(), modes)
}

impl<'a> VolumeIndex<'a> {
    pub fn new(store: &'a Store) -> VolumeIndex<'a> {
        let mut available: BTreeMap<ModeSet, Vec<&Object>> = BTreeMap::new();
        let mut prebound: BTreeMap<(String, String), Vec<&Object>> = BTreeMap::new();
        for pv in store.list(Kind::PersistentVolume) {
            let r = pv.spec().at("claimRef");
            if r.is_null() {
                if phase(pv) == "Available" && pv.meta.deletion_timestamp.is_none() {
                    available.entry(mode_set(pv)).or_default().push(pv);
                }
            } else {
                let key = (
                    r.str_at("namespace").unwrap_or("").to_string(),
                    r.str_at("name").unwrap_or("").to_string(),
                );
                prebound.entry(key).or_default().push(pv);
            }
        }
        VolumeIndex {
            available,
            prebound,
        }
    }

    /// The PV controller's `findBestMatchForClaim`: only mode sets that
    /// contain every requested mode are searched, those with the fewest
    /// modes first (closest to what was asked), and within a set
    /// `find_matching_volume` picks.
    pub fn find_best_match(
        &self,
        claim: &Object,
        delay_binding: bool,
        node: Option<&Object>,
        excluded: &BTreeSet<String>,
    ) -> Option<&'a Object> {
        let requested = access_modes(claim.spec());
        let fits = |k: &ModeSet| requested.iter().all(|m| k.1.contains(m));
        let mut mine: BTreeMap<ModeSet, Vec<&'a Object>> = BTreeMap::new();
        if let Some(pvs) = self
            .prebound
            .get(&(claim.namespace().to_string(), claim.name().to_string()))
        {
            for pv in pvs {
                mine.entry(mode_set(pv)).or_default().push(pv);
            }
        }
        let keys: BTreeSet<&ModeSet> = self.available.keys().chain(mine.keys()).collect_sorted();
        let found = keys.into_iter().filter(|k| fits(k)).find_map(|k| {
            let avail = self.available.get(k).map(Vec::as_slice).unwrap_or(&[]);
            match mine.get(k) {
                None => find_matching_volume(claim, avail, node, excluded, delay_binding),
                Some(pre) => {
                    let all: Vec<&Object> = pre.iter().chain(avail).copied().collect();
                    find_matching_volume(claim, &all, node, excluded, delay_binding)
                }
            }
        });
        found
    }
}

/// `findBestMatchForClaim` over a store (builds a [`VolumeIndex`]; for
/// one-off use, e.g. by the scheduler).
pub fn find_best_match_for_claim<'a>(
    store: &'a Store,
    claim: &Object,
    delay_binding: bool,
    node: Option<&Object>,
    excluded: &BTreeSet<String>,
) -> Option<&'a Object> {
    VolumeIndex::new(store).find_best_match(claim, delay_binding, node, excluded)
}
