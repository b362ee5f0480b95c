//! The garbage collector, after upstream `pkg/controller/garbagecollector`:
//! dependents whose owners are all gone are deleted (background); an owner
//! being deleted in the foreground (`foregroundDeletion` finalizer) has its
//! dependents deleted first and keeps its finalizer until no
//! `blockOwnerDeletion` dependent remains; an owner with the `orphan`
//! finalizer has its references removed from its dependents, then the
//! finalizer. In its turn also runs the namespace controller
//! (`namespace.rs`).

use super::{Ctx, Keys, Out, Propagation, Write};
use crate::sim::object::{Key, Kind, Object, OwnerRef};
use crate::sim::store::{Change, Store};
use crate::sim::wellknown::{FOREGROUND, ORPHAN};

/// The object with this uid (the last in store order should a uid repeat).
fn by_uid<'a>(store: &'a Store, uid: &str) -> Option<&'a Object> {
    store.keys_by_uid(uid).last().and_then(|k| store.get_key(k))
}

/// The dependents of `uid` in store order, once per reference naming it.
fn deps_of<'a>(store: &'a Store, uid: &str) -> Vec<&'a Object> {
    let mut deps = Vec::new();
    for d in store.dependents_of(uid) {
        for r in &d.meta.owner_references {
            if r.uid == uid {
                deps.push(d);
            }
        }
    }
    deps
}

/// The keys a change concerns when it came, went, or changed its owner
/// references, deletion state or finalizers: the object itself, its owners
/// and theirs (a foreground owner looks two levels down), and, unless only
/// its references changed, its dependents (which resolve it as their
/// owner).
pub fn route(store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    super::namespace::route(store, change, push);
    let (lifecycle, refs) = match (&change.old, new) {
        (Some(a), Some(b)) => (
            a.meta.uid != b.meta.uid
                || a.meta.deletion_timestamp != b.meta.deletion_timestamp
                || a.meta.finalizers != b.meta.finalizers,
            a.meta.owner_references != b.meta.owner_references,
        ),
        _ => (true, true),
    };
    // A sync reads an object's metadata, its owners' and, for an owner
    // being deleted, its dependents' and theirs: a change of anything else
    // (a status, a spec) is nothing to any of them, as upstream's graph
    // builder enqueues nothing for an update that leaves the owner
    // references and the deletion state alone. A namespace's sync also
    // reads its spec's finalizers.
    if !lifecycle && !refs && change.key.kind != Kind::Namespace {
        return;
    }
    push(change.key.clone());
    for o in change.old.as_deref().into_iter().chain(new) {
        for r in &o.meta.owner_references {
            for k in store.keys_by_uid(&r.uid) {
                push(k.clone());
                if let Some(owner) = store.get_key(k) {
                    for r2 in &owner.meta.owner_references {
                        store.keys_by_uid(&r2.uid).for_each(|k| push(k.clone()));
                    }
                }
            }
        }
        if lifecycle {
            for d in store.dependents_of(&o.meta.uid) {
                push(d.key());
            }
        }
    }
}

/// The owner an ownerReference names, if it still exists with that uid.
fn resolve_owner<'a>(store: &'a Store, dependent: &Object, r: &OwnerRef) -> Option<&'a Object> {
    let owner = by_uid(store, &r.uid)?;
    let kind_ok = Kind::parse(&r.kind).is_some_and(|k| k == owner.kind);
    let ns_ok = !owner.kind.namespaced() || owner.meta.namespace == dependent.meta.namespace;
    if kind_ok && ns_ok && owner.meta.name == r.name {
        store.get_key(&owner.key())
    } else {
        None
    }
}

fn has_finalizer(o: &Object, f: &str) -> bool {
    o.meta.finalizers.iter().any(|x| x == f)
}

fn delete(out: &mut Out, o: &Object, propagation: Propagation) {
    out.writes.push(Write::Delete {
        key: o.key(),
        grace_seconds: None,
        propagation,
        uid: Some(o.meta.uid.clone()),
    });
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The sync of the objects in `keys` (each object is a key).
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    let store = ctx.store;
    match keys {
        Keys::All => {
            for o in store.iter() {
                let mark = out.key_begin();
                sync_object(store, o, out);
                out.key_end(mark, || o.key());
            }
        }
        Keys::Only(set) => {
            for k in set {
                if let Some(o) = store.get_key(k) {
                    let mark = out.key_begin();
                    sync_object(store, o, out);
                    out.key_end(mark, || o.key());
                }
            }
        }
    }
}

