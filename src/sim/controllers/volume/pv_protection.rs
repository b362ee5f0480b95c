//! `pv-protection-controller`, as upstream's `pvprotection`.

use super::*;

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
