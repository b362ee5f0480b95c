//! One signal per row, by key. A panel with hundreds of rows (300 pod
//! cards, 300 claims, 300 volumes) keeps each row's data in its own
//! signal and sets only the rows whose data changed, so a redraw wakes
//! those rows alone. (A memo of the whole map that every row reads would
//! wake every row on any change, and every row would re-subscribe to it:
//! quadratic work in the reactive graph.) The lists themselves are `For`s
//! keyed by the rows' keys.

use crate::sim::sort;
use leptos::prelude::*;

pub struct Rows<K: 'static, V: 'static> {
    /// The rows sorted by key (a hash map would be one more copy of the
    /// hash table's code in the wasm for each kind of row).
    map: StoredValue<Vec<(K, ArcRwSignal<V>)>, LocalStorage>,
}

impl<K, V> Clone for Rows<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, V> Copy for Rows<K, V> {}

impl<K, V> Rows<K, V>
where
    K: Ord + Clone + 'static,
    V: PartialEq + Clone + Send + Sync + 'static,
{
    pub fn new() -> Self {
        Rows {
            map: StoredValue::new_local(Vec::new()),
        }
    }

    /// Sets the row of `key` to `value` (making it if new); a row whose
    /// value is unchanged is not woken.
    pub fn set(self, key: K, value: V) {
        self.map
            .update_value(|m| match m.binary_search_by(|(k, _)| k.cmp(&key)) {
                Ok(i) => {
                    let sig = &m[i].1;
                    if sig.with_untracked(|old| *old != value) {
                        sig.set(value);
                    }
                }
                Err(i) => m.insert(i, (key, ArcRwSignal::new(value))),
            });
    }

    /// Drops a row (a view still showing it keeps its last value).
    pub fn remove(self, key: &K) {
        self.map.update_value(|m| {
            if let Ok(i) = m.binary_search_by(|(k, _)| k.cmp(key)) {
                m.remove(i);
            }
        });
    }

    /// Brings the rows to exactly `items`.
    pub fn replace_all(self, items: impl IntoIterator<Item = (K, V)>) {
        let mut keep: Vec<K> = Vec::new();
        for (k, v) in items {
            keep.push(k.clone());
            self.set(k, v);
        }
        sort::sort(&mut keep);
        self.map
            .update_value(|m| m.retain(|(k, _)| keep.binary_search(k).is_ok()));
    }

    /// The row's signal, for a row's view (owned by the caller's owner).
    pub fn get(self, key: &K) -> Option<RwSignal<V>> {
        self.map
            .with_value(|m| {
                m.binary_search_by(|(k, _)| k.cmp(key))
                    .ok()
                    .map(|i| m[i].1.clone())
            })
            .map(RwSignal::from)
    }
}
