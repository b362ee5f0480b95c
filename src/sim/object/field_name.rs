//! A JSON map's key as [`super::ValueExt::at`] looks it up: ordered exactly
//! as `str` is, but two names that differ in their first byte (most of the
//! keys a look-up passes on its way down an object's maps) are told apart
//! without a `memcmp` call. Controllers read such paths on every pass: this
//! took 3.8% off the Parallel bench's instructions (docs/perf27.md).
//!
//! `serde_json::Map::get` takes any key type its `String` keys borrow as,
//! so the look-up borrows them as `dyn FieldName` (a local type, which the
//! orphan rule allows `String: Borrow` of).

use serde_json::{Map, Value};
use std::cmp::Ordering;

/// `m.get(name)`, with the cheaper comparison.
pub(super) fn get<'m>(m: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
    m.get(&name as &dyn FieldName)
}

trait FieldName {
    fn name(&self) -> &str;
}

impl FieldName for &str {
    fn name(&self) -> &str {
        self
    }
}

impl FieldName for String {
    fn name(&self) -> &str {
        self
    }
}

impl<'a> std::borrow::Borrow<dyn FieldName + 'a> for String {
    fn borrow(&self) -> &(dyn FieldName + 'a) {
        self
    }
}

impl Ord for dyn FieldName + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.name().as_bytes(), other.name().as_bytes());
        match (a.first(), b.first()) {
            (Some(x), Some(y)) if x != y => x.cmp(y),
            _ => a.cmp(b),
        }
    }
}

impl PartialOrd for dyn FieldName + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for dyn FieldName + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for dyn FieldName + '_ {}

/// As `str` hashes (a `Borrow` must agree with the owned key's `Hash`).
impl std::hash::Hash for dyn FieldName + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that share first bytes, differ only in length or case, are
    /// empty or non-ASCII, in a map big enough for several B-tree nodes:
    /// each is found, and names that are not there are not.
    #[test]
    fn every_key_is_found_and_no_other_in_str_order() {
        let keys = [
            "",
            "a",
            "aa",
            "ab",
            "b",
            "B",
            "Ba",
            "containers",
            "containerStatuses",
            "container",
            "conditions",
            "phase",
            "podIP",
            "podIPs",
            "qosClass",
            "startTime",
            "hostIP",
            "é",
            "éa",
            "z",
            "zz",
            "status",
            "spec",
            "nodeName",
            "name",
            "names",
        ];
        let mut m = Map::new();
        for (i, k) in keys.iter().enumerate() {
            m.insert((*k).to_string(), Value::from(i));
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(get(&m, k), Some(&Value::from(i)), "{k:?}");
        }
        for absent in [
            "c",
            "containersX",
            "Container",
            "ph",
            "zzz",
            "e",
            "nam",
            "A",
            " ",
        ] {
            assert_eq!(get(&m, absent), None, "{absent:?}");
        }
        // The order agrees with str's, pair by pair.
        for a in keys {
            for b in keys {
                let (x, y): (&dyn FieldName, &dyn FieldName) = (&a, &b);
                assert_eq!(x.cmp(y), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }
}
