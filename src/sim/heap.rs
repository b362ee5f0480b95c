//! Upper estimates of the heap bytes a value owns, for bounding what the
//! session keeps for scrubbing (`session::Session::snapshot_bytes`).
//!
//! Estimates, on the side of too many: strings by capacity, vectors by
//! capacity, and B-tree maps as one leaf when they fit in one (11
//! entries; most JSON objects do), else as if every node were filled to
//! the least the B-tree allows (5 of 11 entries), plus one more node. Sizes are the host's: a 64-bit build's are upper
//! estimates of the page's (wasm32 pointers are half as wide). An `Arc`'s
//! target is not counted here ([`Heap`] of an object is what its `Arc`
//! allocation holds): the store decides which objects a copy shares.
//! `tests/snapshot_bytes.rs` checks the estimates against a counting
//! allocator.

use crate::sim::nodeutil::NodeFacts;
use crate::sim::object::{Body, FieldRef, Key, Meta, Object, OwnerRef};
use crate::sim::podutil::{PodFacts, SpecFacts};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::mem::size_of;

/// Heap bytes owned by a value (an upper estimate).
pub trait Heap {
    fn heap(&self) -> usize;
}

/// Bytes of the nodes of a B-tree of `len` entries of `entry` bytes each:
/// std's nodes hold 11 entries, a parent pointer and two counts, and an
/// internal node 12 child pointers more. Up to 11 entries are one leaf;
/// past that every node but the root holds at least 5 entries, and an
/// internal node at least 6 children.
pub fn btree_nodes(len: usize, entry: usize) -> usize {
    let leaf = 16 + 11 * entry;
    match len {
        0 => 0,
        1..=11 => leaf,
        _ => {
            let leaves = len / 5 + 1;
            let internal = leaves / 5 + 1;
            leaves * leaf + internal * (leaf + 12 * size_of::<usize>())
        }
    }
}

