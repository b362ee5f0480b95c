//! The PersistentVolume controller (`persistentvolume-controller`), the
//! simulated external provisioner it hands claims to, and the two
//! protection controllers (`pvc-protection-controller`,
//! `pv-protection-controller`).
//!
//! Follows upstream's `pkg/controller/volume/persistentvolume`:
//! `syncUnboundClaim`, `syncBoundClaim`, `syncVolume`, `bind`,
//! `reclaimVolume`, and `FindMatchingVolume` from component-helpers.
//!
//! Where the default StorageClass is assigned: not at create (the
//! DefaultStorageClass admission plugin is not simulated) but by this
//! controller's retroactive assignment (upstream since 1.28): a claim with
//! no `storageClassName` first looks for a class-less PV and only when none
//! matches gets the default class and is provisioned. So pre-made static
//! PVs without a class (the PetSet seed) are bound, as the seeds document.
//!
//! Other choices, each upstream's behaviour unless said:
//! - Every provisioner name except `kubernetes.io/no-provisioner` is served
//!   by one simulated external provisioner (events `ExternalProvisioning`,
//!   `Provisioning`, `ProvisioningSucceeded` "Successfully provisioned
//!   volume pvc-<uid>", as external provisioners word it), taking
//!   `timings.provision_ms` from the claim's creation.
//! - Reclaim `Delete` deletes a provisioned PV (and, through the API hook,
//!   its data); a static PV has no deleter plugin here and goes `Failed`.
//!   `Recycle` scrubs hostPath/NFS volumes and frees them; other volume
//!   types go `Failed` ("No recycler plugin found for the volume!").
//! - WaitForFirstConsumer claims are bound here once the scheduler has put
//!   `volume.kubernetes.io/selected-node` on them (upstream the scheduler
//!   binds static PVs itself); the PV's node affinity must admit the node.

use super::{Ctx, Keys, Out};
use crate::sim::object::{rfc3339, set_at, Key, Kind, Object, ValueExt};
use crate::sim::selector::Selector;
use crate::sim::store::{Change, Store};
pub use crate::sim::wellknown::{
    ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER,
    ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
};
use crate::sim::wellknown::{PVC_PROTECTION, PV_PROTECTION};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The deprecated class annotation, still honoured as upstream does.
pub const ANN_BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";
pub const ANN_IS_DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
pub const ANN_BETA_IS_DEFAULT_CLASS: &str = "storageclass.beta.kubernetes.io/is-default-class";
/// A provisioner name meaning "no dynamic provisioning" (local volumes).
pub const NOT_SUPPORTED_PROVISIONER: &str = "kubernetes.io/no-provisioner";

// ---- quantities -------------------------------------------------------

/// A value (string or number) as a quantity; missing counts as zero.
fn quantity(v: &Value) -> u128 {
    match v {
        Value::String(s) => crate::sim::quantity::value(s).unwrap_or(0),
        Value::Number(n) => n.as_f64().map_or(0, |f| f.max(0.0).ceil() as u128),
        _ => 0,
    }
}

fn requested_storage(claim: &Object) -> u128 {
    quantity(claim.spec().at("resources.requests.storage"))
}

fn volume_capacity(pv: &Object) -> u128 {
    quantity(pv.spec().at("capacity.storage"))
}

// ---- helpers named as upstream's storagehelpers ---------------------------

/// `GetPersistentVolumeClaimClass`: the beta annotation wins, then
/// `spec.storageClassName`, else "".
pub fn claim_class(claim: &Object) -> String {
    if let Some(c) = claim.meta.annotations.get(ANN_BETA_STORAGE_CLASS) {
        return c.clone();
    }
    claim
        .spec()
        .str_at("storageClassName")
        .unwrap_or("")
        .to_string()
}

/// `GetPersistentVolumeClass`.
pub fn volume_class(pv: &Object) -> String {
    if let Some(c) = pv.meta.annotations.get(ANN_BETA_STORAGE_CLASS) {
        return c.clone();
    }
    pv.spec()
        .str_at("storageClassName")
        .unwrap_or("")
        .to_string()
}

fn access_modes(v: &Value) -> Vec<String> {
    v.array_at("accessModes")
        .iter()
        .filter_map(|m| m.as_str().map(String::from))
        .collect()
}

/// `CheckAccessModes`: the PV offers every mode the claim asks for.
pub fn check_access_modes(claim: &Object, pv: &Object) -> bool {
    let offered = access_modes(pv.spec());
    access_modes(claim.spec())
        .iter()
        .all(|m| offered.contains(m))
}

/// `CheckVolumeModeMismatches` (both default to Filesystem).
pub fn volume_mode_mismatch(claim: &Object, pv: &Object) -> bool {
    let c = claim.spec().str_at("volumeMode").unwrap_or("Filesystem");
    let v = pv.spec().str_at("volumeMode").unwrap_or("Filesystem");
    c != v
}

