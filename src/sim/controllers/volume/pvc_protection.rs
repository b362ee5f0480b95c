//! `pvc-protection-controller`, as upstream's `pvcprotection`.

use super::*;

/// `pvc-protection-controller`: a claim being deleted keeps its finalizer
/// while any scheduled pod still names it (upstream's `podUsesPVC`: the pod
/// object existing on a node is enough, whatever its phase).
pub fn sync_pvc_protection(ctx: &Ctx, out: &mut Out) {
    sync_pvc_protection_keys(ctx, Keys::All, out)
}

/// The claims a change concerns, as upstream's handlers queue them: a
/// claim itself (`pvcAddedUpdated`); for a pod, every claim it names
/// before or after the change (`podAddedDeletedUpdated`).
pub fn route_pvc_protection(
    store: &Store,
    change: &Change,
    new: Option<&Object>,
    push: &mut dyn FnMut(Key),
) {
    let k = &change.key;
    match k.kind {
        Kind::PersistentVolumeClaim => push(k.clone()),
        // Only a claim being deleted reads its pods (and its deletion
        // queues it itself).
        Kind::Pod => {
            for p in change.old.as_deref().into_iter().chain(new) {
                for c in crate::sim::podutil::claim_names(p) {
                    // Looked up by parts: the key is built only to be pushed.
                    if store
                        .get(Kind::PersistentVolumeClaim, &k.namespace, c)
                        .is_some_and(|c| c.meta.deletion_timestamp.is_some())
                    {
                        push(Key::new(Kind::PersistentVolumeClaim, &k.namespace, c));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The sync of the claims in `keys`.
pub fn sync_pvc_protection_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for claim in keys.objects(ctx.store, Kind::PersistentVolumeClaim) {
        let mark = out.key_begin();
        process_pvc(ctx, claim, out);
        out.key_end(mark, || claim.key());
    }
}

/// `processPVC`: drop the finalizer of a deleted claim no pod uses.
fn process_pvc(ctx: &Ctx, claim: &Object, out: &mut Out) {
    if claim.meta.deletion_timestamp.is_none()
        || !claim.meta.finalizers.iter().any(|f| f == PVC_PROTECTION)
    {
        return;
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