impl Heap for String {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

impl Heap for str {
    fn heap(&self) -> usize {
        self.len()
    }
}

macro_rules! no_heap {
    ($($t:ty),*) => {$(
        impl Heap for $t {
            fn heap(&self) -> usize {
                0
            }
        }
    )*};
}
no_heap!(bool, u32, u64, i64, usize);

impl<T: Heap> Heap for Vec<T> {
    fn heap(&self) -> usize {
        self.capacity() * size_of::<T>() + self.iter().map(Heap::heap).sum::<usize>()
    }
}

impl<T: Heap> Heap for Option<T> {
    fn heap(&self) -> usize {
        self.as_ref().map_or(0, Heap::heap)
    }
}

impl<A: Heap, B: Heap> Heap for (A, B) {
    fn heap(&self) -> usize {
        self.0.heap() + self.1.heap()
    }
}

impl<A: Heap, B: Heap, C: Heap> Heap for (A, B, C) {
    fn heap(&self) -> usize {
        self.0.heap() + self.1.heap() + self.2.heap()
    }
}

impl<K: Heap, V: Heap> Heap for BTreeMap<K, V> {
    fn heap(&self) -> usize {
        btree_nodes(self.len(), size_of::<K>() + size_of::<V>())
            + self.iter().map(|(k, v)| k.heap() + v.heap()).sum::<usize>()
    }
}

impl<K: Heap> Heap for BTreeSet<K> {
    fn heap(&self) -> usize {
        btree_nodes(self.len(), size_of::<K>()) + self.iter().map(Heap::heap).sum::<usize>()
    }
}

impl Heap for Key {
    fn heap(&self) -> usize {
        self.namespace.heap() + self.name.heap()
    }
}

impl Heap for Value {
    fn heap(&self) -> usize {
        match self {
            Value::String(s) => s.heap(),
            Value::Array(a) => {
                a.capacity() * size_of::<Value>() + a.iter().map(Heap::heap).sum::<usize>()
            }
            Value::Object(m) => map_heap(m),
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
    }
}

/// A JSON object's entries (serde_json's map is a `BTreeMap`).
pub fn map_heap(m: &serde_json::Map<String, Value>) -> usize {
    btree_nodes(m.len(), size_of::<String>() + size_of::<Value>())
        + m.iter().map(|(k, v)| k.heap() + v.heap()).sum::<usize>()
}

/// An object's body: its vector of (name, `Arc`) entries and each field's
/// allocation (two counts and the value). A field shared with another copy
/// of the object is counted in both, on the side of too many.
pub fn body_heap(b: &Body) -> usize {
    // Each entry's name and `Arc` allocation (two counts and a `Value`,
    // or a view's box and its JSON).
    b.vec_bytes()
        + b.fields()
            .map(|(k, f)| {
                k.heap()
                    + 2 * size_of::<usize>()
                    + match f {
                        FieldRef::Json(v) => size_of::<Value>() + v.heap(),
                        FieldRef::View(view, json, target) => {
                            target + view.heap() + json.map_or(0, Heap::heap)
                        }
                    }
            })
            .sum::<usize>()
}

impl Heap for OwnerRef {
    fn heap(&self) -> usize {
        self.api_version.heap() + self.kind.heap() + self.name.heap() + self.uid.heap()
    }
}

impl Heap for Meta {
    fn heap(&self) -> usize {
        self.name.heap()
            + self.generate_name.heap()
            + self.namespace.heap()
            + self.uid.heap()
            + self.labels.heap()
            + self.annotations.heap()
            + self.owner_references.heap()
            + self.finalizers.heap()
    }
}

impl Heap for Object {
    /// The whole `Arc<Object>` allocation (two counts and the object) and
    /// what the object owns: the metadata's `Arc` allocation (shared by
    /// copies that did not write it, and counted with each, on the side of
    /// too many) and the rest.
    fn heap(&self) -> usize {
        2 * size_of::<usize>()
            + size_of::<Object>()
            + 2 * size_of::<usize>()
            + size_of::<Meta>()
            + self.meta.heap()
            + body_heap(&self.body)
            + self
                .derived
                .get::<PodFacts>()
                .map_or(0, |f| size_of::<PodFacts>() + f.heap())
            + self
                .derived
                .get::<NodeFacts>()
                .map_or(0, |_| size_of::<NodeFacts>())
    }
}

impl Heap for PodFacts {
    /// What a stored pod's cached facts own (`podutil::PodFacts`, boxed
    /// beside the JSON; the box is counted by [`Object`]'s estimate). The
    /// spec facts are shared by the versions of a pod with one spec, and
    /// counted with each (an upper estimate).
    fn heap(&self) -> usize {
        // Every field named, so a new one is not left out unseen.
        let PodFacts {
            state: _,
            ready_since: _,
            pod_ip,
            printed,
            summary,
            revision,
            pod_name_labelled: _,
            spec,
            // The specs it holds are the askers', shared.
            verdicts: _,
        } = self;
        let SpecFacts {
            node_name,
            claim_volumes,
            hostname,
            subdomain,
            requests: _,
            nonzero_requests: _,
            host_ports,
            has_affinity: _,
            ordinal: _,
            set_claim_volumes,
        } = spec.as_ref();
        printed.reason.heap()
            + summary.heap()
            + pod_ip.heap()
            + revision.heap()
            + std::mem::size_of::<SpecFacts>()
            + node_name.heap()
            + claim_volumes.heap()
            + hostname.heap()
            + subdomain.heap()
            + host_ports.heap()
            + set_claim_volumes.heap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_grow_with_content_and_count_capacity() {
        let mut s = String::with_capacity(100);
        s.push('x');
        assert_eq!(s.heap(), 100);
        let v: Vec<String> = vec!["abc".into(), "de".into()];
        assert_eq!(v.heap(), 2 * size_of::<String>() + 5);
        let small: BTreeMap<String, String> = [("a".to_string(), "b".to_string())].into();
        // One entry still allocates a whole node.
        assert!(small.heap() >= 11 * 2 * size_of::<String>());
        let big: BTreeMap<u64, u64> = (0..1000).map(|i| (i, i)).collect();
        assert!(
            big.heap() >= 1000 * 16 && big.heap() < 1000 * 16 * 5,
            "{}",
            big.heap()
        );
        let json: Value = serde_json::json!({"a": ["xyz", {"b": "long string here"}]});
        assert!(json.heap() > "xyz".len() + "long string here".len() + 2 * size_of::<Value>());
    }
}