/// `IsVolumeBoundToClaim`: the PV's claimRef names this claim (and its uid,
/// when the claimRef carries one).
pub fn is_volume_bound_to_claim(pv: &Object, claim: &Object) -> bool {
    let r = pv.spec().at("claimRef");
    if r.is_null() {
        return false;
    }
    if r.str_at("name") != Some(claim.name()) || r.str_at("namespace") != Some(claim.namespace()) {
        return false;
    }
    match r.str_at("uid") {
        Some(uid) if !uid.is_empty() => uid == claim.meta.uid,
        _ => true,
    }
}

fn phase(o: &Object) -> &str {
    o.status().str_at("phase").unwrap_or("")
}

/// `CheckNodeAffinity`: a PV's `spec.nodeAffinity.required` node selector
/// terms (ORed; expressions in a term ANDed) against a node's labels.
pub fn check_node_affinity(pv: &Object, node: &Object) -> bool {
    let terms = pv
        .spec()
        .array_at("nodeAffinity.required.nodeSelectorTerms");
    if pv.spec().at("nodeAffinity.required").is_null() {
        return true;
    }
    terms
        .iter()
        .any(|t| crate::sim::nodeaffinity::node_selector_term_matches(t, node))
}

/// `FindMatchingVolume`: a PV pre-bound to the claim wins; otherwise the
/// smallest Available PV that fits (capacity, class, selector, volumeMode,
/// node affinity and, on the scheduler path, access modes). `node` is set
/// on the scheduler path (WaitForFirstConsumer); `delay_binding` on the
/// controller path for WaitForFirstConsumer claims, where only pre-bound
/// PVs may match. Ties in size go to the lower name (upstream leaves the
/// order to its cache; we make it deterministic).
pub fn find_matching_volume<'a>(
    claim: &Object,
    volumes: &[&'a Object],
    node: Option<&Object>,
    excluded: &BTreeSet<String>,
    delay_binding: bool,
) -> Option<&'a Object> {
    let requested = requested_storage(claim);
    let requested_class = claim_class(claim);
    let selector = Selector::from_value(claim.spec().at("selector"))
        .ok()
        .flatten();
    let mut smallest: Option<(&Object, u128)> = None;
    for &volume in volumes {
        if excluded.contains(volume.name()) {
            continue;
        }
        let bound_to_claim = is_volume_bound_to_claim(volume, claim);
        if !volume.spec().at("claimRef").is_null() && !bound_to_claim {
            continue;
        }
        let qty = volume_capacity(volume);
        if qty < requested {
            continue;
        }
        if volume_mode_mismatch(claim, volume) {
            continue;
        }
        if volume.meta.deletion_timestamp.is_some() {
            continue;
        }
        let affinity_ok = node.is_none_or(|n| check_node_affinity(volume, n));
        if bound_to_claim {
            // A pre-bound PV that does not suit this node: no match at all.
            return affinity_ok.then_some(volume);
        }
        if node.is_none() && delay_binding {
            continue;
        }
        if phase(volume) != "Available" {
            continue;
        }
        if let Some(sel) = &selector {
            if !sel.matches(&volume.meta.labels) {
                continue;
            }
        }
        if volume_class(volume) != requested_class || !affinity_ok {
            continue;
        }
        if node.is_some() && !check_access_modes(claim, volume) {
            continue;
        }
        let better = match smallest {
            None => true,
            Some((s, sq)) => qty < sq || (qty == sq && volume.name() < s.name()),
        };
        if better {
            smallest = Some((volume, qty));
        }
    }
    smallest.map(|(v, _)| v)
}

/// PVs as the controller's cache indexes them, built once per pass so a
/// thousand pending claims do not each scan every PV: unbound Available
/// PVs grouped by their set of access modes, and PVs whose claimRef names
/// a claim, by that claim.
pub struct VolumeIndex<'a> {
    available: BTreeMap<ModeSet, Vec<&'a Object>>,
    prebound: BTreeMap<(String, String), Vec<&'a Object>>,
}

/// A PV's access modes, sorted; ordered by how many there are first.
type ModeSet = (usize, Vec<String>);

