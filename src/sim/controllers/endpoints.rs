//! The endpoints controller (`endpoint-controller`), after upstream's
//! `pkg/controller/endpoint`: one Endpoints object per Service with a
//! selector, ready pods in `addresses`, the rest in `notReadyAddresses`.
//!
//! It also allocates ClusterIPs. On a real cluster the API server does it
//! when the Service is created; here it is this controller's first write
//! for a Service without one, before any Endpoints, so DNS (derived from
//! the store after each step) sees the address with the Service.

use super::{Ctx, Keys, Out, Write};
use crate::sim::object::{set_at, Key, Kind, Object, Shared, ValueExt};
use crate::sim::podutil;
use crate::sim::sort;
use crate::sim::store::{matches_labels, matches_labels_json, Change, Store};
use crate::sim::subsets;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The deprecated annotation that once meant `publishNotReadyAddresses`.
pub const TOLERATE_UNREADY_ENDPOINTS: &str =
    "service.alpha.kubernetes.io/tolerate-unready-endpoints";
/// The label upstream puts on the Endpoints of a headless Service.
pub const IS_HEADLESS_SERVICE: &str = "service.kubernetes.io/headless";

/// The Service CIDR, 10.96.0.0/12.
const SERVICE_CIDR_BASE: u32 = (10 << 24) | (96 << 16);
const SERVICE_CIDR_SIZE: u32 = 1 << 20;
/// Upstream's allocator keeps the lower band of the range (16 to 256
/// addresses) for static choices and picks dynamic ones above it.
const STATIC_BAND: u32 = 256;

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The keys a change concerns: a Service and its Endpoints for either of
/// them; for a pod, the Services of its namespace whose selector matches
/// its labels before or after.
pub fn route(store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    match k.kind {
        Kind::Service | Kind::Endpoints => {
            push(Key::new(Kind::Service, &k.namespace, &k.name));
            push(Key::new(Kind::Endpoints, &k.namespace, &k.name));
        }
        Kind::Pod => {
            // Upstream's `updatePod` queues nothing when the pod changed in
            // nothing the Endpoints read (then a sync would write nothing).
            if let (Some(old), Some(new)) = (&change.old, new) {
                if !pod_endpoints_changed(old, new) {
                    return;
                }
            }
            // Nor when the pod is in no Endpoints before or after: without
            // an address, or terminal (most of a pod's first writes: it is
            // created, bound, and waits for its sandbox without an IP).
            if !change
                .old
                .as_deref()
                .into_iter()
                .chain(new)
                .any(may_be_in_endpoints)
            {
                return;
            }
            for svc in store.list_ns(Kind::Service, &k.namespace) {
                // `has_selector`, read once with the selector it checks.
                let Some(selector) = svc
                    .spec()
                    .at("selector")
                    .as_object()
                    .filter(|m| !m.is_empty())
                else {
                    continue;
                };
                if change
                    .old
                    .as_deref()
                    .into_iter()
                    .chain(new)
                    .any(|p| matches_labels_json(selector, &p.meta.labels))
                {
                    push(svc.key());
                }
            }
        }
        _ => {}
    }
}

/// `podEndpointsChanged` widened to everything [`desired_subsets`] reads of
/// a pod: labels (the selectors), deletion, uid, IP, whether it is
/// terminal, readiness, node, hostname and subdomain, and the containers
/// (named target ports). Of the phase only terminal or not is read
/// ([`should_pod_be_in_endpoints`]), so Pending to Running queues nothing.
fn pod_endpoints_changed(old: &Object, new: &Object) -> bool {
    let terminal = |p: &Object| matches!(podutil::phase(p), "Failed" | "Succeeded");
    old.meta.labels != new.meta.labels
        || old.meta.deletion_timestamp != new.meta.deletion_timestamp
        || old.meta.uid != new.meta.uid
        || podutil::pod_ip(old) != podutil::pod_ip(new)
        || terminal(old) != terminal(new)
        || podutil::is_ready(old) != podutil::is_ready(new)
        || podutil::node_name(old) != podutil::node_name(new)
        // Most writes share the spec they had (a status write).
        || (!old.body.same_field(&new.body, "spec")
            && ["hostname", "subdomain", "containers"]
                .iter()
                .any(|f| old.spec().get(*f) != new.spec().get(*f)))
}

