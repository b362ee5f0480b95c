//! Cluster DNS per the Kubernetes DNS specification
//! (kubernetes/dns `docs/specification.md`): a view derived from the store,
//! no controller. The engine diffs `records` after each step and logs
//! every record that comes or goes.

use super::object::{Key, Kind, Object, ValueExt};
use super::sort;
use super::store::Store;
use super::wellknown::CLUSTER_DOMAIN;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One DNS record. Ordered so a set of them diffs deterministically.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    /// Fully qualified name without the trailing dot.
    pub name: String,
    /// `A`, `SRV`, `PTR`.
    pub rtype: String,
    /// The address, or for SRV `priority weight port target` (CoreDNS's
    /// priority 0 and weights sharing 100, see `srv_weights`).
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

/// The cluster's DNS zone as kube-dns/CoreDNS would serve it, derived
/// from Services and their Endpoints (one pass over each):
/// - ClusterIP Service: `A <svc>.<ns>.svc.cluster.local -> clusterIP`, a
///   PTR back, and `SRV _<port>._<proto>.<svc>...` per named port; the
///   Service's own name answers SRV for every port.
/// - Headless Service: an `A` for the Service name per ready address (the
///   endpoints controller already put not-ready pods there when
///   `publishNotReadyAddresses` asks), `A <hostname>.<svc>...` and a PTR
///   for each address with a hostname, and an SRV per named port per
///   address targeting the hostname (or the dashed IP, with its own `A`,
///   as CoreDNS names endpoints without one).
/// - ExternalName Service: a `CNAME`.
pub fn records(store: &Store) -> BTreeSet<Record> {
    // Collected in a Vec and bulk-built into the set (sorted once).
    let mut out = vec![version_record()];
    for svc in store.list(Kind::Service) {
        service_records(store, svc, &mut out);
    }
    srv_weights(&mut out);
    out.into_iter().collect()
}

/// `dns-version.cluster.local TXT`, served whatever the Services.
fn version_record() -> Record {
    Record {
        name: format!("dns-version.{CLUSTER_DOMAIN}"),
        rtype: "TXT".into(),
        data: format!("\"{SCHEMA_VERSION}\""),
        namespace: "kube-system".into(),
        service: "kube-dns".into(),
    }
}

/// One Service's records (see [`records`]), SRV data still without
/// priority and weight.
fn service_records(store: &Store, svc: &Object, out: &mut Vec<Record>) {
    {
        let ns = svc.namespace();
        let name = svc.name();
        let base = format!("{name}.{ns}.svc.{CLUSTER_DOMAIN}");
        let mut add = |rname: String, rtype: &str, data: String| {
            out.push(Record {
                name: rname,
                rtype: rtype.to_string(),
                data,
                namespace: ns.to_string(),
                service: name.to_string(),
            });
        };
        let spec = svc.spec();
        if spec.str_at("type") == Some("ExternalName") {
            if let Some(target) = spec.str_at("externalName") {
                add(base, "CNAME", target.trim_end_matches('.').to_lowercase());
            }
            return;
        }
        match spec.str_at("clusterIP") {
            Some("None") => {
                let Some(ep) = store.get(Kind::Endpoints, ns, name) else {
                    return;
                };
                for subset in ep
                    .field("subsets")
                    .as_array()
                    .map(|a| a.as_slice())
                    .unwrap_or(&[])
                {
                    let ports = subset.array_at("ports");
                    for addr in subset.array_at("addresses") {
                        let Some(ip) = addr.str_at("ip") else {
                            continue;
                        };
                        add(base.clone(), "A", ip.to_string());
                        let target = match addr.str_at("hostname").filter(|h| !h.is_empty()) {
                            Some(h) => {
                                let fqdn = format!("{h}.{base}");
                                add(fqdn.clone(), "A", ip.to_string());
                                if let Some(r) = reverse_name(ip) {
                                    add(r, "PTR", fqdn.clone());
                                }
                                fqdn
                            }
                            None => {
                                // The spec's "system-assigned identifier";
                                // CoreDNS uses the dashed IP.
                                let fqdn = format!("{}.{base}", ip.replace('.', "-"));
                                add(fqdn.clone(), "A", ip.to_string());
                                if let Some(r) = reverse_name(ip) {
                                    add(r, "PTR", fqdn.clone());
                                }
                                fqdn
                            }
                        };
                        for p in ports {
                            let Some(num) = p.i64_at("port") else {
                                continue;
                            };
                            // The Service's own name answers SRV for every
                            // port (CoreDNS's wildcard port and protocol).
                            add(base.clone(), "SRV", format!("{num} {target}"));
                            if let Some(pname) = p.str_at("name").filter(|n| !n.is_empty()) {
                                add(srv_name(pname, p, &base), "SRV", format!("{num} {target}"));
                            }
                        }
                    }
                }
            }
            Some(ip) if !ip.is_empty() => {
                add(base.clone(), "A", ip.to_string());
                if let Some(r) = reverse_name(ip) {
                    add(r, "PTR", base.clone());
                }
                for p in spec.array_at("ports") {
                    let Some(num) = p.i64_at("port") else {
                        continue;
                    };
                    add(base.clone(), "SRV", format!("{num} {base}"));
                    if let Some(pname) = p.str_at("name").filter(|n| !n.is_empty()) {
                        add(srv_name(pname, p, &base), "SRV", format!("{num} {base}"));
                    }
                }
            }
            // No address allocated yet: nothing to serve.
            _ => {}
        }
    }
}

