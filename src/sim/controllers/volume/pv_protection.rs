//! `pv-protection-controller`, as upstream's `pvprotection`.

use super::*;

/// `pv-protection-controller`: a PV being deleted keeps its finalizer while Bound.
pub fn sync_pv_protection(ctx: &Ctx, out: &mut Out) {
    sync_pv_protection_keys(ctx, Keys::All, out)
}

/// The volumes a change concerns: a PV itself (`pvAddedUpdated`; the
/// phase it reads is its own).
pub fn route_pv_protection(
    _store: &Store,
    change: &Change,
    _new: Option<&Object>,
    push: &mut dyn FnMut(Key),
) {
    if change.key.kind == Kind::PersistentVolume {
        push(change.key.clone());
    }
}

/// The sync of the volumes in `keys`.
pub fn sync_pv_protection_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for pv in keys.objects(ctx.store, Kind::PersistentVolume) {
        let mark = out.key_begin();
        if pv.meta.deletion_timestamp.is_some()
            && pv.meta.finalizers.iter().any(|f| f == PV_PROTECTION)
            && phase(pv) != "Bound"
        {
            let mut v = pv.clone();
            v.meta.finalizers.retain(|f| f != PV_PROTECTION);
            out.update(v);
        }
        out.key_end(mark, || pv.key());
    }
}