/// The sync of the Services and Endpoints in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    let store = ctx.store;
    // The addresses taken: a list, searched when a Service needs one (no
    // B-tree instance of its own for `u32`).
    let mut allocated: Vec<u32> = store
        .list(Kind::Service)
        .filter_map(|s| s.spec().str_at("clusterIP").and_then(parse_ipv4))
        .collect();
    for svc in store.list(Kind::Service) {
        if !keys.has(&svc.key()) {
            continue;
        }
        let mark = out.key_begin();
        sync_one_service(store, svc, &mut allocated, out);
        if endpoints_write_settles(svc, out.written_since(&mark)) {
            out.settle();
        }
        out.key_end(mark, || svc.key());
    }
    // Endpoints whose Service is gone are deleted (upstream: on the
    // Service's deletion, and by `checkLeftoverEndpoints` at start).
    for ep in store.list(Kind::Endpoints) {
        if !keys.has(&ep.key()) {
            continue;
        }
        let mark = out.key_begin();
        if ep.meta.deletion_timestamp.is_none()
            && store
                .get(Kind::Service, ep.namespace(), ep.name())
                .is_none()
        {
            out.delete(ep);
        }
        out.key_end(mark, || ep.key());
    }
}

/// Whether a sync of `svc` that wrote `writes` left nothing for the next
/// one to do: its one write is the Service's Endpoints. The sync computes
/// them from the Service and the pods alone and compares them with the
/// stored ones, so with these written, the next sync finds them equal.
/// (Upstream's controller is not queued by Endpoints updates at all; here
/// a change to them queues the Service, so that one written by hand is
/// put right, and this keeps its own writes from doing so.)
fn endpoints_write_settles(svc: &Object, writes: &[Write]) -> bool {
    match writes {
        [Write::Create(ep) | Write::Update(ep)] => {
            ep.kind == Kind::Endpoints
                && ep.meta.name == svc.meta.name
                && ep.meta.namespace == svc.meta.namespace
        }
        _ => false,
    }
}

fn sync_one_service(store: &Store, svc: &Object, allocated: &mut Vec<u32>, out: &mut Out) {
    {
        if needs_cluster_ip(svc) {
            let ip = allocate_cluster_ip(&svc.meta.uid, allocated);
            allocated.push(ip);
            let ip = format_ipv4(ip);
            let mut s = svc.clone();
            let spec = s.spec_mut();
            set_at(spec, "clusterIP", ip.clone().into());
            set_at(spec, "clusterIPs", json!([ip]));
            if spec.get("ipFamilies").is_none() {
                set_at(spec, "ipFamilies", json!(["IPv4"]));
            }
            if spec.get("ipFamilyPolicy").is_none() {
                set_at(spec, "ipFamilyPolicy", "SingleStack".into());
            }
            out.update(s);
            return;
        }
        sync_service(store, svc, out);
    }
}

fn service_type(svc: &Object) -> &str {
    svc.spec().str_at("type").unwrap_or("ClusterIP")
}

fn needs_cluster_ip(svc: &Object) -> bool {
    service_type(svc) != "ExternalName"
        && svc
            .spec()
            .str_at("clusterIP")
            .is_none_or(|ip| ip.is_empty())
}

/// A free address in the Service CIDR's upper band, chosen from a hash of
/// the Service's uid (uids come from the seeded RNG, so this is as random
/// as upstream's allocator and still deterministic), probing upward on
/// collision.
pub fn allocate_cluster_ip(uid: &str, allocated: &[u32]) -> u32 {
    let span = SERVICE_CIDR_SIZE - STATIC_BAND - 1;
    let mut offset = (fnv1a(uid.as_bytes()) % span as u64) as u32;
    loop {
        let ip = SERVICE_CIDR_BASE + STATIC_BAND + offset;
        if !allocated.contains(&ip) {
            return ip;
        }
        offset = (offset + 1) % span;
    }
}

