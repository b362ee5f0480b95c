//! Stable sorting with one copy of the sort in the binary.
//!
//! `slice::sort_by`, `sort_by_key` and `sort` are generic over the element type and the
//! comparator, so every call site with a closure of its own gets its own copy of the
//! standard library's driftsort: about 3.7 KiB of wasm each, 57 copies and 207 KiB of
//! the page's code before wasm-opt (docs/size.md, docs/slim12.md). These helpers sort
//! the *positions* `0..len` with one non-generic function that calls the comparator
//! through `dyn`, then move the elements into that order with one non-generic
//! permutation walk. Only the small adapters stay generic.
//!
//! A stable sort's result is fully determined by the comparator (equal elements keep
//! their order), so the order is exactly the one `slice::sort_by` gives with the same
//! comparator. The comparator must be a total order, as for `sort_by`.
//!
//! `clippy.toml` disallows the slice methods so that new code uses these.
//!
//! `collect()` into a `BTreeMap`, `BTreeSet` or `serde_json::Map` sorts too: std's
//! `FromIterator` gathers the items into a `Vec`, sorts it (one copy of the sort per
//! iterator type) and builds the tree from it. [`CollectSorted::collect_sorted`]
//! inserts the items one by one instead, which gives the same collection (for a key
//! that comes twice, the later value wins in both), with no sort.

use std::cmp::Ordering;

/// `collect()` for the sorted collections without std's sort (see the module's note).
pub trait CollectSorted: Iterator + Sized {
    /// `self.collect::<C>()` for a `BTreeMap`, `BTreeSet` or `serde_json::Map`.
    fn collect_sorted<C: Default + Extend<Self::Item>>(self) -> C {
        let mut out = C::default();
        out.extend(self);
        out
    }
}

impl<I: Iterator> CollectSorted for I {}

/// `v.sort_by(cmp)`: a stable sort by the comparator.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_positions(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(order, &mut |a, b| v.swap(a, b));
}

/// `v.sort_by_key(key)`: a stable sort by the key (computed on every comparison, as
/// `slice::sort_by_key` does).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort_by_cached_key(key)`: a stable sort by the key, computed once per element.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = sorted_positions(v.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(order, &mut |a, b| v.swap(a, b));
}

/// `v.sort_by_cached_key(key)` for an integer key: a counting sort (linear) when the
/// keys span a range not much wider than the slice, else the comparison sort. Equal
/// keys keep their order, so the result is the stable sort's either way.
pub fn sort_by_int_key<T>(v: &mut [T], key: impl FnMut(&T) -> i64) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<i64> = v.iter().map(key).collect();
    let order = match counting_order(&keys) {
        Some(order) => order,
        None => sorted_positions(v.len(), &mut |a, b| keys[a].cmp(&keys[b])),
    };
    permute(order, &mut |a, b| v.swap(a, b));
}

/// The stably sorted positions of `keys` by counting, when their range is at most
/// four times their number (plus a little): `None` otherwise.
#[inline(never)]
fn counting_order(keys: &[i64]) -> Option<Vec<usize>> {
    let (lo, hi) = keys
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let span = usize::try_from(hi.checked_sub(lo)?).ok()?.checked_add(1)?;
    if span > keys.len().saturating_mul(4).saturating_add(64) {
        return None;
    }
    // Where each key's run starts, then each position in turn.
    let mut start = vec![0usize; span + 1];
    for &k in keys {
        start[(k - lo) as usize + 1] += 1;
    }
    for i in 1..=span {
        start[i] += start[i - 1];
    }
    let mut order = vec![0usize; keys.len()];
    for (i, &k) in keys.iter().enumerate() {
        let at = &mut start[(k - lo) as usize];
        order[*at] = i;
        *at += 1;
    }
    Some(order)
}