fn mode_set(pv: &Object) -> ModeSet {
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

/// `checkVolumeSatisfyClaim` for a claim that names its volume.
pub fn check_volume_satisfy_claim(pv: &Object, claim: &Object) -> Result<(), String> {
    if pv.meta.deletion_timestamp.is_some() {
        return Err(format!(
            "the volume is marked for deletion \"{}\"",
            pv.name()
        ));
    }
    if volume_capacity(pv) < requested_storage(claim) {
        return Err("requested PV is too small".into());
    }
    if volume_class(pv) != claim_class(claim) {
        return Err("storageClassName does not match".into());
    }
    if volume_mode_mismatch(claim, pv) {
        return Err("incompatible volumeMode".into());
    }
    if !check_access_modes(claim, pv) {
        return Err("incompatible accessMode".into());
    }
    Ok(())
}

/// The default StorageClass as upstream's `GetDefaultClass` picks it: the
/// newest class marked default (then by name).
pub fn default_class(store: &Store) -> Option<&Object> {
    store
        .list(Kind::StorageClass)
        .filter(|c| {
            [ANN_IS_DEFAULT_CLASS, ANN_BETA_IS_DEFAULT_CLASS]
                .iter()
                .any(|a| c.meta.annotations.get(*a).map(String::as_str) == Some("true"))
        })
        .max_by(|a, b| {
            a.meta
                .creation_timestamp
                .cmp(&b.meta.creation_timestamp)
                .then_with(|| b.name().cmp(a.name()))
        })
}

fn is_delay_binding_mode(store: &Store, class: &str) -> bool {
    if class.is_empty() {
        return false;
    }
    store
        .get(Kind::StorageClass, "", class)
        .and_then(|c| c.field("volumeBindingMode").as_str())
        == Some("WaitForFirstConsumer")
}

// ---- the controller -------------------------------------------------------

/// One pass's bookkeeping: each object is written at most once per pass
/// (the next pass sees the result), and a PV chosen for one claim is
/// excluded for the others, like upstream's `excludedVolumes`.
struct Pass<'a, 'b> {
    ctx: &'a Ctx<'b>,
    out: &'a mut Out,
    touched: BTreeSet<Key>,
    taken: BTreeSet<String>,
    /// Built on first use: a pass with no unbound claim needs none.
    index: Option<VolumeIndex<'b>>,
}

impl Pass<'_, '_> {
    fn is_touched(&self, o: &Object) -> bool {
        self.touched.contains(&o.key())
    }
    fn update(&mut self, o: Object) {
        self.touched.insert(o.key());
        self.out.update(o);
    }
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The claims and volumes a change concerns, as the PV controller's claim
/// and volume queues take them: a claim, the volumes it names and that
/// name it, and the pods that mount it; a volume and the claims it names
/// and that name it, and every unbound claim when it may have become a
/// candidate for one; for a class, every claim; for a node, the unbound
/// claims the scheduler chose it for.
pub fn route(store: &Store, change: &Change, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    let new = store.get_key(k);
    let both = || change.old.iter().chain(new);
    let unbound = |c: &&Object| c.spec().str_at("volumeName").unwrap_or("").is_empty();
    match k.kind {
        Kind::PersistentVolumeClaim => {
            push(k.clone());
            store.referrers(k).for_each(|r| push(r.clone()));
            for c in both() {
                if let Some(v) = c.spec().str_at("volumeName").filter(|v| !v.is_empty()) {
                    push(Key::new(Kind::PersistentVolume, "", v));
                }
                push(Key::new(
                    Kind::PersistentVolume,
                    "",
                    &format!("pvc-{}", c.meta.uid),
                ));
            }
        }
        Kind::PersistentVolume => {
            push(k.clone());
            store.referrers(k).for_each(|r| push(r.clone()));
            let mut free = false;
            for v in both() {
                let r = v.spec().at("claimRef");
                if let Some(name) = r.str_at("name") {
                    push(Key::new(
                        Kind::PersistentVolumeClaim,
                        r.str_at("namespace").unwrap_or(""),
                        name,
                    ));
                }
                free |= r.is_null() || r.str_at("uid").unwrap_or("").is_empty();
            }
            if free {
                store
                    .list(Kind::PersistentVolumeClaim)
                    .filter(unbound)
                    .for_each(|c| push(c.key()));
            }
        }
        Kind::StorageClass => store
            .list(Kind::PersistentVolumeClaim)
            .for_each(|c| push(c.key())),
        Kind::Node => store
            .list(Kind::PersistentVolumeClaim)
            .filter(unbound)
            .filter(|c| c.meta.annotations.get(ANN_SELECTED_NODE) == Some(&k.name))
            .for_each(|c| push(c.key())),
        // Pods are read only to word the Event of a claim waiting for its
        // first consumer, which is said on every pass (the claim stays dirty).
        _ => {}
    }
}

/// The sync of the claims and volumes in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    let mut pass = Pass {
        ctx,
        out,
        touched: BTreeSet::new(),
        taken: BTreeSet::new(),
        index: None,
    };
    let listed = |kind: Kind| -> Vec<&Object> {
        match keys {
            Keys::All => ctx.store.list(kind).collect(),
            Keys::Only(set) => set
                .iter()
                .filter(|k| k.kind == kind)
                .filter_map(|k| ctx.store.get_key(k))
                .collect(),
        }
    };
    let volumes = listed(Kind::PersistentVolume);
    // New PVs become Available first, so that claims created with them
    // (one manifest) see them as candidates in the next pass.
    for &volume in &volumes {
        if matches!(phase(volume), "" | "Pending") && volume.spec().at("claimRef").is_null() {
            let mark = pass.out.key_begin();
            set_volume_phase(&mut pass, volume, "Available");
            pass.out.key_end(mark, || volume.key());
        }
    }
    if !pass.touched.is_empty() {
        return;
    }
    for claim in listed(Kind::PersistentVolumeClaim) {
        if pass.is_touched(claim) {
            continue;
        }
        let mark = pass.out.key_begin();
        if claim.meta.annotations.contains_key(ANN_BIND_COMPLETED) {
            sync_bound_claim(&mut pass, claim);
        } else {
            sync_unbound_claim(&mut pass, claim);
        }
        pass.out.key_end(mark, || claim.key());
    }
    for volume in volumes {
        if pass.is_touched(volume) {
            continue;
        }
        let mark = pass.out.key_begin();
        sync_volume(&mut pass, volume);
        pass.out.key_end(mark, || volume.key());
    }
}

