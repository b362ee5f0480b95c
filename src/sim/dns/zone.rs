//! The zone kept per Service between steps (CoreDNS's kubernetes plugin
//! keeps its view of Services and Endpoints from informers; here it is
//! refreshed after each step): a change to one Service or its Endpoints
//! recomputes and diffs that Service's records only, and a headless
//! Service's addresses that came or went only.

use super::*;
use crate::sim::hash::Fnv64a;
use crate::sim::heap::Heap;
use std::sync::Arc;

/// An address whose count changed: (IP, hostname), before, after.
type CountChange = ((String, Option<String>), u32, u32);

/// An address as the zone keeps it.
fn owned((ip, host): AddressRef) -> (String, Option<String>) {
    (ip.to_string(), host.map(String::from))
}

/// The addresses whose count differs between `was` and `now` (sorted,
/// with repeats), each with its count before and after, by one merge of
/// the two sorted lists.
fn count_changes(
    was: &BTreeMap<(String, Option<String>), u32>,
    now: &[AddressRef],
    changes: &mut Vec<CountChange>,
) {
    let mut was = was.iter().peekable();
    let mut i = 0;
    // The repeats of `now[i]`, moving past them.
    let run = |i: &mut usize| {
        let start = *i;
        while *i < now.len() && now[*i] == now[start] {
            *i += 1;
        }
        (*i - start) as u32
    };
    loop {
        let w = was
            .peek()
            .map(|((ip, host), &n)| ((ip.as_str(), host.as_deref()), n));
        match (w, now.get(i).copied()) {
            (None, None) => break,
            (Some((k, n)), None) => {
                changes.push((owned(k), n, 0));
                was.next();
            }
            (None, Some(k)) => {
                let m = run(&mut i);
                changes.push((owned(k), 0, m));
            }
            (Some((wk, n)), Some(nk)) => match wk.cmp(&nk) {
                std::cmp::Ordering::Less => {
                    changes.push((owned(wk), n, 0));
                    was.next();
                }
                std::cmp::Ordering::Greater => {
                    let m = run(&mut i);
                    changes.push((owned(nk), 0, m));
                }
                std::cmp::Ordering::Equal => {
                    let m = run(&mut i);
                    was.next();
                    if m != n {
                        changes.push((owned(wk), n, m));
                    }
                }
            },
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
    pub(super) services: BTreeMap<Key, Served>,
}

/// One Service's records and what they were computed from: the resource
/// versions of the Service and its Endpoints, and a hash of the only parts
/// of the Endpoints the records read ([`endpoints_view`]), so an Endpoints
/// change that only moves not-ready addresses recomputes nothing.
/// For a headless Service it also keeps the addresses the records came
/// from, so that when addresses come and go (and the SRV weights stay) a
/// refresh recomputes the records of those addresses only
/// ([`Served::refresh_addresses`]).
#[derive(Clone, Debug, Default)]
pub(super) struct Served {
    svc_rv: u64,
    ep_rv: Option<u64>,
    /// `None` when the last refresh walked the shared addresses instead
    /// of hashing (then the next hash compares unequal).
    pub(super) ep_view: Option<u64>,
    /// Each record and how many of the Service's addresses (or ports)
    /// give it: a record goes when the last of them goes.
    /// (`i64`, the type of the refresh's signed deltas: one map type, one
    /// copy of its code in the wasm.)
    records: BTreeMap<Record, i64>,
    addresses: Option<Addresses>,
    /// The ready addresses the kept `addresses` were counted from, when the
    /// Endpoints held them typed (see [`ReadyLists`]).
    pub(super) ready: Option<ReadyLists>,
}

/// A headless Service's ready addresses as last refreshed, per subset in
/// order: its ports as the records read them, and its ready addresses,
/// shared with the Endpoints' typed view. The endpoint controller shares
/// every address it keeps (`reuse_or_build`), so the next refresh walks
/// the new view beside this one and an address held by the same `Arc` is
/// unchanged: a pointer comparison per address, where reading, sorting
/// and hashing every address was most of DNS's cost in a rollout.
pub(super) type ReadyLists = Vec<(PortView, Vec<Arc<subsets::Address>>)>;

/// The Endpoints' ready addresses as [`ReadyLists`]: `None` when its
/// subsets are JSON (a user's), empty when it has none.
fn ready_lists(ep: &Object, base: &str) -> Option<ReadyLists> {
    match ep.body.view::<subsets::Subsets>("subsets") {
        Some(view) => Some(
            view.0
                .iter()
                .map(|s| (port_view(SubsetRef::View(s), base), s.addresses.clone()))
                .collect(),
        ),
        None => ep.field("subsets").is_null().then(Vec::new),
    }
}

/// An address of a typed subset as the records read it (see
/// [`ready_addresses`]).
fn address_ref(a: &subsets::Address) -> AddressRef<'_> {
    (
        a.ip.as_str(),
        a.hostname.as_deref().filter(|h| !h.is_empty()),
    )
}

/// How many times each address (IP, hostname) is listed: the type of
/// [`Addresses`]' groups, used again here (one map type, one copy of its
/// code in the page's first load).
type Counts = BTreeMap<(String, Option<String>), u32>;

/// What changed between two lists of one subset's ready addresses: the
/// entries gone and come, counted per (IP, hostname), by one walk along
/// both. Shared or equal entries are skipped; the lists are kept in the
/// controller's order (IP, then uid), so the walk pairs what stayed, but
/// any order gives a correct (if longer) answer: every entry of either
/// list is paired with an equal one or counted as gone or come.
fn walk_changes<'a>(
    was: &'a [Arc<subsets::Address>],
    now: &'a [Arc<subsets::Address>],
    gone: &mut Counts,
    came: &mut Counts,
) {
    let (mut i, mut j) = (0, 0);
    let key = |a: &'a subsets::Address| (a.ip.as_str(), a.pod_uid.as_str());
    while i < was.len() || j < now.len() {
        let (w, n) = (was.get(i), now.get(j));
        if let (Some(w), Some(n)) = (w, n) {
            if Arc::ptr_eq(w, n) || address_ref(w) == address_ref(n) {
                i += 1;
                j += 1;
                continue;
            }
        }
        let went = match (w, n) {
            (Some(w), Some(n)) => key(w) <= key(n),
            (Some(_), None) => true,
            _ => false,
        };
        if went {
            *gone.entry(owned(address_ref(&was[i]))).or_default() += 1;
            i += 1;
        } else {
            *came.entry(owned(address_ref(&now[j]))).or_default() += 1;
            j += 1;
        }
    }
}

