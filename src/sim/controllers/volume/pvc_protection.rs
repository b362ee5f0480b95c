//! `pvc-protection-controller`, as upstream's `pvcprotection`.

use super::*;

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