/// `updateClaimStatus`: phase, and the bound volume's access modes and
/// capacity (cleared when there is none).
fn with_claim_status(claim: &Object, phase: &str, volume: Option<&Object>) -> Object {
    let mut c = claim.clone();
    let st = c.status_mut();
    set_at(st, "phase", phase.into());
    let m = st.as_object_mut().expect("status is an object");
    match volume {
        None => {
            m.remove("accessModes");
            m.remove("capacity");
        }
        Some(v) => {
            m.insert("accessModes".into(), v.spec().at("accessModes").clone());
            if claim.status().str_at("phase") != Some(phase) || m.get("capacity").is_none() {
                m.insert("capacity".into(), v.spec().at("capacity").clone());
            }
        }
    }
    c
}

fn set_claim_phase(pass: &mut Pass, claim: &Object, phase: &str, volume: Option<&Object>) {
    let st = claim.status();
    if volume.is_none()
        && st.str_at("phase") == Some(phase)
        && st.at("accessModes").is_null()
        && st.at("capacity").is_null()
    {
        return;
    }
    let c = with_claim_status(claim, phase, volume);
    if c != *claim {
        pass.update(c);
    }
}

/// `updateClaimStatusWithEvent`: the event only when the phase changes.
fn set_claim_phase_with_event(
    pass: &mut Pass,
    claim: &Object,
    phase: &str,
    reason: &str,
    message: &str,
) {
    if claim.status().str_at("phase") == Some(phase) {
        return;
    }
    set_claim_phase(pass, claim, phase, None);
    pass.out.event(claim, true, reason, message);
}

fn with_volume_phase(pv: &Object, phase: &str, now: u64) -> Object {
    let mut v = pv.clone();
    if pv.status().str_at("phase") != Some(phase) {
        let st = v.status_mut();
        set_at(st, "phase", phase.into());
        // The API server stamps this on every phase change (1.31 default).
        set_at(st, "lastPhaseTransitionTime", rfc3339(now).into());
        if let Some(m) = st.as_object_mut() {
            m.remove("message");
            m.remove("reason");
        }
    }
    v
}

fn set_volume_phase(pass: &mut Pass, pv: &Object, phase: &str) {
    if pv.status().str_at("phase") == Some(phase) {
        return;
    }
    let v = with_volume_phase(pv, phase, pass.ctx.now);
    if v != *pv {
        pass.update(v);
    }
}

fn set_volume_phase_with_event(pass: &mut Pass, pv: &Object, phase: &str, reason: &str, msg: &str) {
    if pv.status().str_at("phase") == Some(phase) {
        return;
    }
    let mut v = with_volume_phase(pv, phase, pass.ctx.now);
    set_at(v.status_mut(), "message", msg.into());
    pass.update(v);
    pass.out.event(pv, true, reason, msg);
}

fn claim_ref(claim: &Object) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": claim.name(),
        "namespace": claim.namespace(),
        "resourceVersion": claim.meta.resource_version.to_string(),
        "uid": claim.meta.uid,
    })
}