/// The zone kept per Service between steps, so a change to one Service
/// or its Endpoints recomputes and diffs that Service's records only.
/// `Zone::refresh` gives exactly the records that [`records`] would add
/// and remove, in the same order.
#[derive(Clone, Debug, Default)]
pub struct Zone {
    /// Whether the version record is served (from the first refresh on).
    started: bool,
    /// Whether the last refresh counted the weights over the whole zone:
    /// then the next one recounts every Service.
    counted_whole: bool,
    /// Per Service: what its records were computed from and the records.
    services: BTreeMap<Key, Served>,
}

/// One Service's records and what they were computed from: the resource
/// versions of the Service and its Endpoints, and a hash of the only parts
/// of the Endpoints the records read ([`endpoints_view`]), so an Endpoints
/// change that only moves not-ready addresses recomputes nothing.
#[derive(Clone, Debug, Default)]
struct Served {
    svc_rv: u64,
    ep_rv: Option<u64>,
    ep_view: u64,
    records: BTreeSet<Record>,
}

/// A hash of what [`service_records`] reads of an Endpoints object: per
/// subset, each port's number, name and protocol and each ready address's
/// IP and hostname (each field tagged and length-prefixed).
fn endpoints_view(ep: Option<&Object>) -> u64 {
    let mut h = super::hash::Fnv64a::new();
    let text = |h: &mut super::hash::Fnv64a, s: Option<&str>| match s {
        Some(s) => {
            h.write_word(s.len() as u64 + 1);
            h.write(s.as_bytes());
        }
        None => h.write_word(0),
    };
    let Some(ep) = ep else {
        return h.finish();
    };
    h.write_word(1);
    for subset in ep
        .field("subsets")
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        h.write_word(2);
        for p in subset.array_at("ports") {
            h.write_word(3);
            match p.i64_at("port") {
                Some(n) => {
                    h.write_word(1);
                    h.write_word(n as u64);
                }
                None => h.write_word(0),
            }
            text(&mut h, p.str_at("name"));
            text(&mut h, p.str_at("protocol"));
        }
        for a in subset.array_at("addresses") {
            h.write_word(4);
            text(&mut h, a.str_at("ip"));
            text(&mut h, a.str_at("hostname"));
        }
    }
    h.finish()
}

/// Names whose parts hold no dot: then the SRV names of two Services
/// (`[_<port>._<proto>.]<svc>.<ns>.svc.<zone>`) never meet, and CoreDNS's
/// weights, shared among the records of one name, can be counted per
/// Service. Otherwise the zone is counted whole.
fn srv_names_are_own(svc: &Object) -> bool {
    !svc.name().contains('.')
        && !svc.namespace().contains('.')
        && svc.spec().array_at("ports").iter().all(|p| {
            !p.str_at("name").unwrap_or("").contains('.')
                && !p.str_at("protocol").unwrap_or("").contains('.')
        })
}