/// Records counted by how many times they were given.
fn counted(out: Vec<Record>) -> BTreeMap<Record, i64> {
    let mut m: BTreeMap<Record, i64> = BTreeMap::new();
    for r in out {
        *m.entry(r).or_default() += 1;
    }
    m
}

impl Served {
    /// Brings a headless Service's records up to date with the addresses
    /// of `ep` by recomputing those of the addresses that came or went;
    /// pushes the records that went and came. What came and went is found
    /// by walking the shared addresses ([`walk_changes`]) when both the
    /// kept and the new ones are typed with the same subsets and ports,
    /// else by one merge of the kept counts with the new JSON. The kept
    /// addresses are updated in place, so an address that stays costs no
    /// copy. `false` (and nothing done) when that cannot be exact: the SRV
    /// weights of a name changed, or no addresses were kept.
    fn refresh_addresses(
        &mut self,
        svc: &Object,
        base: &str,
        ep: &Object,
        lists: Option<ReadyLists>,
        removed: &mut Vec<Record>,
        added: &mut Vec<Record>,
    ) -> bool {
        let Some(old) = &mut self.addresses else {
            return false;
        };
        let now_lists = lists.or_else(|| ready_lists(ep, base));
        let walked = match (&self.ready, &now_lists) {
            (Some(was), Some(now))
                if was.len() == now.len()
                    && was.iter().zip(now).all(|((wp, _), (np, _))| wp == np) =>
            {
                Some(walked_groups(old, was, now, base))
            }
            _ => None,
        };
        let (groups, old_counts, new_counts) = match walked {
            Some(w) => w,
            None => merged_groups(old, ep, base),
        };
        if new_counts.iter().any(|(name, n)| {
            old_counts
                .get(name)
                .is_some_and(|o| srv_weight(*o) != srv_weight(*n))
        }) {
            return false;
        }
        // Net change of each record's count.
        let mut delta: BTreeMap<Record, i64> = BTreeMap::new();
        let mut give = |ports: &PortView,
                        (ip, host): &(String, Option<String>),
                        counts: &BTreeMap<String, usize>,
                        times: i64| {
            let mut add = |name: String, rtype: &str, data: String| {
                let data = match rtype {
                    "SRV" => format!("0 {} {data}", srv_weight(counts[&name])),
                    _ => data,
                };
                let r = Record {
                    name,
                    rtype: rtype.to_string(),
                    data,
                    namespace: svc.namespace().to_string(),
                    service: svc.name().to_string(),
                };
                *delta.entry(r).or_default() += times;
            };
            address_records(base, ip, host.as_deref(), ports, &mut add);
        };
        for (ports, changes, _) in &groups {
            for (addr, n, m) in changes {
                if n > m {
                    give(ports, addr, &old_counts, -i64::from(n - m));
                } else {
                    give(ports, addr, &new_counts, i64::from(m - n));
                }
            }
        }
        // The kept addresses become the new ones.
        for (ports, changes, present) in groups {
            if !present {
                old.by_ports.remove(&ports);
                continue;
            }
            let addrs = old.by_ports.entry(ports).or_default();
            for (addr, _, m) in changes {
                if m == 0 {
                    addrs.remove(&addr);
                } else {
                    addrs.insert(addr, m);
                }
            }
        }
        debug_assert_eq!(
            *old,
            Addresses::of(ep, base),
            "the addresses of {} updated in place differ from the Endpoints",
            svc.name()
        );
        for (r, d) in delta {
            let had = self.records.get(&r).copied().unwrap_or(0);
            let has = had + d;
            debug_assert!(has >= 0, "record {r} counted below zero");
            if has <= 0 {
                self.records.remove(&r);
                if had > 0 {
                    removed.push(r);
                }
            } else {
                self.records.insert(r.clone(), has);
                if had == 0 {
                    added.push(r);
                }
            }
        }
        self.ready = now_lists;
        true
    }
}