/// `bind`: PV → claim (claimRef, bound-by-controller unless pre-bound,
/// phase Bound), claim → PV (volumeName, annotations, status Bound).
/// Everything `bind` would write is already in place (the common case
/// for a long-bound pair, checked without cloning either object).
fn is_fully_bound(volume: &Object, claim: &Object) -> bool {
    let r = volume.spec().at("claimRef");
    let (cs, st) = (claim.spec(), claim.status());
    r.str_at("uid") == Some(claim.meta.uid.as_str())
        && r.str_at("name") == Some(claim.name())
        && r.str_at("namespace") == Some(claim.namespace())
        && volume.status().str_at("phase") == Some("Bound")
        && cs.str_at("volumeName") == Some(volume.name())
        && claim.meta.annotations.contains_key(ANN_BIND_COMPLETED)
        && st.str_at("phase") == Some("Bound")
        && st.at("accessModes") == volume.spec().at("accessModes")
        && !st.at("capacity").is_null()
}

fn bind(pass: &mut Pass, volume: &Object, claim: &Object) {
    if is_fully_bound(volume, claim) {
        return;
    }
    let now = pass.ctx.now;
    // The volume side (`bindVolumeToClaim` + `updateVolumePhase`).
    let mut v = volume.clone();
    let prebound = is_volume_bound_to_claim(volume, claim);
    let r = volume.spec().at("claimRef");
    if r.str_at("name") != Some(claim.name())
        || r.str_at("namespace") != Some(claim.namespace())
        || r.str_at("uid") != Some(claim.meta.uid.as_str())
    {
        set_at(v.spec_mut(), "claimRef", claim_ref(claim));
    }
    if !prebound {
        v.meta
            .annotations
            .entry(ANN_BOUND_BY_CONTROLLER.into())
            .or_insert_with(|| "yes".into());
    }
    let v = with_volume_phase(&v, "Bound", now);
    if v != *volume {
        pass.update(v.clone());
    }
    pass.taken.insert(volume.name().to_string());
    // The claim side (`bindClaimToVolume` + `updateClaimStatus`).
    let mut c = claim.clone();
    if claim.spec().str_at("volumeName") != Some(volume.name()) {
        set_at(c.spec_mut(), "volumeName", volume.name().into());
        c.meta
            .annotations
            .entry(ANN_BOUND_BY_CONTROLLER.into())
            .or_insert_with(|| "yes".into());
    }
    c.meta
        .annotations
        .entry(ANN_BIND_COMPLETED.into())
        .or_insert_with(|| "yes".into());
    let c = with_claim_status(&c, "Bound", Some(&v));
    if c != *claim {
        pass.update(c);
    }
}

fn sync_unbound_claim(pass: &mut Pass, claim: &Object) {
    let store = pass.ctx.store;
    let volume_name = claim.spec().str_at("volumeName").unwrap_or("");
    if volume_name.is_empty() {
        let class = claim_class(claim);
        let delay = is_delay_binding_mode(store, &class);
        let selected = claim.meta.annotations.get(ANN_SELECTED_NODE);
        // On a real cluster the scheduler's VolumeBinding plugin binds
        // WaitForFirstConsumer claims to static PVs for the chosen node;
        // here the scheduler only records its choice, and we bind for it.
        let node = match (delay, selected) {
            (true, Some(n)) => store.get(Kind::Node, "", n),
            _ => None,
        };
        let index = pass.index.get_or_insert_with(|| VolumeIndex::new(store));
        let found = index.find_best_match(claim, delay, node, &pass.taken);
        if let Some(volume) = found {
            if !pass.is_touched(volume) {
                bind(pass, volume, claim);
            }
            return;
        }
        if claim.spec().at("storageClassName").is_null()
            && !claim.meta.annotations.contains_key(ANN_BETA_STORAGE_CLASS)
        {
            if let Some(def) = default_class(store) {
                // `assignDefaultStorageClass`, then the next pass retries.
                let mut c = claim.clone();
                set_at(c.spec_mut(), "storageClassName", def.name().into());
                pass.update(c);
                return;
            }
        }
        if delay && selected.is_none() {
            emit_event_for_unbound_delay_binding_claim(pass, claim);
        } else if !class.is_empty() {
            provision_claim(pass, claim, &class);
            return;
        } else {
            pass.out.event(
                claim,
                false,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            );
        }
        set_claim_phase(pass, claim, "Pending", None);
        return;
    }
    // The user asked for a specific PV.
    let Some(volume) = store.get(Kind::PersistentVolume, "", volume_name) else {
        set_claim_phase(pass, claim, "Pending", None);
        return;
    };
    if pass.is_touched(volume) {
        return;
    }
    if volume.spec().at("claimRef").is_null() {
        match check_volume_satisfy_claim(volume, claim) {
            Err(e) => {
                pass.out.event(
                    claim,
                    true,
                    "VolumeMismatch",
                    format!("Cannot bind to requested volume \"{volume_name}\": {e}"),
                );
                set_claim_phase(pass, claim, "Pending", None);
            }
            Ok(()) => bind(pass, volume, claim),
        }
    } else if is_volume_bound_to_claim(volume, claim) {
        bind(pass, volume, claim);
    } else {
        pass.out.event(
            claim,
            true,
            "FailedBinding",
            format!("volume \"{volume_name}\" already bound to a different claim."),
        );
        set_claim_phase(pass, claim, "Pending", None);
    }
}