use crate::sim::hash::fnv1a_64 as fnv1a;
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<u8> = s
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (parts.len() == 4).then(|| u32::from_be_bytes([parts[0], parts[1], parts[2], parts[3]]))
}

pub fn format_ipv4(ip: u32) -> String {
    let b = ip.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// `ParseBool` as Go's strconv has it.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `ShouldPodBeInEndpoints`: not terminal, has an IP, and not terminating
/// unless terminating pods are included.
pub fn should_pod_be_in_endpoints(pod: &Object, include_terminating: bool) -> bool {
    podutil::pod_ip(pod).is_some_and(|ip| !ip.is_empty())
        && should_pod_with_ip_be_in_endpoints(pod, include_terminating)
}

/// The rest of [`should_pod_be_in_endpoints`], for a pod known to have an IP.
fn should_pod_with_ip_be_in_endpoints(pod: &Object, include_terminating: bool) -> bool {
    !podutil::is_terminal(pod) && (include_terminating || pod.meta.deletion_timestamp.is_none())
}

/// Whether [`should_pod_be_in_endpoints`] may hold for some Service: not
/// terminal and has an IP (terminating pods count, as some Services
/// include them).
fn may_be_in_endpoints(pod: &Object) -> bool {
    should_pod_be_in_endpoints(pod, true)
}

/// `ShouldSetHostname`: the pod's subdomain names this Service.
pub fn should_set_hostname(pod: &Object, svc: &Object) -> bool {
    let (hostname, subdomain) = podutil::hostname_and_subdomain(pod);
    hostname.is_some_and(|h| !h.is_empty())
        && subdomain == Some(svc.name())
        && pod.namespace() == svc.namespace()
}

/// `FindPort`: a numeric targetPort is used as is; a name is looked up in
/// the pod's container ports (same protocol).
pub fn find_port(pod: &Object, port: &Value) -> Option<i64> {
    TargetPort::of(port).find(pod)
}

/// A Service port's target, read once per sync rather than once per pod.
enum TargetPort<'a> {
    Number(Option<i64>),
    /// A container port's name, and the protocol it must have.
    Name(&'a str, &'a str),
}

impl<'a> TargetPort<'a> {
    fn of(port: &'a Value) -> TargetPort<'a> {
        match port.at("targetPort") {
            Value::Null => TargetPort::Number(port.i64_at("port")),
            Value::Number(n) => TargetPort::Number(n.as_i64()),
            Value::String(name) => match name.parse::<i64>() {
                Ok(n) => TargetPort::Number(Some(n)),
                Err(_) => TargetPort::Name(name, port.str_at("protocol").unwrap_or("TCP")),
            },
            _ => TargetPort::Number(None),
        }
    }

    /// The pod's port number for this target.
    fn find(&self, pod: &Object) -> Option<i64> {
        match *self {
            TargetPort::Number(n) => n,
            TargetPort::Name(name, protocol) => pod
                .spec()
                .array_at("containers")
                .iter()
                .flat_map(|c| c.array_at("ports"))
                .find(|p| {
                    p.str_at("name") == Some(name)
                        && p.str_at("protocol").unwrap_or("TCP") == protocol
                })
                .and_then(|p| p.i64_at("containerPort")),
        }
    }
}

/// An endpoint port: (name, port, protocol, appProtocol), borrowed from
/// the Service; `None` is the sentinel for a headless Service without ports.
type PortKey<'a> = Option<(Option<&'a str>, i64, &'a str, Option<&'a str>)>;

/// One address of the desired Endpoints, read from its pod.
struct Address<'a> {
    pod: &'a Object,
    ip: &'a str,
    /// `spec.hostname` when `ShouldSetHostname`.
    hostname: Option<&'a str>,
}