impl crate::sim::heap::Heap for Record {
    fn heap(&self) -> usize {
        self.name.capacity()
            + self.rtype.capacity()
            + self.data.capacity()
            + self.namespace.capacity()
            + self.service.capacity()
    }
}

impl crate::sim::heap::Heap for Served {
    fn heap(&self) -> usize {
        self.records.heap()
    }
}

impl crate::sim::heap::Heap for Zone {
    fn heap(&self) -> usize {
        self.services.heap()
    }
}

impl Zone {
    /// Every record served now.
    pub fn records(&self) -> BTreeSet<Record> {
        let mut all: BTreeSet<Record> = self
            .services
            .values()
            .flat_map(|s| s.records.iter().cloned())
            .collect();
        if self.started {
            all.insert(version_record());
        }
        all
    }

    /// Brings the zone up to date with the store: the records removed and
    /// the records added, each in order (as `old.difference(&new)` and
    /// `new.difference(&old)` over the whole zone give them).
    pub fn refresh(&mut self, store: &Store) -> (Vec<Record>, Vec<Record>) {
        let mut removed = Vec::new();
        let mut added = Vec::new();
        if !self.started {
            self.started = true;
            added.push(version_record());
        }
        let version = |o: Option<&Object>| o.map(|o| o.meta.resource_version);
        let whole = !store.list(Kind::Service).all(srv_names_are_own);
        // With names that may meet, the weights come from the whole zone.
        let mut zone: BTreeMap<Key, BTreeSet<Record>> = BTreeMap::new();
        if whole {
            for r in records(store) {
                if r.rtype == "TXT" && r.name == version_record().name {
                    continue;
                }
                zone.entry(r.service_key()).or_default().insert(r);
            }
        }
        let mut seen = BTreeSet::new();
        for svc in store.list(Kind::Service) {
            let key = svc.key();
            let svc_rv = svc.meta.resource_version;
            let ep = store.get(Kind::Endpoints, svc.namespace(), svc.name());
            let ep_rv = version(ep);
            seen.insert(key.clone());
            let recount = whole || self.counted_whole;
            let mut ep_view = None;
            if let Some(c) = self.services.get_mut(&key).filter(|c| c.svc_rv == svc_rv) {
                if !recount && c.ep_rv == ep_rv {
                    continue;
                }
                let view = endpoints_view(ep);
                if !recount && c.ep_view == view {
                    c.ep_rv = ep_rv;
                    continue;
                }
                ep_view = Some(view);
            }
            let ep_view = ep_view.unwrap_or_else(|| endpoints_view(ep));
            let cached = self.services.get(&key);
            let new: BTreeSet<Record> = if whole {
                zone.remove(&key).unwrap_or_default()
            } else {
                let mut out = Vec::new();
                service_records(store, svc, &mut out);
                srv_weights(&mut out);
                out.into_iter().collect()
            };
            let empty = BTreeSet::new();
            let old = cached.map_or(&empty, |c| &c.records);
            removed.extend(old.difference(&new).cloned());
            added.extend(new.difference(old).cloned());
            let served = Served {
                svc_rv,
                ep_rv,
                ep_view,
                records: new,
            };
            self.services.insert(key, served);
        }
        let gone: Vec<Key> = self
            .services
            .keys()
            .filter(|k| !seen.contains(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some(old) = self.services.remove(&k) {
                removed.extend(old.records);
            }
        }
        self.counted_whole = whole;
        sort::sort(&mut removed);
        sort::sort(&mut added);
        (removed, added)
    }
}

/// CoreDNS's `SRV` (`plugin/backend_lookup.go`): the kubernetes plugin's
/// services carry priority 0 and no weight, which counts as 100; each
/// record's weight is its share of the total for its priority, as a
/// percentage rounded down and at least 1. So one record gets `0 100`,
/// three get `0 33` each. The records built above hold `port target`.
fn srv_weights(out: &mut [Record]) {
    let mut per_name: std::collections::BTreeMap<String, usize> = Default::default();
    for r in out.iter().filter(|r| r.rtype == "SRV") {
        *per_name.entry(r.name.clone()).or_default() += 1;
    }
    for r in out.iter_mut().filter(|r| r.rtype == "SRV") {
        let total = 100.0 * per_name[&r.name] as f64;
        let weight = ((100.0 / total) * 100.0).floor().max(1.0) as u16;
        r.data = format!("0 {weight} {}", r.data);
    }
}

/// What `records` depends on, in one number: the resource versions of
/// every Service and Endpoints object (records read nothing else). The
/// engine can skip recomputing the zone while this is unchanged, which is
/// most steps (pod status churn touches neither kind).
pub fn fingerprint(store: &Store) -> u64 {
    let mut h = super::hash::Fnv64a::new();
    let mut mix = |x: u64| h.write_word(x);
    for kind in [Kind::Service, Kind::Endpoints] {
        mix(kind as u64 + 1);
        for o in store.list(kind) {
            mix(o.meta.resource_version);
        }
    }
    h.finish()
}

fn srv_name(port_name: &str, port: &serde_json::Value, base: &str) -> String {
    let proto = port.str_at("protocol").unwrap_or("TCP").to_lowercase();
    format!("_{}._{proto}.{base}", port_name.to_lowercase())
}

/// `10.96.0.10` -> `10.0.96.10.in-addr.arpa`.
pub fn reverse_name(ip: &str) -> Option<String> {
    let parts: Vec<&str> = ip.split('.').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.parse::<u8>().is_err()) {
        return None;
    }
    Some(format!(
        "{}.{}.{}.{}.in-addr.arpa",
        parts[3], parts[2], parts[1], parts[0]
    ))
}