/// `emitEventForUnboundDelayBindingClaim`.
fn emit_event_for_unbound_delay_binding_claim(pass: &mut Pass, claim: &Object) {
    let mut pods: Vec<&str> = pass
        .ctx
        .store
        .list_ns(Kind::Pod, claim.namespace())
        .filter(|p| !is_pod_terminated(p))
        .filter(|p| crate::sim::podutil::claim_names(p).contains(&claim.name()))
        .filter(|p| crate::sim::podutil::node_name(p).is_none_or(str::is_empty))
        .map(|p| p.name())
        .collect();
    sort::sort(&mut pods);
    let (reason, message) = match pods.len() {
        0 => (
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".to_string(),
        ),
        1 => (
            "WaitForPodScheduled",
            format!("waiting for pod {} to be scheduled", pods[0]),
        ),
        _ => (
            "WaitForPodScheduled",
            format!("waiting for pods {} to be scheduled", pods.join(",")),
        ),
    };
    pass.out.event(claim, false, reason, message);
}

fn is_pod_terminated(pod: &Object) -> bool {
    matches!(crate::sim::podutil::phase(pod), "Succeeded" | "Failed")
}

/// `provisionClaim` plus the external provisioner's side. Every
/// provisioner name except `kubernetes.io/no-provisioner` is served by the
/// simulated provisioner, which takes `timings.provision_ms` counted from
/// the claim's creation (the sim keeps no other clock for it).
fn provision_claim(pass: &mut Pass, claim: &Object, class_name: &str) {
    let store = pass.ctx.store;
    let Some(class) = store.get(Kind::StorageClass, "", class_name) else {
        pass.out.event(
            claim,
            true,
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
        );
        set_claim_phase(pass, claim, "Pending", None);
        return;
    };
    let provisioner = class.field("provisioner").as_str().unwrap_or("");
    // Upstream repeats these events on every resync ("x4 over 22s"); the
    // sim says them once, when the claim is handed to the provisioner.
    let first = claim
        .meta
        .annotations
        .get(ANN_STORAGE_PROVISIONER)
        .map(String::as_str)
        != Some(provisioner);
    // `setClaimProvisioner`: tell external provisioners the claim is theirs.
    let mut c = with_claim_status(claim, "Pending", None);
    for a in [ANN_STORAGE_PROVISIONER, ANN_BETA_STORAGE_PROVISIONER] {
        c.meta.annotations.insert(a.into(), provisioner.into());
    }
    if c != *claim {
        pass.update(c);
    }
    if first {
        pass.out.event(
            claim,
            false,
            "ExternalProvisioning",
            format!(
            "Waiting for a volume to be created either by the external provisioner '{provisioner}' \
             or manually by the system administrator. If volume creation is delayed, please verify \
             that the provisioner is running and correctly registered."
        ),
        );
    }
    if provisioner == NOT_SUPPORTED_PROVISIONER {
        return;
    }
    // The external provisioner (sig-storage-lib-external-provisioner).
    let pv_name = format!("pvc-{}", claim.meta.uid);
    if store.get(Kind::PersistentVolume, "", &pv_name).is_some() {
        // Already provisioned; the next claim sync binds it.
        return;
    }
    if first {
        pass.out.event(
            claim,
            false,
            "Provisioning",
            format!(
                "External provisioner is provisioning volume for claim \"{}/{}\"",
                claim.namespace(),
                claim.name()
            ),
        );
    }
    let now = pass.ctx.now;
    if !claim.spec().at("selector").is_null() {
        // External provisioners refuse claims that select PVs by label.
        pass.out.event(
            claim,
            true,
            "ProvisioningFailed",
            format!("failed to provision volume with StorageClass \"{class_name}\": claim Selector is not supported"),
        );
        return;
    }
    let ready_at = claim.meta.creation_timestamp + pass.ctx.config.timings.provision_ms;
    if pass.ctx.faults.broken_classes.contains(class_name) {
        pass.out.event(
            claim,
            true,
            "ProvisioningFailed",
            format!(
                "failed to provision volume with StorageClass \"{class_name}\": rpc error: \
                 code = Unavailable desc = provisioner {provisioner} is not responding"
            ),
        );
        // The provisioner retries (upstream with exponential back-off).
        pass.out
            .retry_at(now + pass.ctx.config.timings.provision_ms.max(1));
        return;
    }
    if now < ready_at {
        pass.out.wake(ready_at);
        return;
    }
    let selected_node = claim.meta.annotations.get(ANN_SELECTED_NODE).cloned();
    let pv = provisioned_volume(claim, class, &pv_name, selected_node.as_deref());
    pass.out.create(pv);
    pass.out.event(
        claim,
        false,
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {pv_name}"),
    );
}