impl Address<'_> {
    fn to_typed(&self) -> subsets::Address {
        let pod = self.pod;
        subsets::Address {
            hostname: self.hostname.map(String::from),
            ip: self.ip.to_string(),
            node_name: podutil::node_name(pod).unwrap_or("").to_string(),
            pod_name: pod.meta.name.clone(),
            pod_namespace: pod.meta.namespace.clone(),
            pod_uid: pod.meta.uid.clone(),
            pod_version: subsets::PodVersionHint::new(pod.resource_version),
        }
    }

    /// `self.to_typed() == *a`, without building it.
    fn matches_view(&self, a: &subsets::Address) -> bool {
        let pod = self.pod;
        // Read from this very version of the pod (a stored one: its version
        // is not 0, and no other object has it) for this Service: every
        // field is the same, the IP, uid and hostname too.
        let rv = pod.resource_version;
        if rv != 0 && a.pod_version.get() == rv {
            debug_assert_eq!(*a, self.to_typed(), "an address read from one pod version");
            return true;
        }
        if a.ip != self.ip || a.pod_uid != pod.meta.uid || a.hostname.as_deref() != self.hostname {
            return false;
        }
        let same = a.node_name == podutil::node_name(pod).unwrap_or("")
            && a.pod_name == pod.meta.name
            && a.pod_namespace == pod.meta.namespace;
        if same {
            a.pod_version.set(rv);
        }
        same
    }

    /// `self.to_typed().to_value() == *v`, without building the value. serde_json's
    /// map keeps its keys sorted, so the entries are compared in order, one
    /// pass, instead of looking each key up (this runs for every address
    /// of every Endpoints on every sync).
    fn matches(&self, v: &Value) -> bool {
        let pod = self.pod;
        let Some(m) = v.as_object() else {
            return false;
        };
        if m.len() != 3 + usize::from(self.hostname.is_some()) {
            return false;
        }
        let is = |e: Option<(&String, &Value)>, key: &str, want: &str| matches!(e, Some((k, Value::String(s))) if k == key && s == want);
        let mut it = m.iter();
        if let Some(h) = self.hostname {
            if !is(it.next(), "hostname", h) {
                return false;
            }
        }
        if !is(it.next(), "ip", self.ip)
            || !is(it.next(), "nodeName", podutil::node_name(pod).unwrap_or(""))
        {
            return false;
        }
        let Some((k, Value::Object(t))) = it.next() else {
            return false;
        };
        let mut t_it = t.iter();
        k == "targetRef"
            && t.len() == 4
            && is(t_it.next(), "kind", "Pod")
            && is(t_it.next(), "name", pod.name())
            && is(t_it.next(), "namespace", pod.namespace())
            && is(t_it.next(), "uid", &pod.meta.uid)
    }
}

fn port_typed(
    (name, port, protocol, app): (Option<&str>, i64, &str, Option<&str>),
) -> subsets::Port {
    subsets::Port {
        app_protocol: app.map(String::from),
        name: name.map(String::from),
        port,
        protocol: protocol.to_string(),
    }
}

/// `port_typed(key) == *p`, without building it.
fn port_matches_view(
    (name, port, protocol, app): (Option<&str>, i64, &str, Option<&str>),
    p: &subsets::Port,
) -> bool {
    p.port == port
        && p.protocol == protocol
        && p.name.as_deref() == name
        && p.app_protocol.as_deref() == app
}

/// `port_typed(key).to_value() == *v`, without building the value.
fn port_matches(
    (name, port, protocol, app): (Option<&str>, i64, &str, Option<&str>),
    v: &Value,
) -> bool {
    let Some(m) = v.as_object() else {
        return false;
    };
    let opt = |k: &str, want: Option<&str>| match want {
        Some(w) => m.get(k).is_some_and(|x| *x == w),
        None => true,
    };
    m.len() == 2 + usize::from(name.is_some()) + usize::from(app.is_some())
        && opt("appProtocol", app)
        && opt("name", name)
        && m.get("port") == Some(&Value::from(port))
        && m.get("protocol").is_some_and(|x| *x == protocol)
}

