//! `ControllerRefManager` (upstream `controller_ref_manager.go`): which
//! pods a controller owns. One `ClaimPods` for the ReplicaSet,
//! ReplicationController, DaemonSet and StatefulSet controllers.

use super::Out;
use crate::sim::object::{Key, Kind, Object, OwnerRef};
use crate::sim::selector::Selector;
use crate::sim::store::{Change, Store};
use std::borrow::Cow;

/// `ClaimPods` (ControllerRefManager): owned pods that match, plus matching
/// orphans (adopted, unless the owner is being deleted); owned pods that
/// no longer match are released (an update dropping the reference).
/// Returns the claimed pods: borrowed as they are, or adopted copies.
pub fn claim_pods<'a>(
    owner: &Object,
    selector: &Selector,
    candidates: impl Iterator<Item = &'a Object>,
    out: &mut Out,
) -> Vec<Cow<'a, Object>> {
    claim_pods_as(
        owner,
        |p| selector.matches(&p.meta.labels),
        candidates,
        0,
        out,
        Cow::Borrowed,
        Cow::Owned,
    )
}

/// [`claim_pods`], each claimed pod given as the caller keeps it: `stored`
/// for a pod as the store holds it, `adopted` for an adopted copy;
/// `expected` sizes the list (growing it pod by pod to a thousand was a
/// measurable share of a StatefulSet's pass).
pub fn claim_pods_as<'a, T>(
    owner: &Object,
    selected: impl Fn(&Object) -> bool,
    candidates: impl Iterator<Item = &'a Object>,
    expected: usize,
    out: &mut Out,
    stored: impl Fn(&'a Object) -> T,
    adopted: impl Fn(Object) -> T,
) -> Vec<T> {
    let mut claimed = Vec::with_capacity(expected);
    for pod in candidates {
        let matches = selected(pod);
        match pod.meta.controller_ref() {
            Some(r) if r.uid == owner.meta.uid => {
                if matches {
                    claimed.push(stored(pod));
                } else if pod.meta.deletion_timestamp.is_none() {
                    let mut released = pod.clone();
                    released
                        .meta
                        .owner_references
                        .retain(|r| r.uid != owner.meta.uid);
                    out.update(released);
                }
            }
            Some(_) => {}
            None => {
                if matches
                    && pod.meta.deletion_timestamp.is_none()
                    && owner.meta.deletion_timestamp.is_none()
                {
                    let mut copy = pod.clone();
                    copy.meta
                        .owner_references
                        .push(OwnerRef::controller_of(owner));
                    out.update(copy.clone());
                    claimed.push(adopted(copy));
                }
            }
        }
    }
    claimed
}

/// Routes a change of a dependent (a pod, a ReplicaSet) as upstream's
/// controllers' event handlers do: to the controller of one of `kinds` its
/// controllerRef names before and after the change (`resolveControllerRef`),
/// and, while it is an orphan before or after, to every controller of those
/// kinds in its namespace (the candidates for adopting or releasing it;
/// upstream asks only those whose selector matches, a subset of these).
pub fn route_to_controllers(
    store: &Store,
    change: &Change,
    kinds: &[Kind],
    push: &mut dyn FnMut(Key),
) {
    let k = &change.key;
    let mut orphan = false;
    for o in change.old.as_deref().into_iter().chain(store.get_key(k)) {
        match o.meta.controller_ref() {
            Some(r) => {
                if let Some(kind) = Kind::parse(&r.kind).filter(|kind| kinds.contains(kind)) {
                    push(Key::new(kind, &k.namespace, &r.name));
                }
            }
            None => orphan = true,
        }
    }
    if orphan {
        for &kind in kinds {
            store
                .list_ns(kind, &k.namespace)
                .for_each(|c| push(c.key()));
        }
    }
}
