//! Point look-ups of stored objects by key, beside the ordered map.
//!
//! The ordered map answers every list and range; a look-up of one key in it
//! compares the key with about two dozen others (kind, then namespace and
//! name as strings), a thousand instructions with a few thousand objects,
//! and controllers look objects up per pod on every sync. Here a key's hash
//! finds its object in one probe. Nothing iterates this table, so its order
//! never shows; the ordered map stays the one source of order.
//!
//! Two keys with one hash are not told apart here: their hash is marked
//! shared, this table drops it, and look-ups of it go to the ordered map.

use crate::sim::object::{Key, Kind, Object};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// The key's hash is the table's hash: no second hashing.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed; this keeps the trait whole.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// A key's hash, a word at a time: each step a folded multiply (the high
/// and low halves of a 128-bit product, xored, as foldhash's), which
/// carries every input bit both up and down. A plain multiply carries
/// bits only upwards, and names that differ in one digit then collided.
/// Byte-wise FNV cost as much as the look-up it saved half of.
fn hash_of(kind: Kind, namespace: &str, name: &str) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let fold = |x: u64, k: u64| {
        let p = u128::from(x) * u128::from(k);
        (p as u64) ^ ((p >> 64) as u64)
    };
    let words = |mut h: u64, bytes: &[u8]| {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = fold(h ^ u64::from_le_bytes(w), K);
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = fold(h ^ u64::from_le_bytes(w), K);
        // The length ends the part, so `a/bc` and `ab/c` hash apart.
        fold(h ^ bytes.len() as u64, K)
    };
    let h = words(
        words(kind as u64 + 1, namespace.as_bytes()),
        name.as_bytes(),
    );
    fold(h, 0xff51_afd7_ed55_8ccd)
}

#[derive(Clone, Debug)]
pub(super) struct Point {
    table: HashMap<u64, Arc<Object>, BuildHasherDefault<Prehashed>>,
    /// Hashes that two keys have had: never in `table`, looked up in the
    /// ordered map from then on.
    shared: BTreeSet<u64>,
    hash: fn(Kind, &str, &str) -> u64,
}

impl Default for Point {
    fn default() -> Point {
        Point::with_hash(hash_of)
    }
}

fn is_key_of(o: &Object, kind: Kind, namespace: &str, name: &str) -> bool {
    // A cluster-scoped object's key has no namespace, whatever its
    // metadata says (`Key::new`).
    o.kind == kind && o.meta.name == name && (!kind.namespaced() || o.meta.namespace == namespace)
}

impl Point {
    fn with_hash(hash: fn(Kind, &str, &str) -> u64) -> Point {
        Point {
            table: HashMap::default(),
            shared: BTreeSet::new(),
            hash,
        }
    }

    /// `Some(found)` when this table knows the answer (the object, or that
    /// there is none); `None` when the ordered map must be asked. The
    /// namespace is the key's (empty for a cluster-scoped kind).
    pub(super) fn get(
        &self,
        kind: Kind,
        namespace: &str,
        name: &str,
    ) -> Option<Option<&Arc<Object>>> {
        let h = (self.hash)(kind, namespace, name);
        if !self.shared.is_empty() && self.shared.contains(&h) {
            return None;
        }
        // A hash no two keys have had names at most one stored key: this
        // one, or another whose hash it shares with a key not stored.
        Some(
            self.table
                .get(&h)
                .filter(|o| is_key_of(o, kind, namespace, name)),
        )
    }

    pub(super) fn put(&mut self, key: &Key, obj: &Arc<Object>) {
        let h = (self.hash)(key.kind, &key.namespace, &key.name);
        if self.shared.contains(&h) {
            return;
        }
        use std::collections::hash_map::Entry;
        match self.table.entry(h) {
            Entry::Occupied(mut e) => {
                if is_key_of(e.get(), key.kind, &key.namespace, &key.name) {
                    e.insert(obj.clone());
                } else {
                    e.remove();
                    self.shared.insert(h);
                }
            }
            Entry::Vacant(e) => {
                e.insert(obj.clone());
            }
        }
    }