/// One subset of the desired Endpoints.
struct Subset<'a> {
    ready: Vec<Address<'a>>,
    not_ready: Vec<Address<'a>>,
    ports: Vec<(Option<&'a str>, i64, &'a str, Option<&'a str>)>,
}

impl Subset<'_> {
    /// The typed subset, sharing each address that `old` (the subset it
    /// replaces) holds unchanged.
    fn to_typed(&self, old: Option<&subsets::Subset>) -> subsets::Subset {
        subsets::Subset {
            addresses: reuse_or_build(&self.ready, old.map(|o| &o.addresses[..])),
            not_ready_addresses: reuse_or_build(
                &self.not_ready,
                old.map(|o| &o.not_ready_addresses[..]),
            ),
            ports: self.ports.iter().map(|p| port_typed(*p)).collect(),
        }
    }

    /// `self.to_typed(_) == *s`, without building it.
    fn matches_view(&self, s: &subsets::Subset) -> bool {
        fn same<T, U>(want: &[T], got: &[U], eq: impl Fn(&T, &U) -> bool) -> bool {
            want.len() == got.len() && want.iter().zip(got).all(|(w, g)| eq(w, g))
        }
        same(&self.ready, &s.addresses, |w, g| w.matches_view(g))
            && same(&self.not_ready, &s.not_ready_addresses, |w, g| {
                w.matches_view(g)
            })
            && same(&self.ports, &s.ports, |w, g| port_matches_view(*w, g))
    }

    /// `self.to_typed(_).to_value() == *v`, without building the value.
    fn matches(&self, v: &Value) -> bool {
        let Some(m) = v.as_object() else {
            return false;
        };
        fn same<T>(want: &[T], got: Option<&Value>, eq: impl Fn(&T, &Value) -> bool) -> bool {
            if want.is_empty() {
                return true;
            }
            got.and_then(Value::as_array)
                .is_some_and(|g| g.len() == want.len() && want.iter().zip(g).all(|(w, g)| eq(w, g)))
        }
        m.len()
            == usize::from(!self.ready.is_empty())
                + usize::from(!self.not_ready.is_empty())
                + usize::from(!self.ports.is_empty())
            && same(&self.ready, m.get("addresses"), Address::matches)
            && same(
                &self.not_ready,
                m.get("notReadyAddresses"),
                Address::matches,
            )
            && same(&self.ports, m.get("ports"), |p, v| port_matches(*p, v))
    }
}

/// The addresses of one list, in order, each shared with `old` (the list
/// it replaces) when `old` holds it unchanged. Both lists are sorted by
/// IP text, then uid, so one walk along `old` finds them.
fn reuse_or_build(
    desired: &[Address],
    old: Option<&[Arc<subsets::Address>]>,
) -> Vec<Arc<subsets::Address>> {
    let old = old.unwrap_or(&[]);
    let mut j = 0;
    desired
        .iter()
        .map(|d| {
            let at = (d.ip, d.pod.meta.uid.as_str());
            while j < old.len() && (old[j].ip.as_str(), old[j].pod_uid.as_str()) < at {
                j += 1;
            }
            match old.get(j) {
                Some(o) if d.matches_view(o) => {
                    j += 1;
                    Arc::clone(o)
                }
                _ => Arc::new(d.to_typed()),
            }
        })
        .collect()
}

/// The typed `subsets` for these subsets (never empty), sharing the
/// addresses `old` holds unchanged (subsets matched by position).
fn subsets_typed(subsets: &[Subset], old: Option<&subsets::Subsets>) -> subsets::Subsets {
    subsets::Subsets(
        subsets
            .iter()
            .enumerate()
            .map(|(i, s)| s.to_typed(old.and_then(|o| o.0.get(i))))
            .collect(),
    )
}

