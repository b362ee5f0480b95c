//! Cluster DNS per the Kubernetes DNS specification
//! (kubernetes/dns `docs/specification.md`): a view derived from the store,
//! no controller. The engine diffs `records` after each step and logs
//! every record that comes or goes.

use super::object::{Key, Kind, Object, ValueExt};
use super::sort;
use super::store::Store;
use super::subsets::{self, SubsetRef};
use super::wellknown::CLUSTER_DOMAIN;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod zone;
pub use zone::Zone;

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
                add(
                    base,
                    "CNAME",
                    target.trim_end_matches('.').to_ascii_lowercase(),
                );
            }
            return;
        }
        match spec.str_at("clusterIP") {
            Some("None") => {
                let Some(ep) = store.get(Kind::Endpoints, ns, name) else {
                    return;
                };
                for (ports, addrs) in &Addresses::of(ep, &base).by_ports {
                    for ((ip, host), n) in addrs {
                        for _ in 0..*n {
                            address_records(&base, ip, host.as_deref(), ports, &mut add);
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
                        add(
                            srv_name(pname, p.str_at("protocol"), &base),
                            "SRV",
                            format!("{num} {base}"),
                        );
                    }
                }
            }
            // No address allocated yet: nothing to serve.
            _ => {}
        }
    }
}

/// An Endpoints port as a headless Service's records use it: its number
/// and, when it is named, its SRV name (`_<port>._<proto>.<svc>...`).
type PortView = Vec<(i64, Option<String>)>;

/// A headless Service's ready addresses as its records read them (see
/// [`endpoints_view`]): grouped by their subset's ports, each (IP,
/// hostname) with how many times the Endpoints list it. The records are
/// a function of this alone, address by address (SRV weights aside), so
/// a refresh can recompute only the addresses that came or went.
#[derive(Clone, Debug, Default, PartialEq)]
struct Addresses {
    by_ports: BTreeMap<PortView, BTreeMap<(String, Option<String>), u32>>,
}

/// A subset's ports as [`PortView`].
fn port_view(subset: SubsetRef, base: &str) -> PortView {
    subset
        .ports()
        .into_iter()
        .filter_map(|(num, name, protocol)| {
            let srv = name
                .filter(|n| !n.is_empty())
                .map(|pname| srv_name(pname, protocol, base));
            Some((num?, srv))
        })
        .collect()
}

/// A subset's ready addresses as the records read them: (IP, hostname).
fn ready_addresses(subset: SubsetRef<'_>) -> impl Iterator<Item = (&str, Option<&str>)> {
    subset
        .ready()
        .into_iter()
        .filter_map(|(ip, hostname)| Some((ip?, hostname.filter(|h| !h.is_empty()))))
}

/// An address of [`Addresses`] borrowed from an Endpoints' JSON.
type AddressRef<'e> = (&'e str, Option<&'e str>);

/// How many SRV records each name gets (CoreDNS's weights share 100
/// among them, see [`srv_weights`]), from each port group's count of
/// addresses.
fn srv_counts_of<'p>(
    groups: impl Iterator<Item = (&'p PortView, usize)>,
    base: &str,
) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (ports, n) in groups {
        if n == 0 {
            continue;
        }
        for (_, srv) in ports {
            *counts.entry(base.to_string()).or_default() += n;
            if let Some(srv) = srv {
                *counts.entry(srv.clone()).or_default() += n;
            }
        }
    }
    counts
}

impl Addresses {
    fn of(ep: &Object, base: &str) -> Addresses {
        let mut a = Addresses::default();
        for subset in subsets::of(ep) {
            let addrs = a.by_ports.entry(port_view(subset, base)).or_default();
            for (ip, host) in ready_addresses(subset) {
                *addrs
                    .entry((ip.to_string(), host.map(String::from)))
                    .or_default() += 1;
            }
        }
        a
    }

    /// [`Addresses::of`] borrowed from the JSON, each group's addresses
    /// sorted, repeats kept: nothing is copied per address.
    fn borrowed<'e>(ep: &'e Object, base: &str) -> BTreeMap<PortView, Vec<AddressRef<'e>>> {
        let mut groups: BTreeMap<PortView, Vec<AddressRef<'e>>> = BTreeMap::new();
        for subset in subsets::of(ep) {
            groups
                .entry(port_view(subset, base))
                .or_default()
                .extend(ready_addresses(subset));
        }
        for addrs in groups.values_mut() {
            sort::sort(addrs);
        }
        groups
    }

    /// How many SRV records each name gets.
    fn srv_counts(&self, base: &str) -> BTreeMap<String, usize> {
        srv_counts_of(
            self.by_ports
                .iter()
                .map(|(p, a)| (p, a.values().map(|&c| c as usize).sum())),
            base,
        )
    }
}

/// One address's records in a headless Service (SRV data without
/// priority and weight): the Service's `A`, the address's own `A` and
/// `PTR`, and per port an SRV for the Service's name and one for the
/// port's name.
fn address_records(
    base: &str,
    ip: &str,
    hostname: Option<&str>,
    ports: &PortView,
    add: &mut impl FnMut(String, &str, String),
) {
    add(base.to_string(), "A", ip.to_string());
    let target = match hostname {
        Some(h) => format!("{h}.{base}"),
        // The spec's "system-assigned identifier"; CoreDNS uses the dashed IP.
        None => format!("{}.{base}", ip.replace('.', "-")),
    };
    add(target.clone(), "A", ip.to_string());
    if let Some(r) = reverse_name(ip) {
        add(r, "PTR", target.clone());
    }
    for (num, srv) in ports {
        // The Service's own name answers SRV for every port (CoreDNS's
        // wildcard port and protocol).
        add(base.to_string(), "SRV", format!("{num} {target}"));
        if let Some(srv) = srv {
            add(srv.clone(), "SRV", format!("{num} {target}"));
        }
    }
}

/// `<svc>.<ns>.svc.<zone>` when the Service is headless (its records then
/// come from its Endpoints' addresses).
fn headless_base(svc: &Object) -> Option<String> {
    let spec = svc.spec();
    (spec.str_at("type") != Some("ExternalName") && spec.str_at("clusterIP") == Some("None"))
        .then(|| format!("{}.{}.svc.{CLUSTER_DOMAIN}", svc.name(), svc.namespace()))
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
        r.data = format!("0 {} {}", srv_weight(per_name[&r.name]), r.data);
    }
}

/// The weight of each of `count` SRV records of one name.
fn srv_weight(count: usize) -> u16 {
    let total = 100.0 * count as f64;
    ((100.0 / total) * 100.0).floor().max(1.0) as u16
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
            mix(o.resource_version);
        }
    }
    h.finish()
}

fn srv_name(port_name: &str, protocol: Option<&str>, base: &str) -> String {
    let proto = protocol.unwrap_or("TCP").to_ascii_lowercase();
    format!("_{}._{proto}.{base}", port_name.to_ascii_lowercase())
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
    // DNS compares names without case in ASCII only (RFC 4343), as CoreDNS does.
    let name = name.to_ascii_lowercase();
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
    let rtype = rtype.to_ascii_uppercase();
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