/// `v.sort()`: a stable sort by `Ord`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The positions `0..len` in stably sorted order: `order[i]` is where the element that
/// belongs at `i` is now. The one instance of the standard library's sort.
#[inline(never)]
fn sorted_positions(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    #[allow(clippy::disallowed_methods)] // the one call this module exists for
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Moves every element to its sorted place by following the permutation's cycles:
/// after it, the element that was at `order[i]` is at `i`. `swap(a, b)` swaps two places.
#[inline(never)]
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at; // this place is final
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test covers many shapes without a crate.
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        let mut seed = 7;
        for len in 0..70 {
            for _ in 0..20 {
                // Few distinct keys, so equal keys are common and stability shows.
                let v: Vec<(u64, usize)> = (0..len).map(|i| (lcg(&mut seed) % 5, i)).collect();
                let mut want = v.clone();
                #[allow(clippy::disallowed_methods)]
                want.sort_by_key(|p| p.0);
                let mut got = v.clone();
                sort_by_key(&mut got, |p| p.0);
                assert_eq!(got, want, "len {len}");
                let mut cached = v.clone();
                sort_by_cached_key(&mut cached, |p| p.0);
                assert_eq!(cached, want, "len {len}, cached key");
                let mut rev = v.clone();
                sort_by(&mut rev, |a, b| b.0.cmp(&a.0));
                let mut want_rev = v.clone();
                #[allow(clippy::disallowed_methods)]
                want_rev.sort_by_key(|p| std::cmp::Reverse(p.0));
                assert_eq!(rev, want_rev, "len {len}, descending");
            }
        }
    }

    /// The integer-key sort gives the stable sort's order, by counting for keys in a
    /// narrow range (with repeats, negatives and the extremes) and by comparing for
    /// a wide one.
    #[test]
    fn integer_keys_sort_as_the_standard_stable_sort() {
        let mut seed = 11;
        for len in 0..90 {
            for spread in [3u64, 50, 1_000, u64::MAX] {
                let v: Vec<(i64, usize)> = (0..len)
                    .map(|i| {
                        let k = match spread {
                            u64::MAX => lcg(&mut seed) as i64 * if i % 2 == 0 { -1 } else { 1 },
                            s => (lcg(&mut seed) % s) as i64 - 10,
                        };
                        (k, i)
                    })
                    .collect();
                let mut want = v.clone();
                #[allow(clippy::disallowed_methods)]
                want.sort_by_key(|p| std::cmp::Reverse(p.0));
                let mut got = v.clone();
                sort_by_int_key(&mut got, |p| -p.0);
                assert_eq!(got, want, "len {len}, spread {spread}");
            }
        }
        let mut extremes = vec![(i64::MAX, 0), (i64::MIN, 1), (0, 2)];
        sort_by_int_key(&mut extremes, |p| p.0);
        assert_eq!(extremes, [(i64::MIN, 1), (0, 2), (i64::MAX, 0)]);
        assert_eq!(counting_order(&[5, 3, 5, 4]), Some(vec![1, 3, 0, 2]));
        assert_eq!(counting_order(&[0, 1_000]), None);
    }

    #[test]
    fn collect_sorted_builds_what_collect_builds() {
        use std::collections::{BTreeMap, BTreeSet};
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        let want: BTreeMap<_, _> = pairs.iter().copied().collect();
        let got: BTreeMap<_, _> = pairs.iter().copied().collect_sorted();
        assert_eq!(got, want);
        assert_eq!(got["b"], 3, "the later value wins");
        let want: BTreeSet<_> = pairs.iter().map(|p| p.0).collect();
        let got: BTreeSet<_> = pairs.iter().map(|p| p.0).collect_sorted();
        assert_eq!(got, want);
        let json: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).into()))
            .collect_sorted();
        assert_eq!(
            serde_json::Value::Object(json),
            serde_json::json!({"a": 5, "b": 3, "c": 4})
        );
    }

    #[test]
    fn sort_orders_strings_and_keeps_duplicates() {
        let mut v = vec!["web-2", "web-10", "db-0", "web-2", "a"];
        sort(&mut v);
        assert_eq!(v, ["a", "db-0", "web-10", "web-2", "web-2"]);
        let mut one = vec![3];
        sort(&mut one);
        assert_eq!(one, [3]);
    }
}
