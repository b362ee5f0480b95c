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
//!
//! Files, each beside its Go twin: this one is `pv_controller_base.go`
//! (the pass over claims and volumes, and the event handlers that queue
//! them: `route`); `pv_controller.rs` the binder (`syncClaim`,
//! `syncVolume`, `bind`, `reclaimVolume`); `provision.rs` provisioning;
//! `index.rs` upstream's `index.go`; `helpers.rs` the storage helpers;
//! `pvc_protection.rs` and `pv_protection.rs` the two protection controllers.

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

mod helpers;
mod index;
mod provision;
mod pv_controller;
mod pv_protection;
mod pvc_protection;

pub use helpers::*;
pub use index::*;
use provision::*;
use pv_controller::*;
pub use pv_protection::*;
pub use pvc_protection::*;

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
pub fn route(store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    let both = || change.old.as_deref().into_iter().chain(new);
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
        // The next pass syncs the rest: a keyed sync keeps the keys this
        // one did not reach dirty (a pre-bound volume made with a free
        // one would otherwise be left with no phase).
        let claims = listed(Kind::PersistentVolumeClaim);
        for o in volumes.into_iter().chain(claims) {
            if !pass.is_touched(o) {
                let mark = pass.out.key_begin();
                pass.out.unsettled();
                pass.out.key_end(mark, || o.key());
            }
        }
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

#[cfg(test)]
mod tests;