/// The addresses whose count changed, per port group, with whether the
/// group is still there, and the SRV counts before and after.
type GroupChanges = (
    Vec<(PortView, Vec<CountChange>, bool)>,
    BTreeMap<String, usize>,
    BTreeMap<String, usize>,
);

/// [`GroupChanges`] from one merge of the kept counts with the new
/// Endpoints (typed or JSON), reading every address.
fn merged_groups(old: &Addresses, ep: &Object, base: &str) -> GroupChanges {
    let new = Addresses::borrowed(ep, base);
    let old_counts = old.srv_counts(base);
    let new_counts = srv_counts_of(new.iter().map(|(p, a)| (p, a.len())), base);
    // Groups absent from the new Endpoints go whole.
    let none = BTreeMap::new();
    let mut groups = Vec::new();
    for (ports, was) in &old.by_ports {
        let present = new.contains_key(ports);
        let now = new.get(ports).map(Vec::as_slice).unwrap_or(&[]);
        let mut changes = Vec::new();
        count_changes(was, now, &mut changes);
        if !changes.is_empty() || !present {
            groups.push((ports.clone(), changes, present));
        }
    }
    for (ports, now) in &new {
        if !old.by_ports.contains_key(ports) {
            let mut changes = Vec::new();
            count_changes(&none, now, &mut changes);
            groups.push((ports.clone(), changes, true));
        }
    }
    (groups, old_counts, new_counts)
}

/// [`GroupChanges`] from walking the kept ready addresses beside the new
/// ones ([`walk_changes`]): subset by subset, the same port groups on both
/// sides, each count taken from the kept ones.
fn walked_groups(old: &Addresses, was: &ReadyLists, now: &ReadyLists, base: &str) -> GroupChanges {
    // Per port group (few: a Vec): its addresses before and after, and
    // the addresses gone and come.
    let mut by_ports: Vec<(&PortView, usize, usize, Counts, Counts)> = Vec::new();
    for ((ports, w), (_, n)) in was.iter().zip(now) {
        let at = match by_ports.iter().position(|g| g.0 == ports) {
            Some(at) => at,
            None => {
                by_ports.push((ports, 0, 0, Counts::new(), Counts::new()));
                by_ports.len() - 1
            }
        };
        let g = &mut by_ports[at];
        g.1 += w.len();
        g.2 += n.len();
        walk_changes(w, n, &mut g.3, &mut g.4);
    }
    let old_counts = srv_counts_of(by_ports.iter().map(|g| (g.0, g.1)), base);
    let new_counts = srv_counts_of(by_ports.iter().map(|g| (g.0, g.2)), base);
    let mut groups = Vec::new();
    for (ports, _, _, gone, mut came) in by_ports {
        let counts = old.by_ports.get(ports);
        let count = |addr: &(String, Option<String>)| {
            counts.and_then(|c| c.get(addr)).copied().unwrap_or(0)
        };
        let mut changes: Vec<CountChange> = Vec::new();
        for (addr, &g) in &gone {
            let c = came.remove(addr).unwrap_or(0);
            if g != c {
                let n = count(addr);
                debug_assert!(n + c >= g, "address {addr:?} counted below zero");
                changes.push((addr.clone(), n, n + c - g));
            }
        }
        for (addr, &c) in &came {
            let n = count(addr);
            changes.push((addr.clone(), n, n + c));
        }
        if !changes.is_empty() {
            groups.push((ports.clone(), changes, true));
        }
    }
    (groups, old_counts, new_counts)
}

