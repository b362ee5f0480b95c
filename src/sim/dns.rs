//! Cluster DNS per the Kubernetes DNS specification (to be written).

use super::object::{Key, Kind};
use super::store::Store;
use std::collections::BTreeSet;
use std::fmt;

/// One DNS record. Ordered so a set of them diffs deterministically.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    /// Fully qualified name without the trailing dot.
    pub name: String,
    /// `A`, `SRV`, `PTR`.
    pub rtype: String,
    /// The address, or for SRV `priority weight port target`.
    pub data: String,
    /// The Service this record comes from.
    pub namespace: String,
    pub service: String,
}

impl Record {
    pub fn service_key(&self) -> Key {
        Key::new(Kind::Service, &self.namespace, &self.service)
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.name, self.rtype, self.data)
    }
}

pub fn records(_store: &Store) -> BTreeSet<Record> {
    BTreeSet::new()
}
