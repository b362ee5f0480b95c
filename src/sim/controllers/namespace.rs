//! The namespace controller, after upstream's `pkg/controller/namespace`:
//! a namespace being deleted (the API server has set its deletionTimestamp
//! and phase Terminating, and kept it for the `kubernetes` entry of
//! `spec.finalizers`) has every object in it
//! deleted (`deleteCollection`, background propagation: pods with their
//! grace periods, claims once their pods are gone); when nothing is left
//! it removes its `kubernetes` finalizer (the `finalize` subresource) and
//! the API server removes the namespace.
//!
//! It runs in the garbage collector's turn (`gc::route`, `gc::sync_keys`):
//! a controller of its own would take a turn of its own in the engine's
//! order, and every saved session's single steps would land elsewhere.
//!
//! Not modelled: the status conditions it reports on the way
//! (`NamespaceContentRemaining`, ...), and the Events in the namespace
//! (they live in the log, not the store).

use super::{Out, Propagation, Write};
use crate::sim::api::has_namespace_finalizer as has_finalizer;
use crate::sim::object::{Key, Kind, Object};
use crate::sim::store::{Change, Store};
use crate::sim::wellknown::NAMESPACE_FINALIZER;
use serde_json::Value;

/// For an object in a namespace being deleted, that namespace (its content
/// changed: it may be empty now). The namespace's own changes reach it as
/// the garbage collector's own key.
pub fn route(store: &Store, change: &Change, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    if k.kind.namespaced()
        && store
            .get(Kind::Namespace, "", &k.namespace)
            .is_some_and(|ns| ns.meta.terminating())
    {
        push(Key::new(Kind::Namespace, "", &k.namespace));
    }
}

/// A terminating namespace: delete what is in it, or, when nothing is
/// left, finalize it.
pub fn sync_namespace(store: &Store, ns: &Object, out: &mut Out) {
    if !ns.meta.terminating() || !has_finalizer(ns) {
        return;
    }
    let name = ns.name();
    let mut remaining = false;
    for o in store
        .iter()
        .filter(|o| o.kind.namespaced() && o.meta.namespace == name)
    {
        remaining = true;
        if !o.meta.terminating() {
            out.writes.push(Write::Delete {
                key: o.key(),
                grace_seconds: None,
                propagation: Propagation::Background,
                uid: Some(o.meta.uid.clone()),
            });
        }
    }
    if !remaining {
        let mut done = ns.clone();
        let spec = done.spec_mut();
        let mut left: Vec<Value> = spec["finalizers"].as_array().cloned().unwrap_or_default();
        left.retain(|f| f.as_str() != Some(NAMESPACE_FINALIZER));
        spec["finalizers"] = Value::Array(left);
        out.update(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api::{self, DeleteOptions};
    use crate::sim::engine::Sim;
    use crate::sim::object::ValueExt;
    use crate::sim::testutil::apply;
    use serde_json::json;

    #[test]
    fn a_deleted_namespace_is_emptied_then_goes() {
        let mut sim = Sim::new(1);
        apply(
            &mut sim,
            json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "prod"}}),
        );
        let ns = Key::new(Kind::Namespace, "", "prod");
        assert!(has_finalizer(sim.store.get_key(&ns).unwrap()));
        apply(
            &mut sim,
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db", "namespace": "prod"},
            "spec": {"replicas": 2, "serviceName": "mysvc",
                "selector": {"matchLabels": {"app": "store"}},
                "template": {"metadata": {"labels": {"app": "store"}},
                    "spec": {"containers": [{"name": "srv", "image": "nginx:1.25"}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "vol"},
                    "spec": {"accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}}}}]}}),
        );
        sim.advance(30_000);
        let in_prod = |sim: &Sim| {
            sim.store
                .iter()
                .filter(|o| o.meta.namespace == "prod")
                .count()
        };
        assert!(sim.store.list_ns(Kind::Pod, "prod").count() == 2);
        assert_eq!(sim.store.list(Kind::PersistentVolume).count(), 2);

        api::delete(&mut sim, &ns, DeleteOptions::default(), "test").unwrap();
        // Kept for its finalizer, Terminating, while its content goes.
        let n = sim.store.get_key(&ns).unwrap();
        assert_eq!(n.status().str_at("phase"), Some("Terminating"));
        sim.touch();
        sim.advance(sim.config.timings.controller_delay_ms);
        assert!(sim.store.get_key(&ns).is_some());
        assert!(sim
            .store
            .list_ns(Kind::Pod, "prod")
            .all(|p| p.meta.terminating()));
        let refused = api::create(
            &mut sim,
            Object::new(Kind::ConfigMap, "prod", "late"),
            "test",
        );
        assert!(refused.is_err());

        sim.advance(60_000);
        assert_eq!(in_prod(&sim), 0);
        assert!(sim.store.get_key(&ns).is_none());
        // The claims went, and with them their dynamically provisioned volumes.
        assert_eq!(sim.store.list(Kind::PersistentVolume).count(), 0);
    }
}