/// A hash of what [`service_records`] reads of an Endpoints object: per
/// subset, each port's number, name and protocol and each ready address's
/// IP and hostname (each field tagged and length-prefixed).
fn endpoints_view(ep: Option<&Object>) -> u64 {
    let mut h = Fnv64a::new();
    let text = |h: &mut Fnv64a, s: Option<&str>| match s {
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
    for subset in subsets::of(ep) {
        h.write_word(2);
        for (port, name, protocol) in subset.ports() {
            h.write_word(3);
            match port {
                Some(n) => {
                    h.write_word(1);
                    h.write_word(n as u64);
                }
                None => h.write_word(0),
            }
            text(&mut h, name);
            text(&mut h, protocol);
        }
        for (ip, hostname) in subset.ready() {
            h.write_word(4);
            text(&mut h, ip);
            text(&mut h, hostname);
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

impl Heap for Served {
    fn heap(&self) -> usize {
        // The ready lists' own buffers: the addresses are the Endpoints'.
        let lists = self.ready.iter().flatten().map(|(ports, addrs)| {
            ports.capacity() * size_of::<(i64, Option<String>)>()
                + addrs.capacity() * size_of::<Arc<subsets::Address>>()
        });
        self.records.heap() + lists.sum::<usize>()
    }
}

impl Heap for Zone {
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
            .flat_map(|s| s.records.keys().cloned())
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
        let version = |o: Option<&Object>| o.map(|o| o.resource_version);
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
            let svc_rv = svc.resource_version;
            let ep = store.get(Kind::Endpoints, svc.namespace(), svc.name());
            let ep_rv = version(ep);
            seen.insert(key.clone());
            let recount = whole || self.counted_whole;
            let mut ep_view = None;
            if let Some(c) = self.services.get_mut(&key).filter(|c| c.svc_rv == svc_rv) {
                if !recount && c.ep_rv == ep_rv {
                    continue;
                }
                let base = headless_base(svc);
                // With the kept and the new addresses typed, the walk finds
                // what changed (often nothing: a not-ready address moved)
                // without hashing the Endpoints.
                let lists = match (recount, ep, &base, &c.ready) {
                    (false, Some(ep), Some(base), Some(_)) => ready_lists(ep, base),
                    _ => None,
                };
                let view = lists.is_none().then(|| endpoints_view(ep));
                if !recount && view.is_some() && c.ep_view == view {
                    c.ep_rv = ep_rv;
                    continue;
                }
                // Only some addresses changed: recompute theirs.
                if let (false, Some(ep), Some(base)) = (recount, ep, &base) {
                    if c.refresh_addresses(svc, base, ep, lists, &mut removed, &mut added) {
                        c.ep_rv = ep_rv;
                        c.ep_view = view;
                        #[cfg(debug_assertions)]
                        {
                            let mut out = Vec::new();
                            service_records(store, svc, &mut out);
                            srv_weights(&mut out);
                            assert_eq!(
                                c.records,
                                counted(out),
                                "the records of {key} refreshed by address differ from a recount"
                            );
                        }
                        continue;
                    }
                }
                ep_view = view;
            }
            let ep_view = ep_view.unwrap_or_else(|| endpoints_view(ep));
            let cached = self.services.get(&key);
            let (new, addresses, ready) = if whole {
                let set = zone.remove(&key).unwrap_or_default();
                (set.into_iter().map(|r| (r, 1)).collect(), None, None)
            } else {
                let mut out = Vec::new();
                service_records(store, svc, &mut out);
                srv_weights(&mut out);
                let base = ep.zip(headless_base(svc));
                let addresses = base.as_ref().map(|(ep, base)| Addresses::of(ep, base));
                let ready = base.and_then(|(ep, base)| ready_lists(ep, &base));
                (counted(out), addresses, ready)
            };
            let empty = BTreeMap::new();
            let old = cached.map_or(&empty, |c| &c.records);
            removed.extend(old.keys().filter(|r| !new.contains_key(*r)).cloned());
            added.extend(new.keys().filter(|r| !old.contains_key(*r)).cloned());
            let served = Served {
                svc_rv,
                ep_rv,
                ep_view: Some(ep_view),
                records: new,
                addresses,
                ready,
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
                removed.extend(old.records.into_keys());
            }
        }
        self.counted_whole = whole;
        sort::sort(&mut removed);
        sort::sort(&mut added);
        (removed, added)
    }
}