/// Whether the Endpoints `ep` holds these subsets, without building
/// anything: a sync that changes nothing (most of them) allocates nothing
/// per address. The field is compared as held: the typed view this
/// controller writes, or JSON (a user's, or one written through JSON).
fn subsets_match(subsets: &[Subset], ep: &Object) -> bool {
    let same = match ep.body.view::<subsets::Subsets>("subsets") {
        Some(view) => {
            view.0.len() == subsets.len()
                && subsets.iter().zip(&view.0).all(|(s, v)| s.matches_view(v))
        }
        None => {
            let v = ep.field("subsets");
            if subsets.is_empty() {
                v.is_null()
            } else {
                v.as_array().is_some_and(|a| {
                    a.len() == subsets.len() && subsets.iter().zip(a).all(|(s, v)| s.matches(v))
                })
            }
        }
    };
    #[cfg(debug_assertions)]
    {
        use crate::sim::object::FieldView;
        let built = if subsets.is_empty() {
            Value::Null
        } else {
            subsets_typed(subsets, None).to_value()
        };
        assert_eq!(
            same,
            built == *ep.field("subsets"),
            "the in-place comparison of subsets disagrees with building them"
        );
    }
    same
}

/// The Endpoints subsets a Service should have now (`syncService` then
/// `RepackSubsets`): addresses grouped by the set of ports they serve,
/// sorted by IP (string order, then pod uid), as upstream's `SortSubsets`.
fn desired_subsets<'a>(store: &'a Store, svc: &'a Object) -> Vec<Subset<'a>> {
    if !has_selector(svc) {
        return Vec::new();
    }
    let selector = svc.spec().labels_at("selector");
    let publish_not_ready = svc.spec().bool_at("publishNotReadyAddresses") == Some(true);
    // The deprecated annotation, when it parses, overrides the field (as
    // upstream did while it honoured the annotation).
    let tolerate_unready = svc
        .meta
        .annotations
        .get(TOLERATE_UNREADY_ENDPOINTS)
        .and_then(|v| parse_bool(v))
        .unwrap_or(publish_not_ready);
    let headless = svc.spec().str_at("clusterIP") == Some("None");
    let ports = svc.spec().array_at("ports");
    // Already by IP text, then uid (the store's index of pods by IP): this
    // runs on every sync, over every pod, and sorting here was a quarter
    // of the controller's time. A pod without an IP is never an address,
    // and the index holds only pods with one.
    // Whether the selector matches, kept with each pod version for the
    // Service's spec (the same selector, as a rule: one comparison).
    let spec = svc.body.shared("spec");
    let selected = |p: &Object| {
        let verdict = || podutil::Verdict {
            selected: matches_labels(&selector, &p.meta.labels),
            matches_spec: false,
        };
        match spec {
            Some(spec) => {
                let same_selector =
                    |e: &Shared<Value>| e.at("selector") == svc.spec().at("selector");
                podutil::kept_verdict(p, Kind::Service, spec, same_selector, verdict).selected
            }
            None => verdict().selected,
        }
    };
    let pods: Vec<(&str, &Object)> = store
        .pods_by_ip(svc.namespace())
        .filter(|(_, p)| selected(p) && should_pod_with_ip_be_in_endpoints(p, tolerate_unready))
        .collect();
    debug_assert!(
        pods.windows(2)
            .all(|w| (w[0].0, &w[0].1.meta.uid) <= (w[1].0, &w[1].1.meta.uid)),
        "the pods by IP are out of order"
    );
    // The Service's ports as keys (the target number is the pod's).
    let port_keys: Vec<(TargetPort, Option<&str>, &str, Option<&str>)> = ports
        .iter()
        .map(|sp| {
            (
                TargetPort::of(sp),
                sp.str_at("name"),
                sp.str_at("protocol").unwrap_or("TCP"),
                sp.str_at("appProtocol"),
            )
        })
        .collect();
    // Which addresses (by index in sorted order) serve each port. Found
    // by the Service port's index and the pod's number (integers; most
    // pods share one number per port), then keyed as upstream keys them.
    let mut found: Vec<(usize, i64, Vec<usize>)> = Vec::new();
    let mut by_port: BTreeMap<PortKey, Vec<usize>> = BTreeMap::new();
    for (i, (_, pod)) in pods.iter().enumerate() {
        if ports.is_empty() {
            // Headless Services may have no ports: a sentinel keeps them.
            if headless {
                by_port
                    .entry(None)
                    .or_insert_with(|| Vec::with_capacity(pods.len()))
                    .push(i);
            }
            continue;
        }
        for (j, (target, ..)) in port_keys.iter().enumerate() {
            let Some(num) = target.find(pod) else {
                continue;
            };
            match found.iter_mut().find(|(pj, pn, _)| *pj == j && *pn == num) {
                Some((.., v)) => v.push(i),
                // Most ports are served by every address: sized for that.
                None => found.push((j, num, {
                    let mut v = Vec::with_capacity(pods.len());
                    v.push(i);
                    v
                })),
            }
        }
    }
    for (j, num, members) in found {
        let (_, name, protocol, app) = port_keys[j];
        // Two Service ports with one key (a duplicate the API refuses)
        // serve the union, each address once, as one map entry did.
        let v = by_port.entry(Some((name, num, protocol, app))).or_default();
        if v.is_empty() {
            *v = members;
        } else {
            v.extend(members);
            sort::sort(v);
            v.dedup();
        }
    }
    // Ports grouped by the exact set of addresses serving them.
    let mut groups: BTreeMap<Vec<usize>, Vec<PortKey>> = BTreeMap::new();
    for (port, members) in by_port {
        groups.entry(members).or_default().push(port);
    }
    let address = |pod: &'a Object, ip: &'a str| Address {
        pod,
        ip,
        hostname: should_set_hostname(pod, svc)
            .then(|| podutil::hostname_and_subdomain(pod).0)
            .flatten(),
    };
    let mut subsets = Vec::new();
    for (members, ports) in groups {
        let mut ready = Vec::with_capacity(members.len());
        let mut not_ready = Vec::new();
        for i in members {
            let (ip, pod) = pods[i];
            if tolerate_unready || podutil::is_ready(pod) {
                ready.push(address(pod, ip));
            } else {
                not_ready.push(address(pod, ip));
            }
        }
        subsets.push(Subset {
            ready,
            not_ready,
            ports: ports.into_iter().flatten().collect(),
        });
    }
    subsets
}