    pub(super) fn remove(&mut self, key: &Key) {
        let h = (self.hash)(key.kind, &key.namespace, &key.name);
        if !self.shared.contains(&h) {
            self.table.remove(&h);
        }
    }

    /// Heap bytes (an upper estimate, as `sim::heap`'s): the table's
    /// slots and control bytes, and the shared hashes.
    pub(super) fn heap(&self) -> usize {
        use crate::sim::heap::btree_nodes;
        // Buckets are a power of two at most 7/8 full; a control byte
        // each, and a group's worth more.
        let cap = self.table.capacity();
        let buckets = if cap == 0 {
            0
        } else {
            (cap * 8 / 7 + 1).next_power_of_two()
        };
        buckets * (std::mem::size_of::<(u64, Arc<Object>)>() + 1)
            + 16
            + btree_nodes(self.shared.len(), std::mem::size_of::<u64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::Object;

    fn obj(kind: Kind, ns: &str, name: &str) -> (Key, Arc<Object>) {
        (
            Key::new(kind, ns, name),
            Arc::new(Object::new(kind, ns, name)),
        )
    }

    #[test]
    fn finds_what_was_put_and_knows_what_is_absent() {
        let mut p = Point::default();
        let (k, o) = obj(Kind::Pod, "default", "web-0");
        assert!(matches!(p.get(Kind::Pod, "default", "web-0"), Some(None)));
        p.put(&k, &o);
        let got = p.get(Kind::Pod, "default", "web-0").flatten();
        assert!(got.is_some_and(|g| Arc::ptr_eq(g, &o)));
        assert!(matches!(p.get(Kind::Pod, "other", "web-0"), Some(None)));
        assert!(matches!(
            p.get(Kind::Service, "default", "web-0"),
            Some(None)
        ));
        p.remove(&k);
        assert!(matches!(p.get(Kind::Pod, "default", "web-0"), Some(None)));
    }

    #[test]
    fn keys_that_share_a_hash_go_to_the_ordered_map() {
        // Every key one hash: the second put marks it shared.
        let mut p = Point::with_hash(|_, _, _| 7);
        let (a, oa) = obj(Kind::Pod, "default", "a");
        let (b, ob) = obj(Kind::Pod, "default", "b");
        p.put(&a, &oa);
        assert!(p.get(Kind::Pod, "default", "a").flatten().is_some());
        // b is not stored: the table knows (its one entry is a).
        assert!(matches!(p.get(Kind::Pod, "default", "b"), Some(None)));
        p.put(&b, &ob);
        assert!(p.get(Kind::Pod, "default", "a").is_none());
        assert!(p.get(Kind::Pod, "default", "b").is_none());
        // Removing one does not make the table the authority again.
        p.remove(&a);
        assert!(p.get(Kind::Pod, "default", "b").is_none());
    }

    #[test]
    fn typical_keys_hash_apart() {
        // Names that differ in one late byte, or only in where the
        // namespace ends: a shared hash would send them the slow way.
        let mut seen = BTreeSet::new();
        for i in 0..20_000 {
            for (ns, name) in [
                ("default", format!("www-web-{i}")),
                ("default-www", format!("web-{i}")),
            ] {
                assert!(seen.insert(hash_of(Kind::PersistentVolumeClaim, ns, &name)));
            }
        }
        // The table indexes by the low bits: they spread as random ones
        // would (40,000 draws of 65,536 values leave about 29,950 distinct).
        let low: BTreeSet<u64> = seen.iter().map(|h| h & 0xffff).collect();
        assert!(low.len() > 29_000, "{} of 40,000", low.len());
    }

    #[test]
    fn a_cluster_scoped_key_has_no_namespace() {
        let mut p = Point::default();
        let (_, o) = obj(Kind::Node, "ignored", "node-1");
        p.put(&Key::new(Kind::Node, "ignored", "node-1"), &o);
        assert!(p.get(Kind::Node, "", "node-1").flatten().is_some());
    }
}
