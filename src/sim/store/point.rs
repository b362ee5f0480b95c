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
//!
//! The table is open addressing with linear probing over the hashes, by
//! hand: `std`'s `HashMap` did the same job and cost the page 4 KB of
//! wasm (brotli), over its size budget; this is a tenth of that.

use crate::sim::object::{Key, Kind, Object};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Hashes to objects: a power-of-two array of slots, at most 7/8 full,
/// each empty or holding one hash and its object; a hash sits at its
/// home slot (its low bits) or the first free one after it.
#[derive(Clone, Debug, Default)]
struct Table {
    slots: Vec<(u64, Option<Arc<Object>>)>,
    len: usize,
}

impl Table {
    fn home(&self, h: u64) -> usize {
        (h as usize) & (self.slots.len() - 1)
    }

    /// The slot holding `h`, or the free slot where it would go.
    fn find(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        while let (hh, Some(_)) = &self.slots[i] {
            if *hh == h {
                break;
            }
            i = (i + 1) & mask;
        }
        i
    }

    fn get(&self, h: u64) -> Option<&Arc<Object>> {
        if self.len == 0 {
            return None;
        }
        self.slots[self.find(h)].1.as_ref()
    }

    /// Puts `h`; `Some` with the object it held before.
    fn insert(&mut self, h: u64, o: Arc<Object>) -> Option<Arc<Object>> {
        if (self.len + 1) * 8 > self.slots.len() * 7 {
            self.grow();
        }
        let i = self.find(h);
        let old = self.slots[i].1.replace(o);
        self.slots[i].0 = h;
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![(0, None); size]);
        for (h, o) in old {
            if let Some(o) = o {
                let i = self.find(h);
                self.slots[i] = (h, Some(o));
            }
        }
    }

    /// Removes `h`, moving back the later slots of its run that may no
    /// longer be found past the hole (backward-shift deletion: no
    /// tombstones).
    fn remove(&mut self, h: u64) -> Option<Arc<Object>> {
        if self.len == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut hole = self.find(h);
        let old = self.slots[hole].1.take()?;
        self.len -= 1;
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let (hj, Some(_)) = &self.slots[j] else {
                break;
            };
            // An entry may fill the hole when its home is not in the
            // cyclic range (hole, j].
            let home = self.home(*hj);
            let stays = if hole < j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                self.slots.swap(hole, j);
                hole = j;
            }
        }
        Some(old)
    }

    fn capacity(&self) -> usize {
        self.slots.capacity()
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
        // The last bytes, zero-padded to a word (a byte at a time: a copy
        // of a length only known here was a call to memcpy per key).
        let rest = chunks
            .remainder()
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = fold(h ^ rest, K);
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
    table: Table,
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
            table: Table::default(),
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
                .get(h)
                .filter(|o| is_key_of(o, kind, namespace, name)),
        )
    }

    pub(super) fn put(&mut self, key: &Key, obj: &Arc<Object>) {
        let h = (self.hash)(key.kind, &key.namespace, &key.name);
        if self.shared.contains(&h) {
            return;
        }
        match self.table.get(h) {
            Some(o) if !is_key_of(o, key.kind, &key.namespace, &key.name) => {
                self.table.remove(h);
                self.shared.insert(h);
            }
            _ => {
                self.table.insert(h, obj.clone());
            }
        }
    }

    pub(super) fn remove(&mut self, key: &Key) {
        let h = (self.hash)(key.kind, &key.namespace, &key.name);
        if !self.shared.contains(&h) {
            self.table.remove(h);
        }
    }

    /// Heap bytes (an upper estimate, as `sim::heap`'s): the table's
    /// slots and control bytes, and the shared hashes.
    pub(super) fn heap(&self) -> usize {
        use crate::sim::heap::btree_nodes;
        self.table.capacity() * std::mem::size_of::<(u64, Option<Arc<Object>>)>()
            + btree_nodes(self.shared.len(), std::mem::size_of::<u64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::Object;

    /// The last bytes of a part are the little-endian word padded with
    /// zeros, at every length.
    #[test]
    fn a_key_hashes_its_last_bytes_as_a_zero_padded_word() {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let fold = |x: u64, k: u64| {
            let p = u128::from(x) * u128::from(k);
            (p as u64) ^ ((p >> 64) as u64)
        };
        let words = |mut h: u64, bytes: &[u8]| {
            for c in bytes.chunks(8) {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                h = fold(h ^ u64::from_le_bytes(w), K);
            }
            if bytes.len() % 8 == 0 {
                h = fold(h, K);
            }
            fold(h ^ bytes.len() as u64, K)
        };
        let name = "web-0123456789abcdef";
        for n in 0..=name.len() {
            let want = fold(
                words(
                    words(Kind::Pod as u64 + 1, b"default"),
                    &name.as_bytes()[..n],
                ),
                0xff51_afd7_ed55_8ccd,
            );
            assert_eq!(hash_of(Kind::Pod, "default", &name[..n]), want, "{n}");
        }
    }

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
    fn the_table_agrees_with_a_map_through_inserts_and_removals() {
        // Hashes crowded into few home slots, so runs wrap around the end
        // and removals shift entries back across it.
        let mut t = Table::default();
        let mut model = std::collections::BTreeMap::new();
        let objects: Vec<Arc<Object>> = (0..64)
            .map(|i| Arc::new(Object::new(Kind::Pod, "default", &format!("p{i}"))))
            .collect();
        let mut x: u64 = 12345;
        for step in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = x >> 33;
            // The low bits all but all ones: at any size the homes are
            // the last three slots, so runs wrap past the end.
            let h = (0xffff_ffff - r % 3) | ((r % 40) << 32);
            let o = &objects[(r % 64) as usize];
            if r % 5 < 3 {
                let before = t.insert(h, o.clone()).map(|a| Arc::as_ptr(&a));
                let want = model.insert(h, o.clone()).map(|a| Arc::as_ptr(&a));
                assert_eq!(before, want, "insert at step {step}");
            } else {
                let got = t.remove(h).map(|a| Arc::as_ptr(&a));
                let want = model.remove(&h).map(|a| Arc::as_ptr(&a));
                assert_eq!(got, want, "remove at step {step}");
            }
            assert_eq!(t.len, model.len());
            for probe in (0..3).flat_map(|d| (0..40).map(move |hi| (0xffff_ffff - d) | (hi << 32)))
            {
                assert_eq!(
                    t.get(probe).map(Arc::as_ptr),
                    model.get(&probe).map(Arc::as_ptr),
                    "get {probe:x} at step {step}"
                );
            }
        }
    }

    #[test]
    fn a_removal_moves_back_only_what_would_be_lost() {
        // 16 slots: a and c are at home 14, b and d at home 15; c and d
        // wrap to slots 0 and 1. Removing a must leave b at its home and
        // move c and d back.
        let o = Arc::new(Object::new(Kind::Pod, "default", "x"));
        let mut t = Table::default();
        let (a, b, c, d) = (14, 15, 14 | 1 << 40, 15 | 1 << 40);
        for h in [a, b, c, d] {
            t.insert(h, o.clone());
        }
        assert_eq!(t.slots.len(), 16);
        let at = |t: &Table, h| t.slots.iter().position(|(x, s)| *x == h && s.is_some());
        assert_eq!([at(&t, c), at(&t, d)], [Some(0), Some(1)]);
        assert!(t.remove(a).is_some());
        assert_eq!(
            [at(&t, b), at(&t, c), at(&t, d)],
            [Some(15), Some(14), Some(0)]
        );
        for h in [b, c, d] {
            assert!(t.get(h).is_some(), "{h:x}");
        }
        assert!(t.get(a).is_none());
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