fn sync_object(store: &Store, o: &Object, out: &mut Out) {
    if o.kind == Kind::Namespace {
        super::namespace::sync_namespace(store, o, out);
    }
    let deps_of = |uid: &str| deps_of(store, uid);
    {
        let deleting = o.meta.deletion_timestamp.is_some();
        // Orphan: free the dependents, then drop the finalizer.
        if deleting && has_finalizer(o, ORPHAN) {
            for d in deps_of(&o.meta.uid) {
                let mut freed = d.clone();
                freed.meta.owner_references.retain(|r| r.uid != o.meta.uid);
                out.update(freed);
            }
            let mut done = o.clone();
            done.meta.finalizers.retain(|f| f != ORPHAN);
            out.update(done);
            return;
        }
        // Foreground: delete the dependents; the owner goes when no
        // blocking dependent is left.
        if deleting && has_finalizer(o, FOREGROUND) {
            let deps = deps_of(&o.meta.uid);
            for d in &deps {
                if d.meta.deletion_timestamp.is_none() {
                    let nested = !deps_of(&d.meta.uid).is_empty();
                    let p = if nested {
                        Propagation::Foreground
                    } else {
                        Propagation::Background
                    };
                    delete(out, d, p);
                }
            }
            let blocking = deps.iter().any(|d| {
                d.meta
                    .owner_references
                    .iter()
                    .any(|r| r.uid == o.meta.uid && r.block_owner_deletion)
            });
            if !blocking {
                let mut done = o.clone();
                done.meta.finalizers.retain(|f| f != FOREGROUND);
                out.update(done);
            }
            return;
        }
        // Background: a dependent whose owners are all gone is deleted.
        if o.meta.owner_references.is_empty() || deleting {
            return;
        }
        let mut solid = false;
        let mut dangling = Vec::new();
        for r in &o.meta.owner_references {
            match resolve_owner(store, o, r) {
                Some(owner)
                    if has_finalizer(owner, FOREGROUND)
                        && owner.meta.deletion_timestamp.is_some() =>
                {
                    // waitingForDependentsDeletion: handled from the owner's side.
                }
                Some(_) => solid = true,
                None => {
                    // Kinds Ordinal does not simulate are never judged absent.
                    if Kind::parse(&r.kind).is_none() {
                        solid = true;
                    } else {
                        dangling.push(r.uid.clone());
                    }
                }
            }
        }
        if solid {
            if !dangling.is_empty() {
                let mut patched = o.clone();
                patched
                    .meta
                    .owner_references
                    .retain(|r| !dangling.contains(&r.uid));
                out.update(patched);
            }
        } else if !dangling.is_empty() {
            delete(out, o, Propagation::Background);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api::{self, DeleteOptions};
    use crate::sim::engine::Sim;
    use crate::sim::object::Key;
    use serde_json::json;

    fn cm(sim: &mut Sim, name: &str, owners: &[&Object], block: bool) -> Object {
        let mut o = Object::new(Kind::ConfigMap, "default", name);
        for ow in owners {
            let mut r = OwnerRef::controller_of(ow);
            r.controller = false;
            r.block_owner_deletion = block;
            o.meta.owner_references.push(r);
        }
        o.body.insert("data".into(), json!({"k": "v"}));
        Object::clone(&api::create(sim, o, "test").unwrap())
    }

    fn exists(sim: &Sim, name: &str) -> bool {
        sim.store.get(Kind::ConfigMap, "default", name).is_some()
    }

    fn del(sim: &mut Sim, name: &str, p: Propagation) {
        api::delete(
            sim,
            &Key::new(Kind::ConfigMap, "default", name),
            DeleteOptions {
                grace_seconds: None,
                propagation: p,
                uid: None,
            },
            "test",
        )
        .unwrap();
    }

    /// Runs only the garbage collector until it writes nothing.
    fn run_gc(sim: &mut Sim) {
        crate::sim::testutil::converge(sim, &[("garbage-collector", sync)], 20);
    }

    #[test]
    fn background_deletes_dependents_of_a_missing_owner() {
        let mut sim = Sim::new(1);
        let owner = cm(&mut sim, "owner", &[], false);
        let child = cm(&mut sim, "child", &[&owner], false);
        cm(&mut sim, "grandchild", &[&child], false);
        run_gc(&mut sim);
        assert!(exists(&sim, "child"));
        del(&mut sim, "owner", Propagation::Background);
        assert!(!exists(&sim, "owner"));
        run_gc(&mut sim);
        assert!(!exists(&sim, "child"));
        assert!(!exists(&sim, "grandchild"));
    }

    #[test]
    fn a_dependent_with_a_living_owner_survives_and_loses_the_dangling_ref() {
        let mut sim = Sim::new(1);
        let a = cm(&mut sim, "a", &[], false);
        let b = cm(&mut sim, "b", &[], false);
        cm(&mut sim, "child", &[&a, &b], false);
        del(&mut sim, "a", Propagation::Background);
        run_gc(&mut sim);
        let child = sim.store.get(Kind::ConfigMap, "default", "child").unwrap();
        assert_eq!(child.meta.owner_references.len(), 1);
        assert_eq!(child.meta.owner_references[0].name, "b");
    }

    #[test]
    fn foreground_deletes_dependents_before_the_owner() {
        let mut sim = Sim::new(1);
        let owner = cm(&mut sim, "owner", &[], false);
        cm(&mut sim, "child", &[&owner], true);
        del(&mut sim, "owner", Propagation::Foreground);
        // The owner waits with its finalizer while the child exists.
        let o = sim.store.get(Kind::ConfigMap, "default", "owner").unwrap();
        assert!(o.meta.finalizers.iter().any(|f| f == FOREGROUND));
        let out = sim.sync_once(sync);
        // First pass: the child is deleted, the owner's finalizer stays.
        assert!(out
            .writes
            .iter()
            .any(|w| matches!(w, Write::Delete { key, .. } if key.name == "child")));
        assert!(!out
            .writes
            .iter()
            .any(|w| matches!(w, Write::Update(o) if o.meta.name == "owner")));
        sim.apply_writes("garbage-collector", out.writes);
        assert!(!exists(&sim, "child"));
        assert!(exists(&sim, "owner"));
        run_gc(&mut sim);
        assert!(!exists(&sim, "owner"));
    }

    #[test]
    fn orphan_keeps_dependents_and_strips_references() {
        let mut sim = Sim::new(1);
        let owner = cm(&mut sim, "owner", &[], false);
        cm(&mut sim, "child", &[&owner], true);
        del(&mut sim, "owner", Propagation::Orphan);
        assert!(exists(&sim, "owner"));
        run_gc(&mut sim);
        assert!(!exists(&sim, "owner"));
        let child = sim.store.get(Kind::ConfigMap, "default", "child").unwrap();
        assert!(child.meta.owner_references.is_empty());
    }
}