/// The names a pod's resolver tries for `name`, in order: `/etc/resolv.conf`
/// with `search <ns>.svc.cluster.local svc.cluster.local cluster.local` and
/// `options ndots:5`. A trailing dot means the name is absolute.
pub fn search_candidates(namespace: &str, name: &str) -> Vec<String> {
    let name = name.to_lowercase();
    if let Some(abs) = name.strip_suffix('.') {
        return vec![abs.to_string()];
    }
    let search = [
        format!("{namespace}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ];
    let expanded = search.iter().map(|s| format!("{name}.{s}"));
    if name.matches('.').count() >= NDOTS {
        std::iter::once(name.clone()).chain(expanded).collect()
    } else {
        expanded.chain(std::iter::once(name.clone())).collect()
    }
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
/// `rtype` may also be `PTR` (with an IPv4 address or a reverse name) or
/// `CNAME`. An `A` query for an ExternalName Service answers its CNAME.
pub fn resolve(store: &Store, namespace: &str, name: &str, rtype: &str) -> Answer {
    let rtype = rtype.to_uppercase();
    let all = records(store);
    let candidates = if rtype == "PTR" {
        match reverse_name(name.trim_end_matches('.')) {
            Some(r) => vec![r],
            None => search_candidates(namespace, name),
        }
    } else {
        search_candidates(namespace, name)
    };
    for fqdn in candidates {
        let matching = |t: &str| -> Vec<Record> {
            all.iter()
                .filter(|r| r.name == fqdn && r.rtype == t)
                .cloned()
                .collect()
        };
        let mut found = matching(&rtype);
        if found.is_empty() && rtype == "A" {
            found = matching("CNAME");
        }
        if found.is_empty() && rtype == "A" {
            found.extend(pod_a_record(&fqdn));
        }
        if !found.is_empty() {
            return Answer::Found {
                fqdn,
                records: found,
            };
        }
    }
    Answer::NxDomain
}

/// The version of the DNS schema served (`dns-version.cluster.local TXT`).
pub const SCHEMA_VERSION: &str = "1.0.1";

/// The deprecated `<a>-<b>-<c>-<d>.<ns>.pod.<zone>` names, answered for any
/// address (the spec still requires them), so not kept as records.
fn pod_a_record(fqdn: &str) -> Option<Record> {
    let rest = fqdn.strip_suffix(&format!(".pod.{CLUSTER_DOMAIN}"))?;
    let (dashed, ns) = rest.split_once('.')?;
    if ns.is_empty() || ns.contains('.') {
        return None;
    }
    let ip = dashed.replace('-', ".");
    reverse_name(&ip)?;
    Some(Record {
        name: fqdn.to_string(),
        rtype: "A".into(),
        data: ip,
        namespace: ns.to_string(),
        service: String::new(),
    })
}

/// `options ndots:5` in a pod's resolv.conf.
pub const NDOTS: usize = 5;

#[cfg(test)]
mod tests;
