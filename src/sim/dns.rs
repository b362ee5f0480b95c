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

/// What a lookup from a pod returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The fully qualified name that matched and its records.
    Found {
        fqdn: String,
        records: Vec<Record>,
    },
    NxDomain,
}

/// Resolves `name` as a pod in `namespace` would through kube-dns: the
/// search path `<ns>.svc.cluster.local svc.cluster.local cluster.local`
/// for names with fewer than 5 dots (ndots:5), then the name as given.
/// `rtype` is `A` or `SRV`.
pub fn resolve(_store: &Store, _namespace: &str, _name: &str, _rtype: &str) -> Answer {
    Answer::NxDomain
}
