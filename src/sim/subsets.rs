//! An Endpoints object's `subsets` (`v1.EndpointSubset`) as the Endpoints
//! controller writes them: typed, each address behind an `Arc`, kept in
//! the object's body as a view whose JSON is built only when something
//! reads it as JSON ([`crate::sim::object::FieldView`]).
//!
//! Upstream's controller rebuilds a Service's whole subsets on every sync
//! and writes them when they differ. Here a new Endpoints shares every
//! unchanged address with the one it replaces, so a readiness change in
//! a set of 300 pods costs one address, not 300 JSON maps built and 300
//! dropped (docs/perf17.md). The JSON is the same as before, field for
//! field; `tests` checks it.
//!
//! [`of`] reads the subsets of any Endpoints, typed or JSON (a user may
//! apply one), for the readers on the hot path (DNS).

use crate::sim::heap::Heap;
use crate::sim::object::{FieldView, Object, ValueExt};
use serde_json::{Map, Value};
use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// The typed `subsets` field (never empty: no subsets is no field).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subsets(pub Vec<Subset>);

/// `v1.EndpointSubset`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subset {
    pub addresses: Vec<Arc<Address>>,
    pub not_ready_addresses: Vec<Arc<Address>>,
    pub ports: Vec<Port>,
}

/// `v1.EndpointAddress` of a pod (the controller's only kind of target).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub hostname: Option<String>,
    pub ip: String,
    pub node_name: String,
    /// `targetRef` (kind `Pod`): name, namespace, uid.
    pub pod_name: String,
    pub pod_namespace: String,
    pub pod_uid: String,
    /// Not part of the object: see [`PodVersionHint`].
    pub pod_version: PodVersionHint,
}

/// The resourceVersion of a pod version an address equals, as read (0: not
/// known). Never written and ignored by equality, it lets the Endpoints
/// controller's next sync know an address unchanged when the pod is. A pod
/// version never changes, so the hint stays true in every copy of the
/// store that shares the address, and the controller moves it on when a
/// newer version of the pod reads the same.
#[derive(Debug, Default)]
pub struct PodVersionHint(AtomicU64);

impl PodVersionHint {
    pub fn new(resource_version: u64) -> PodVersionHint {
        PodVersionHint(AtomicU64::new(resource_version))
    }
    pub fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
    pub fn set(&self, resource_version: u64) {
        self.0.store(resource_version, Relaxed);
    }
}

impl Clone for PodVersionHint {
    fn clone(&self) -> Self {
        PodVersionHint::new(self.get())
    }
}

impl PartialEq for PodVersionHint {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PodVersionHint {}

/// `v1.EndpointPort`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub app_protocol: Option<String>,
    pub name: Option<String>,
    pub port: i64,
    pub protocol: String,
}

impl Address {
    pub fn to_value(&self) -> Value {
        let mut a = Map::new();
        if let Some(h) = &self.hostname {
            a.insert("hostname".into(), h.as_str().into());
        }
        a.insert("ip".into(), self.ip.as_str().into());
        a.insert("nodeName".into(), self.node_name.as_str().into());
        let mut t = Map::new();
        t.insert("kind".into(), "Pod".into());
        t.insert("name".into(), self.pod_name.as_str().into());
        t.insert("namespace".into(), self.pod_namespace.as_str().into());
        t.insert("uid".into(), self.pod_uid.as_str().into());
        a.insert("targetRef".into(), Value::Object(t));
        Value::Object(a)
    }
}

impl Port {
    pub fn to_value(&self) -> Value {
        let mut p = Map::new();
        if let Some(ap) = &self.app_protocol {
            p.insert("appProtocol".into(), ap.as_str().into());
        }
        if let Some(n) = &self.name {
            p.insert("name".into(), n.as_str().into());
        }
        p.insert("port".into(), self.port.into());
        p.insert("protocol".into(), self.protocol.as_str().into());
        Value::Object(p)
    }
}

impl Subset {
    pub fn to_value(&self) -> Value {
        let mut s = Map::new();
        let list = |a: &[Arc<Address>]| Value::Array(a.iter().map(|a| a.to_value()).collect());
        if !self.addresses.is_empty() {
            s.insert("addresses".into(), list(&self.addresses));
        }
        if !self.not_ready_addresses.is_empty() {
            s.insert("notReadyAddresses".into(), list(&self.not_ready_addresses));
        }
        if !self.ports.is_empty() {
            let ports = self.ports.iter().map(Port::to_value).collect();
            s.insert("ports".into(), Value::Array(ports));
        }
        Value::Object(s)
    }
}