/// The PV the simulated provisioner creates: a host-path volume (pinned to
/// the selected node for WaitForFirstConsumer, like local-path).
fn provisioned_volume(
    claim: &Object,
    class: &Object,
    name: &str,
    selected_node: Option<&str>,
) -> Object {
    let mut pv = Object::new(Kind::PersistentVolume, "", name);
    let provisioner = class.field("provisioner").as_str().unwrap_or("");
    pv.meta
        .annotations
        .insert(ANN_DYNAMICALLY_PROVISIONED.into(), provisioner.into());
    let request = claim.spec().at("resources.requests.storage").clone();
    let mut spec = json!({
        "accessModes": claim.spec().at("accessModes").clone(),
        "capacity": {"storage": request},
        "claimRef": claim_ref(claim),
        "hostPath": {
            "path": format!("/var/lib/ordinal/hostpath/{}_{}_{}", claim.namespace(), claim.name(), name),
            "type": "DirectoryOrCreate",
        },
        "persistentVolumeReclaimPolicy": class.field("reclaimPolicy").as_str().unwrap_or("Delete"),
        "storageClassName": class.name(),
        "volumeMode": claim.spec().str_at("volumeMode").unwrap_or("Filesystem"),
    });
    if let Some(opts) = class.field("mountOptions").as_array() {
        spec["mountOptions"] = Value::Array(opts.clone());
    }
    if let Some(node) = selected_node {
        spec["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}
        ]}});
    }
    pv.body.insert("spec".into(), spec);
    // The API server creates PVs in phase Pending.
    pv.body.insert("status".into(), json!({"phase": "Pending"}));
    pv
}

fn sync_bound_claim(pass: &mut Pass, claim: &Object) {
    let volume_name = claim.spec().str_at("volumeName").unwrap_or("");
    if volume_name.is_empty() {
        set_claim_phase_with_event(
            pass,
            claim,
            "Lost",
            "ClaimLost",
            "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
        );
        return;
    }
    let Some(volume) = pass.ctx.store.get(Kind::PersistentVolume, "", volume_name) else {
        set_claim_phase_with_event(
            pass,
            claim,
            "Lost",
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
        );
        return;
    };
    if pass.is_touched(volume) {
        return;
    }
    let r = volume.spec().at("claimRef");
    if r.is_null() || r.str_at("uid") == Some(claim.meta.uid.as_str()) {
        bind(pass, volume, claim);
    } else {
        set_claim_phase_with_event(
            pass,
            claim,
            "Lost",
            "ClaimMisbound",
            "Two claims are bound to the same volume, this one is bound incorrectly",
        );
    }
}

fn sync_volume(pass: &mut Pass, volume: &Object) {
    let store = pass.ctx.store;
    let r = volume.spec().at("claimRef");
    if r.is_null() || r.str_at("uid").unwrap_or("").is_empty() {
        // Unused, or pre-bound to a claim that has not bound yet.
        set_volume_phase(pass, volume, "Available");
        return;
    }
    let claim = store
        .get(
            Kind::PersistentVolumeClaim,
            r.str_at("namespace").unwrap_or(""),
            r.str_at("name").unwrap_or(""),
        )
        .filter(|c| Some(c.meta.uid.as_str()) == r.str_at("uid"));
    let Some(claim) = claim else {
        // The claim is gone: release, then apply the reclaim policy.
        let released = if matches!(phase(volume), "Released" | "Failed") {
            volume.clone()
        } else {
            with_volume_phase(volume, "Released", pass.ctx.now)
        };
        reclaim_volume(pass, volume, released);
        return;
    };
    let claimed = claim.spec().str_at("volumeName").unwrap_or("");
    if claimed.is_empty() {
        // Binding not finished; the claim sync completes it.
    } else if claimed == volume.name() {
        set_volume_phase(pass, volume, "Bound");
    } else if volume
        .meta
        .annotations
        .contains_key(ANN_DYNAMICALLY_PROVISIONED)
        && reclaim_policy(volume) == "Delete"
    {
        // Provisioned for a claim that got bound elsewhere: not needed.
        let released = if matches!(phase(volume), "Released" | "Failed") {
            volume.clone()
        } else {
            with_volume_phase(volume, "Released", pass.ctx.now)
        };
        reclaim_volume(pass, volume, released);
    } else {
        unbind_volume(pass, volume);
    }
}

use crate::sim::api::reclaim_policy;
use crate::sim::sort::{self, CollectSorted};

