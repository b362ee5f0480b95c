//! The object store: what etcd holds behind the API server. Plain storage
//! and ordered reads; the API server's rules live in `api.rs`.

use super::object::{Key, Kind, Labels, Object};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    // Ordered by (kind, namespace, name): every read is deterministic.
    objects: BTreeMap<Key, Object>,
    resource_version: u64,
}

impl Store {
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        self.objects.get(&Key::new(kind, namespace, name))
    }

    pub fn get_key(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
    }

    /// Every object of a kind, in all namespaces, ordered by namespace and name.
    pub fn list(&self, kind: Kind) -> impl Iterator<Item = &Object> + '_ {
        let start = Key {
            kind,
            namespace: String::new(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind)
            .map(|(_, o)| o)
    }

    /// Objects of a kind in one namespace.
    pub fn list_ns<'a>(
        &'a self,
        kind: Kind,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let start = Key {
            kind,
            namespace: namespace.to_string(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind && k.namespace == namespace)
            .map(|(_, o)| o)
    }

    /// Objects of a kind in a namespace whose labels match a selector map.
    pub fn select<'a>(
        &'a self,
        kind: Kind,
        namespace: &'a str,
        selector: &'a Labels,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.list_ns(kind, namespace)
            .filter(move |o| matches_labels(selector, &o.meta.labels))
    }

    pub fn find_by_uid(&self, kind: Kind, uid: &str) -> Option<&Object> {
        self.list(kind).find(|o| o.meta.uid == uid)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Object> + '_ {
        self.objects.values()
    }

    /// Raw write; callers are the API layer, which stamps versions.
    pub(crate) fn put(&mut self, obj: Object) {
        self.objects.insert(obj.key(), obj);
    }

    pub(crate) fn remove(&mut self, key: &Key) -> Option<Object> {
        self.objects.remove(key)
    }

    pub(crate) fn next_resource_version(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }
}

/// A `matchLabels`-style selector: every pair present. An empty selector
/// matches everything (callers decide whether that is allowed).
pub fn matches_labels(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}