/// A Service manages its Endpoints only with a non-empty selector (an
/// empty map does not survive the API round trip upstream).
fn has_selector(svc: &Object) -> bool {
    svc.spec()
        .at("selector")
        .as_object()
        .is_some_and(|m| !m.is_empty())
}

/// `syncService` for one Service.
fn sync_service(store: &Store, svc: &Object, out: &mut Out) {
    // ExternalName Services get no endpoints; without a selector the
    // Endpoints are the user's to manage.
    if service_type(svc) == "ExternalName" || !has_selector(svc) {
        return;
    }
    if svc.meta.deletion_timestamp.is_some() {
        return;
    }
    let desired = desired_subsets(store, svc);
    let mut labels = svc.meta.labels.clone();
    if svc.spec().str_at("clusterIP") == Some("None") {
        labels.insert(IS_HEADLESS_SERVICE.into(), String::new());
    }
    let current = store.get(Kind::Endpoints, svc.namespace(), svc.name());
    if let Some(e) = current {
        // Compare in place: building or cloning a thousand addresses per
        // sync is what would make this controller slow.
        if e.meta.labels == labels && subsets_match(&desired, e) {
            return;
        }
    }
    let old_view = current.and_then(|e| e.body.view::<subsets::Subsets>("subsets"));
    let subsets = (!desired.is_empty()).then(|| subsets_typed(&desired, old_view));
    let mut ep = match current {
        // A copy shares the old subsets (body fields are copied on
        // write); they are replaced or removed below.
        Some(e) => e.clone(),
        None => Object::new(Kind::Endpoints, svc.namespace(), svc.name()),
    };
    ep.meta.labels = labels;
    match subsets {
        None => {
            ep.body.remove("subsets");
        }
        Some(s) => ep.body.insert_view("subsets".into(), s),
    }
    match current {
        None => out.create(ep),
        Some(_) => out.update(ep),
    }
}

#[cfg(test)]
pub(crate) mod tests;
