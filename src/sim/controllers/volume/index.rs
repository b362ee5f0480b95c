//! The controller's PV index, as upstream's `index.go`
//! (`persistentVolumeOrderedIndex`, `findByClaim`, `findBestMatchForClaim`).

use super::*;
use crate::sim::sort::{self, CollectSorted};

/// PVs as the controller's cache indexes them, built once per pass so a
/// thousand pending claims do not each scan every PV: unbound Available
/// PVs grouped by their set of access modes (from the store's index of PVs
/// without a claimRef, [`Store::unclaimed_volumes`]). The PVs whose
/// claimRef names a claim come from the store's index of who names a
/// claim ([`Store::referrers`]). Both store indexes are kept as PVs
/// change, instead of every PV being read again on every pass.
pub struct VolumeIndex<'a> {
    store: &'a Store,
    available: BTreeMap<ModeSet, Vec<&'a Object>>,
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
        // The store indexes the PVs without a claimRef, kept as PVs change.
        for pv in store.unclaimed_volumes() {
            if phase(pv) == "Available" && pv.meta.deletion_timestamp.is_none() {
                available.entry(mode_set(pv)).or_default().push(pv);
            }
        }
        #[cfg(debug_assertions)]
        {
            let scanned: Vec<&Object> = store
                .list(Kind::PersistentVolume)
                .filter(|pv| pv.spec().at("claimRef").is_null())
                .collect();
            let indexed: Vec<&Object> = store.unclaimed_volumes().collect();
            assert!(
                scanned.len() == indexed.len()
                    && scanned
                        .iter()
                        .zip(&indexed)
                        .all(|(a, b)| std::ptr::eq(*a, *b)),
                "the store's index of unclaimed PVs differs from a scan"
            );
        }
        VolumeIndex { store, available }
    }

    /// The PVs whose claimRef names this claim, in store order (as a scan
    /// of every PV gives them): the store indexes a PV by its claimRef's
    /// namespace and name whenever it has a name, and a claim always has.
    fn prebound(&self, claim: &Object) -> Vec<&'a Object> {
        let key = Key::new(Kind::PersistentVolumeClaim, claim.namespace(), claim.name());
        let found: Vec<&'a Object> = self
            .store
            .referrers(&key)
            .filter(|k| k.kind == Kind::PersistentVolume)
            .filter_map(|k| self.store.get_key(k))
            .collect();
        #[cfg(debug_assertions)]
        {
            let scanned: Vec<&Object> = self
                .store
                .list(Kind::PersistentVolume)
                .filter(|pv| {
                    let r = pv.spec().at("claimRef");
                    !r.is_null()
                        && r.str_at("namespace").unwrap_or("") == claim.namespace()
                        && r.str_at("name").unwrap_or("") == claim.name()
                })
                .collect();
            assert!(
                found.len() == scanned.len()
                    && found
                        .iter()
                        .zip(&scanned)
                        .all(|(a, b)| std::ptr::eq(*a, *b)),
                "the store's claimRef index differs from a scan of the PVs"
            );
        }
        found
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
        for pv in self.prebound(claim) {
            mine.entry(mode_set(pv)).or_default().push(pv);
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