impl FieldView for Subsets {
    fn to_value(&self) -> Value {
        Value::Array(self.0.iter().map(Subset::to_value).collect())
    }
    fn same(&self, other: &dyn FieldView) -> bool {
        // `Arc<T: Eq>` compares by pointer first: shared addresses are
        // not read.
        other.as_any().downcast_ref::<Subsets>() == Some(self)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn heap(&self) -> usize {
        size_of::<Subsets>() + self.0.heap()
    }
}

impl Heap for Subset {
    fn heap(&self) -> usize {
        self.addresses.heap() + self.not_ready_addresses.heap() + self.ports.heap()
    }
}

/// An address's `Arc` allocation (counted for each holder: an upper
/// estimate when Endpoints share it).
impl Heap for Arc<Address> {
    fn heap(&self) -> usize {
        2 * size_of::<usize>()
            + size_of::<Address>()
            + self.hostname.heap()
            + self.ip.heap()
            + self.node_name.heap()
            + self.pod_name.heap()
            + self.pod_namespace.heap()
            + self.pod_uid.heap()
    }
}

impl Heap for Port {
    fn heap(&self) -> usize {
        self.app_protocol.heap() + self.name.heap() + self.protocol.heap()
    }
}

// ---- reading any Endpoints' subsets ------------------------------------

/// One subset of an Endpoints object, typed or JSON.
#[derive(Clone, Copy)]
pub enum SubsetRef<'a> {
    View(&'a Subset),
    Json(&'a Value),
}

/// The Endpoints' subsets, without building the JSON of a typed view.
pub fn of(ep: &Object) -> Vec<SubsetRef<'_>> {
    match ep.body.view::<Subsets>("subsets") {
        Some(s) => s.0.iter().map(SubsetRef::View).collect(),
        None => ep
            .field("subsets")
            .as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(SubsetRef::Json)
            .collect(),
    }
}

impl<'a> SubsetRef<'a> {
    /// Each port's `port`, `name` and `protocol`, as the JSON holds them
    /// (`None`: missing or not of the type).
    pub fn ports(self) -> Vec<(Option<i64>, Option<&'a str>, Option<&'a str>)> {
        match self {
            SubsetRef::View(s) => s
                .ports
                .iter()
                .map(|p| (Some(p.port), p.name.as_deref(), Some(p.protocol.as_str())))
                .collect(),
            SubsetRef::Json(v) => v
                .array_at("ports")
                .iter()
                .map(|p| (p.i64_at("port"), p.str_at("name"), p.str_at("protocol")))
                .collect(),
        }
    }

    /// Each ready address's `ip` and `hostname`, as the JSON holds them.
    pub fn ready(self) -> Vec<(Option<&'a str>, Option<&'a str>)> {
        match self {
            SubsetRef::View(s) => s
                .addresses
                .iter()
                .map(|a| (Some(a.ip.as_str()), a.hostname.as_deref()))
                .collect(),
            SubsetRef::Json(v) => v
                .array_at("addresses")
                .iter()
                .map(|a| (a.str_at("ip"), a.str_at("hostname")))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::Kind;
    use serde_json::json;

    fn address(ip: &str, hostname: Option<&str>) -> Arc<Address> {
        Arc::new(Address {
            hostname: hostname.map(String::from),
            ip: ip.into(),
            node_name: "node-1".into(),
            pod_name: "web-0".into(),
            pod_namespace: "default".into(),
            pod_uid: "u0".into(),
            pod_version: PodVersionHint::default(),
        })
    }

    fn sample() -> Subsets {
        Subsets(vec![Subset {
            addresses: vec![address("10.0.0.1", Some("web-0"))],
            not_ready_addresses: vec![address("10.0.0.2", None)],
            ports: vec![Port {
                app_protocol: None,
                name: Some("http".into()),
                port: 80,
                protocol: "TCP".into(),
            }],
        }])
    }

    #[test]
    fn the_view_builds_the_json_an_endpoints_has() {
        let want = json!([{
            "addresses": [{"hostname": "web-0", "ip": "10.0.0.1", "nodeName": "node-1",
                "targetRef": {"kind": "Pod", "name": "web-0", "namespace": "default", "uid": "u0"}}],
            "notReadyAddresses": [{"ip": "10.0.0.2", "nodeName": "node-1",
                "targetRef": {"kind": "Pod", "name": "web-0", "namespace": "default", "uid": "u0"}}],
            "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
        }]);
        assert_eq!(FieldView::to_value(&sample()), want);
    }

    #[test]
    fn a_view_and_its_json_read_alike_and_compare_equal() {
        let mut typed = Object::new(Kind::Endpoints, "default", "web");
        typed.body.insert_view("subsets".into(), sample());
        let mut json = Object::new(Kind::Endpoints, "default", "web");
        json.body
            .insert("subsets".into(), FieldView::to_value(&sample()));
        assert!(typed.body.view::<Subsets>("subsets").is_some());
        assert!(json.body.view::<Subsets>("subsets").is_none());
        type Read<'a> = Vec<(
            Vec<(Option<i64>, Option<&'a str>, Option<&'a str>)>,
            Vec<(Option<&'a str>, Option<&'a str>)>,
        )>;
        fn read(ep: &Object) -> Read<'_> {
            of(ep).into_iter().map(|s| (s.ports(), s.ready())).collect()
        }
        assert_eq!(read(&typed), read(&json));
        // Equal whichever way each holds the field, and in every order.
        assert_eq!(typed, json);
        assert_eq!(json, typed);
        let mut other = typed.clone();
        let mut changed = sample();
        changed.0[0].addresses[0] = address("10.0.0.9", Some("web-0"));
        other.body.insert_view("subsets".into(), changed);
        assert_ne!(other, typed);
        assert_ne!(other, json);
        assert_ne!(json, other);
        // JSON reads build it once; the view stays readable.
        assert_eq!(typed.field("subsets"), json.field("subsets"));
        assert!(typed.body.view::<Subsets>("subsets").is_some());
        // A write through the JSON turns the field into JSON.
        let mut written = typed.clone();
        written.field_mut("subsets").as_array_mut().unwrap().clear();
        assert!(written.body.view::<Subsets>("subsets").is_none());
        assert_eq!(written.field("subsets"), &json!([]));
        assert!(typed.body.view::<Subsets>("subsets").is_some());
    }
}