/// `unbindVolume`: a controller-made binding is undone; a user's
/// pre-binding keeps its name and loses only the uid.
fn unbind_volume(pass: &mut Pass, volume: &Object) {
    let mut v = volume.clone();
    if v.meta.annotations.remove(ANN_BOUND_BY_CONTROLLER).is_some() {
        if let Some(m) = v.spec_mut().as_object_mut() {
            m.remove("claimRef");
        }
    } else {
        set_at(v.spec_mut(), "claimRef.uid", "".into());
    }
    let v = with_volume_phase(&v, "Available", pass.ctx.now);
    pass.update(v);
}

/// `reclaimVolume`. `released` is the volume with phase Released (or its
/// earlier Failed) already set.
fn reclaim_volume(pass: &mut Pass, original: &Object, released: Object) {
    match reclaim_policy(&released) {
        "Retain" => {
            if released != *original {
                pass.update(released);
            }
        }
        "Delete" => {
            if released.meta.deletion_timestamp.is_some() {
                if released != *original {
                    pass.update(released);
                }
                return;
            }
            let provisioner = released
                .meta
                .annotations
                .get(ANN_DYNAMICALLY_PROVISIONED)
                .cloned();
            let class = volume_class(&released);
            match provisioner {
                // A static PV has no deleter plugin in the sim (upstream:
                // only the in-tree plugins that can delete do).
                None => set_volume_phase_with_event(
                    pass,
                    original,
                    "Failed",
                    "VolumeFailedDelete",
                    &format!(
                        "error getting deleter volume plugin for volume \"{}\": no deletable volume plugin matched",
                        original.name()
                    ),
                ),
                Some(_) if pass.ctx.faults.broken_classes.contains(&class) => {
                    set_volume_phase_with_event(
                        pass,
                        original,
                        "Failed",
                        "VolumeFailedDelete",
                        "rpc error: code = Unavailable desc = provisioner is not responding",
                    );
                    pass.out
                        .retry_at(pass.ctx.now + pass.ctx.config.timings.provision_ms.max(1));
                }
                Some(_) => {
                    if released != *original {
                        pass.update(released);
                    }
                    // The external provisioner deletes the storage, then the PV.
                    pass.out.delete(original);
                }
            }
        }
        // Deprecated; only the hostPath and NFS plugins can recycle
        // (`rm -rf` in a recycler pod), then the PV is Available again.
        "Recycle"
            if ["hostPath", "nfs"]
                .iter()
                .any(|k| !original.spec().at(k).is_null()) =>
        {
            if released != *original {
                // Released is written first; the recycler runs next pass.
                pass.update(released);
                return;
            }
            pass.out
                .event(original, false, "VolumeRecycled", "Volume recycled");
            unbind_volume(pass, original);
        }
        "Recycle" => set_volume_phase_with_event(
            pass,
            original,
            "Failed",
            "VolumeFailedRecycle",
            "No recycler plugin found for the volume!",
        ),
        _ => set_volume_phase_with_event(
            pass,
            original,
            "Failed",
            "VolumeUnknownReclaimPolicy",
            "Volume has unrecognized PersistentVolumeReclaimPolicy",
        ),
    }
}

// ---- protection controllers ---------------------------------------------

/// `pvc-protection-controller`: a claim being deleted keeps its finalizer
/// while any scheduled pod still names it (upstream's `podUsesPVC`: the pod
/// object existing on a node is enough, whatever its phase).
pub fn sync_pvc_protection(ctx: &Ctx, out: &mut Out) {
    for claim in ctx.store.list(Kind::PersistentVolumeClaim) {
        if claim.meta.deletion_timestamp.is_none()
            || !claim.meta.finalizers.iter().any(|f| f == PVC_PROTECTION)
        {
            continue;
        }
        let used = ctx.store.list_ns(Kind::Pod, claim.namespace()).any(|p| {
            crate::sim::podutil::node_name(p).is_some_and(|n| !n.is_empty())
                && crate::sim::podutil::claim_names(p).contains(&claim.name())
        });
        if !used {
            let mut c = claim.clone();
            c.meta.finalizers.retain(|f| f != PVC_PROTECTION);
            out.update(c);
        }
    }
}

/// `pv-protection-controller`: a PV being deleted keeps its finalizer while Bound.
pub fn sync_pv_protection(ctx: &Ctx, out: &mut Out) {
    for pv in ctx.store.list(Kind::PersistentVolume) {
        if pv.meta.deletion_timestamp.is_none()
            || !pv.meta.finalizers.iter().any(|f| f == PV_PROTECTION)
            || phase(pv) == "Bound"
        {
            continue;
        }
        let mut v = pv.clone();
        v.meta.finalizers.retain(|f| f != PV_PROTECTION);
        out.update(v);
    }
}

#[cfg(test)]
mod tests;
