//! Objects as the API server holds them: typed metadata, untyped body.
//!
//! Like client-go's `unstructured.Unstructured`, the body (`spec`, `status`,
//! `data`, ...) stays a JSON value, so `-o yaml`, patches, `edit` and
//! jsonpath work on every kind without a typed model of each. Metadata is
//! typed because the store and every controller lean on it.

use crate::sim::sort::CollectSorted;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

mod body;
pub mod facts;
mod field_name;
pub(crate) use body::FieldRef;
pub use body::{Body, FieldView};
pub use facts::Derived;
use facts::Facts;

pub type Labels = BTreeMap<String, String>;

/// The kinds Ordinal simulates, in the order `kubectl get all` lists them.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, serde::Serialize, serde::Deserialize,
)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    StatefulSet,
    ControllerRevision,
    ReplicationController,
    ReplicaSet,
    Deployment,
    DaemonSet,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    ConfigMap,
    Secret,
    PodDisruptionBudget,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Service,
        Kind::Endpoints,
        Kind::StatefulSet,
        Kind::ControllerRevision,
        Kind::ReplicationController,
        Kind::ReplicaSet,
        Kind::Deployment,
        Kind::DaemonSet,
        Kind::PersistentVolume,
        Kind::PersistentVolumeClaim,
        Kind::StorageClass,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::PodDisruptionBudget,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::StatefulSet => "StatefulSet",
            Kind::ControllerRevision => "ControllerRevision",
            Kind::ReplicationController => "ReplicationController",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Deployment => "Deployment",
            Kind::DaemonSet => "DaemonSet",
            Kind::PersistentVolume => "PersistentVolume",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::StorageClass => "StorageClass",
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Today's group/version for the kind (what old versions convert to).
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::StatefulSet
            | Kind::ControllerRevision
            | Kind::ReplicaSet
            | Kind::Deployment
            | Kind::DaemonSet => "apps/v1",
            Kind::StorageClass => "storage.k8s.io/v1",
            Kind::PodDisruptionBudget => "policy/v1",
            _ => "v1",
        }
    }

    /// The lower-case plural used in URLs and in kubectl's messages
    /// (`pods "x" not found`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::Endpoints => "endpoints",
            Kind::StatefulSet => "statefulsets",
            Kind::ControllerRevision => "controllerrevisions",
            Kind::ReplicationController => "replicationcontrollers",
            Kind::ReplicaSet => "replicasets",
            Kind::Deployment => "deployments",
            Kind::DaemonSet => "daemonsets",
            Kind::PersistentVolume => "persistentvolumes",
            Kind::PersistentVolumeClaim => "persistentvolumeclaims",
            Kind::StorageClass => "storageclasses",
            Kind::ConfigMap => "configmaps",
            Kind::Secret => "secrets",
            Kind::PodDisruptionBudget => "poddisruptionbudgets",
        }
    }

    /// The API group, "" for the core group (kubectl prints `statefulset.apps/web`).
    pub fn group(self) -> &'static str {
        match self.api_version().split_once('/') {
            Some((g, _)) => g,
            None => "",
        }
    }

    pub fn namespaced(self) -> bool {
        !matches!(
            self,
            Kind::Namespace | Kind::Node | Kind::PersistentVolume | Kind::StorageClass
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an object lives: kind, namespace ("" when cluster-scoped) and name.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Key {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl Key {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Key {
        let namespace = if kind.namespaced() { namespace } else { "" };
        Key {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    pub controller: bool,
    pub block_owner_deletion: bool,
}

impl OwnerRef {
    /// The reference a controller puts on what it creates.
    pub fn controller_of(owner: &Object) -> OwnerRef {
        OwnerRef {
            api_version: owner.kind.api_version().to_string(),
            kind: owner.kind.as_str().to_string(),
            name: owner.meta.name.clone(),
            uid: owner.meta.uid.clone(),
            controller: true,
            block_owner_deletion: true,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub name: String,
    pub generate_name: String,
    /// "" for cluster-scoped kinds.
    pub namespace: String,
    pub uid: String,
    pub generation: i64,
    /// Virtual milliseconds.
    pub creation_timestamp: u64,
    pub labels: Labels,
    pub annotations: Labels,
    pub owner_references: Vec<OwnerRef>,
    /// Virtual milliseconds; set when a graceful deletion starts.
    pub deletion_timestamp: Option<u64>,
    pub deletion_grace_period_seconds: Option<i64>,
    pub finalizers: Vec<String>,
}

impl Meta {
    pub fn controller_ref(&self) -> Option<&OwnerRef> {
        self.owner_references.iter().find(|o| o.controller)
    }
    pub fn is_owned_by(&self, uid: &str) -> bool {
        self.controller_ref().is_some_and(|o| o.uid == uid)
    }
    pub fn terminating(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

/// A value shared copy-on-write: a copy shares it, and the first write
/// through a copy copies it (`Arc::make_mut`). An object's metadata and
/// each JSON field of its body ([`Body`]) are held so: controllers copy a
/// pod to write its status about three times in its life, and copying the
/// metadata's dozen strings and maps each time, then dropping them with
/// the old version, was 3% of a rollout. Reads and writes look as they
/// would on the value (`obj.meta.name`, `obj.meta.labels.insert(..)`).
#[derive(Clone, Default)]
pub struct Shared<T>(std::sync::Arc<T>);

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> std::ops::DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(v: T) -> Shared<T> {
        Shared(std::sync::Arc::new(v))
    }
}

impl<T> Shared<T> {
    /// The very same value (one copy, shared), not only an equal one.
    pub fn same(&self, other: &Shared<T>) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    /// A copy that was never written is equal without a comparison.
    fn eq(&self, other: &Shared<T>) -> bool {
        self.same(other) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One API object.
#[derive(Clone, PartialEq)]
pub struct Object {
    pub kind: Kind,
    /// The apiVersion as written by the user (before conversion) is not
    /// kept: the store holds today's version, like the API server.
    pub meta: Shared<Meta>,
    /// `metadata.resourceVersion`, apart from the shared metadata: every
    /// write sets it, and inside [`Meta`] each write copied the metadata's
    /// strings and maps, which then stayed shared with the version before
    /// in most writes (a status, a condition; docs/perf28.md).
    pub resource_version: u64,
    /// Every top-level field except apiVersion, kind and metadata.
    pub body: Body,
    /// What controllers read of a stored pod on every pass, worked out
    /// once when the store takes it (see [`Derived`]).
    pub(crate) derived: Derived,
}

/// As `#[derive(Debug)]` printed it before [`Derived`] was added.
impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object")
            .field("kind", &self.kind)
            .field("meta", &self.meta)
            .field("body", &self.body)
            .finish()
    }
}

impl Object {
    /// The object's derived view of type `T`, when the store made one.
    /// Under `debug_assertions` every use is checked against `read` of the
    /// JSON, so the whole test suite proves the view says what the JSON
    /// says.
    #[cfg_attr(not(debug_assertions), allow(unused_variables))]
    pub(crate) fn checked_derived<T: Facts + PartialEq + fmt::Debug>(
        &self,
        read: fn(&Object) -> T,
    ) -> Option<&T> {
        let v = self.derived.get::<T>()?;
        #[cfg(debug_assertions)]
        assert_eq!(
            *v,
            read(self),
            "the cached facts of {} {} differ from its JSON",
            self.kind,
            self.meta.name
        );
        Some(v)
    }
}

static NULL: Value = Value::Null;

impl Object {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Object {
        Object {
            kind,
            meta: Meta {
                name: name.to_string(),
                namespace: if kind.namespaced() {
                    namespace.to_string()
                } else {
                    String::new()
                },
                ..Meta::default()
            }
            .into(),
            resource_version: 0,
            body: Body::default(),
            derived: Derived::default(),
        }
    }

    pub fn key(&self) -> Key {
        Key {
            kind: self.kind,
            namespace: self.meta.namespace.clone(),
            name: self.meta.name.clone(),
        }
    }

    pub fn name(&self) -> &str {
        &self.meta.name
    }
    pub fn namespace(&self) -> &str {
        &self.meta.namespace
    }

    /// A top-level body field, `Null` when absent.
    pub fn field(&self, name: &str) -> &Value {
        &self.body[name]
    }
    /// A top-level body field to write, made an empty map when absent or
    /// null; shared with a copy of the object, it is copied first.
    pub fn field_mut(&mut self, name: &str) -> &mut Value {
        self.body.get_or_empty(name)
    }
    pub fn spec(&self) -> &Value {
        self.field("spec")
    }
    pub fn status(&self) -> &Value {
        self.field("status")
    }
    pub fn spec_mut(&mut self) -> &mut Value {
        self.field_mut("spec")
    }
    pub fn status_mut(&mut self) -> &mut Value {
        self.field_mut("status")
    }

    /// A dotted path into the whole object (`spec.template.metadata.labels`,
    /// `metadata.name`); `Null` when any step is missing.
    pub fn at(&self, path: &str) -> &Value {
        let (first, rest) = match path.split_once('.') {
            Some((f, r)) => (f, Some(r)),
            None => (path, None),
        };
        let v = self.field(first);
        match rest {
            Some(r) => v.at(r),
            None => v,
        }
    }
}

/// A value's compact JSON text, what `Value`'s `Display` writes. The page's
/// wasm then has one JSON writer for text: `Display` has a copy of its own
/// (compact and pretty, through `fmt::Write`).
pub fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A scalar's text: a string as it is, anything else as its JSON text.
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_text(other),
    }
}

/// Dotted-path reads on JSON values, `Null` for whatever is missing, so
/// controllers read `pod.spec().at("nodeName").as_str()` without ceremony.
pub trait ValueExt {
    fn at(&self, path: &str) -> &Value;
    fn str_at(&self, path: &str) -> Option<&str> {
        self.at(path).as_str()
    }
    fn i64_at(&self, path: &str) -> Option<i64> {
        self.at(path).as_i64()
    }
    fn bool_at(&self, path: &str) -> Option<bool> {
        self.at(path).as_bool()
    }
    fn array_at(&self, path: &str) -> &[Value] {
        self.at(path)
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or(&[])
    }
    /// A string map (labels, selectors, nodeSelector, data).
    fn labels_at(&self, path: &str) -> Labels {
        match self.at(path).as_object() {
            Some(m) => m
                .iter()
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect_sorted(),
            None => Labels::new(),
        }
    }
}

impl ValueExt for Value {
    fn at(&self, path: &str) -> &Value {
        let mut v = self;
        if path.is_empty() {
            return v;
        }
        // The parts between dots, as `split('.')` gives them, without its
        // searcher: controllers read paths like this on every pass.
        let mut rest = path;
        loop {
            let (part, next) = match rest.bytes().position(|b| b == b'.') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            v = match v {
                Value::Object(m) => field_name::get(m, part).unwrap_or(&NULL),
                Value::Array(a) => match part.parse::<usize>() {
                    Ok(i) => a.get(i).unwrap_or(&NULL),
                    Err(_) => &NULL,
                },
                // Null, scalars: every later step is Null too.
                _ => return &NULL,
            };
            match next {
                Some(n) => rest = n,
                None => return v,
            }
        }
    }
}

/// Sets a dotted path, creating objects on the way.
pub fn set_at(v: &mut Value, path: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let m = cur.as_object_mut().expect("just made an object");
        if i + 1 == parts.len() {
            m.insert(part.to_string(), new);
            return;
        }
        cur = m
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// The virtual clock's epoch, so timestamps print as real dates:
/// 2025-01-01T00:00:00Z in Unix milliseconds.
pub const EPOCH_UNIX_MS: u64 = 1_735_689_600_000;

/// RFC 3339 for a virtual time, as the API server prints timestamps.
pub fn rfc3339(virtual_ms: u64) -> String {
    let secs = (EPOCH_UNIX_MS + virtual_ms) / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        );
    }
    // By hand: controllers stamp times on most writes, and `format!` with
    // padding costs several times this.
    let mut s = String::with_capacity(20);
    let mut digits = |v: u64, width: u32, sep: char| {
        for i in (0..width).rev() {
            s.push(char::from(b'0' + (v / 10u64.pow(i) % 10) as u8));
        }
        s.push(sep);
    };
    digits(y as u64, 4, '-');
    digits(u64::from(m), 2, '-');
    digits(u64::from(d), 2, 'T');
    digits(rem / 3600, 2, ':');
    digits((rem % 3600) / 60, 2, ':');
    digits(rem % 60, 2, 'Z');
    s
}

/// Parses what `rfc3339` prints back into virtual milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    // What `rfc3339` prints, digit by digit: controllers read a pod's
    // condition times on every pass. Anything else takes the long way.
    let b = s.as_bytes();
    let layout = b"0000-00-00T00:00:00Z";
    if b.len() == layout.len()
        && b.iter().zip(layout).all(|(c, l)| {
            if *l == b'0' {
                c.is_ascii_digit()
            } else {
                c == l
            }
        })
    {
        let num = |from: usize, to: usize| {
            b[from..to]
                .iter()
                .fold(0i64, |n, c| n * 10 + i64::from(c - b'0'))
        };
        let days = days_from_civil(num(0, 4), num(5, 7), num(8, 10));
        let unix_ms = (days * 86_400 + num(11, 13) * 3600 + num(14, 16) * 60 + num(17, 19)) * 1000;
        return u64::try_from(unix_ms - EPOCH_UNIX_MS as i64).ok();
    }
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>());
    let (y, m, dd) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.split(':').map(|p| p.parse::<f64>());
    let (h, mi, se) = (t.next()?.ok()?, t.next()?.ok()?, t.next()?.ok()?);
    let days = days_from_civil(y, m, dd);
    let unix_ms =
        (days * 86_400 + (h as i64) * 3600 + (mi as i64) * 60) * 1000 + (se * 1000.0) as i64;
    u64::try_from(unix_ms - EPOCH_UNIX_MS as i64).ok()
}

// Howard Hinnant's civil calendar algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Object {
    /// The object as the API server would serialise it (`-o json`).
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("apiVersion".into(), self.kind.api_version().into());
        out.insert("kind".into(), self.kind.as_str().into());
        out.insert("metadata".into(), self.meta_value());
        for (k, v) in self.body.iter() {
            out.insert(k.clone(), v.clone());
        }
        Value::Object(out)
    }

    /// [`Object::to_value`] holding only the top-level body field `name`
    /// (everything a path under `.name` reads), or the whole object when
    /// `name` is not a body field (`metadata`, `kind`, or absent).
    pub fn to_value_of(&self, name: &str) -> Value {
        match self.body.get(name) {
            Some(v) => {
                let mut out = Map::new();
                out.insert(name.to_string(), v.clone());
                Value::Object(out)
            }
            None => self.to_value(),
        }
    }

    fn meta_value(&self) -> Value {
        let m = &self.meta;
        let mut o = Map::new();
        let str_map = |l: &Labels| {
            Value::Object(
                l.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect_sorted(),
            )
        };
        if !m.annotations.is_empty() {
            o.insert("annotations".into(), str_map(&m.annotations));
        }
        o.insert(
            "creationTimestamp".into(),
            rfc3339(m.creation_timestamp).into(),
        );
        if let Some(g) = m.deletion_grace_period_seconds {
            o.insert("deletionGracePeriodSeconds".into(), g.into());
        }
        if let Some(t) = m.deletion_timestamp {
            o.insert("deletionTimestamp".into(), rfc3339(t).into());
        }
        if !m.finalizers.is_empty() {
            o.insert("finalizers".into(), m.finalizers.clone().into());
        }
        if !m.generate_name.is_empty() {
            o.insert("generateName".into(), m.generate_name.clone().into());
        }
        if m.generation > 0 {
            o.insert("generation".into(), m.generation.into());
        }
        if !m.labels.is_empty() {
            o.insert("labels".into(), str_map(&m.labels));
        }
        o.insert("name".into(), m.name.clone().into());
        if !m.namespace.is_empty() {
            o.insert("namespace".into(), m.namespace.clone().into());
        }
        if !m.owner_references.is_empty() {
            let refs: Vec<Value> = m
                .owner_references
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "apiVersion": r.api_version,
                        "blockOwnerDeletion": r.block_owner_deletion,
                        "controller": r.controller,
                        "kind": r.kind,
                        "name": r.name,
                        "uid": r.uid,
                    })
                })
                .collect();
            o.insert("ownerReferences".into(), refs.into());
        }
        o.insert(
            "resourceVersion".into(),
            self.resource_version.to_string().into(),
        );
        o.insert("uid".into(), m.uid.clone().into());
        Value::Object(o)
    }

    /// Reads an object from its JSON form (after manifest conversion, so
    /// `kind` is a simulated kind and `apiVersion` is ignored). Errors are
    /// plain messages; the manifest layer adds positions.
    pub fn from_value(v: &Value) -> Result<Object, String> {
        let map = v.as_object().ok_or("an object must be a mapping")?;
        let kind_s = map
            .get("kind")
            .and_then(|k| k.as_str())
            .ok_or("Object 'Kind' is missing")?;
        let kind = Kind::parse(kind_s).ok_or_else(|| format!("unknown kind \"{kind_s}\""))?;
        let md = map.get("metadata").cloned().unwrap_or(Value::Null);
        let labels = |p: &str| md.labels_at(p);
        let mut meta = Meta {
            name: md.str_at("name").unwrap_or("").to_string(),
            generate_name: md.str_at("generateName").unwrap_or("").to_string(),
            namespace: md.str_at("namespace").unwrap_or("").to_string(),
            uid: md.str_at("uid").unwrap_or("").to_string(),
            generation: md.i64_at("generation").unwrap_or(0),
            creation_timestamp: md
                .str_at("creationTimestamp")
                .and_then(parse_rfc3339)
                .unwrap_or(0),
            labels: labels("labels"),
            annotations: labels("annotations"),
            owner_references: md
                .array_at("ownerReferences")
                .iter()
                .map(|r| OwnerRef {
                    api_version: r.str_at("apiVersion").unwrap_or("").into(),
                    kind: r.str_at("kind").unwrap_or("").into(),
                    name: r.str_at("name").unwrap_or("").into(),
                    uid: r.str_at("uid").unwrap_or("").into(),
                    controller: r.bool_at("controller").unwrap_or(false),
                    block_owner_deletion: r.bool_at("blockOwnerDeletion").unwrap_or(false),
                })
                .collect(),
            deletion_timestamp: md.str_at("deletionTimestamp").and_then(parse_rfc3339),
            deletion_grace_period_seconds: md.i64_at("deletionGracePeriodSeconds"),
            finalizers: md
                .array_at("finalizers")
                .iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect(),
        };
        if !kind.namespaced() {
            meta.namespace.clear();
        }
        let body = map
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect_sorted();
        Ok(Object {
            kind,
            meta: meta.into(),
            resource_version: md
                .str_at("resourceVersion")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            body,
            derived: Derived::default(),
        })
    }
}

/// Go's `time.Duration` printing of whole milliseconds (`830ms`, `2.134s`,
/// `1m5s`, `2m0s`, `1h0m0s`), for the kubelet's events and kubectl's messages.
pub fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = |ms: u64| {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if ms < 60_000 {
        return format!("{}s", secs(ms));
    }
    let m = ms / 60_000;
    if m < 60 {
        return format!("{m}m{}s", secs(ms % 60_000));
    }
    format!("{}h{}m{}s", m / 60, m % 60, secs(ms % 60_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_the_fields_it_does_not_write() {
        let mut pod = Object::new(Kind::Pod, "default", "web-0");
        pod.body
            .insert("spec".into(), serde_json::json!({"nodeName": "n1"}));
        pod.body
            .insert("status".into(), serde_json::json!({"phase": "Pending"}));
        let mut copy = pod.clone();
        assert!(copy.body.same_field(&pod.body, "spec"));
        copy.status_mut()["phase"] = "Running".into();
        // The write went to the copy only; the spec is still the same value.
        assert_eq!(pod.status().str_at("phase"), Some("Pending"));
        assert_eq!(copy.status().str_at("phase"), Some("Running"));
        // Shared: the very same value, not a copy.
        assert!(std::ptr::eq(copy.spec(), pod.spec()));
        assert!(!std::ptr::eq(copy.status(), pod.status()));
        assert!(copy.body.same_but(&pod.body, "status"));
        assert!(!copy.body.same_but(&pod.body, "spec"));
        // A field written back to what it was is equal, though not shared.
        copy.status_mut()["phase"] = "Pending".into();
        assert_eq!(copy, pod);
        assert_eq!(format!("{:?}", copy.body), format!("{:?}", pod.body));
        copy.body.remove("spec");
        assert!(!copy.body.same_field(&pod.body, "spec"));
        assert_eq!(copy.spec(), &Value::Null);
        // Fields stay in key order, as in a JSON map, however they come.
        copy.body.insert("data".into(), 1.into());
        copy.body.insert("zeta".into(), 2.into());
        copy.body.insert("data".into(), 3.into());
        copy.field_mut("kind-of");
        let keys: Vec<&str> = copy.body.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["data", "kind-of", "status", "zeta"]);
        assert_eq!(copy.field("data"), &Value::from(3));
    }

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(rfc3339(0), "2025-01-01T00:00:00Z");
        assert_eq!(rfc3339(86_400_000 + 3_661_000), "2025-01-02T01:01:01Z");
        for t in [0, 59_000, 86_400_000 * 400 + 12_000] {
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
        }
    }

    #[test]
    fn timestamps_print_as_before_at_every_width() {
        // The hand-written digits against `format!`'s, from the epoch to
        // the last four-digit year and past it (`{y:04}` then widens).
        let by_format = |ms: u64| {
            let secs = (EPOCH_UNIX_MS + ms) / 1000;
            let rem = secs % 86_400;
            let (y, m, d) = civil_from_days((secs / 86_400) as i64);
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                (rem % 3600) / 60,
                rem % 60
            )
        };
        let last_day = parse_rfc3339("9999-12-31T23:59:59Z").unwrap();
        let mut t = 0u64;
        while t < last_day + 400 * 86_400_000 {
            assert_eq!(rfc3339(t), by_format(t), "at {t} ms");
            t += 7_777_777_777;
        }
        for t in [1, 999, 3_599_999, last_day, last_day + 1_000] {
            assert_eq!(rfc3339(t), by_format(t), "at {t} ms");
        }
        assert_eq!(rfc3339(last_day + 1_000), "10000-01-01T00:00:00Z");
    }

    #[test]
    fn timestamps_parse_the_short_way_as_the_long_way() {
        // `parse_rfc3339` reads rfc3339's own layout digit by digit; the
        // general parser (fractions, odd widths) must agree with it.
        let long_way = |s: &str| parse_rfc3339(&format!("{}.0Z", s.strip_suffix('Z').unwrap()));
        for s in [
            "2025-01-01T00:00:00Z",
            "2025-03-01T23:59:59Z",
            "2024-02-29T12:34:56Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2025-13-45T99:99:99Z",
        ] {
            assert_eq!(parse_rfc3339(s), long_way(s), "{s}");
        }
        assert_eq!(parse_rfc3339("2025-01-01T00:00:01Z"), Some(1_000));
        assert_eq!(parse_rfc3339("2024-12-31T23:59:59Z"), None);
        assert_eq!(parse_rfc3339("2025-01-01T00:00:01.5Z"), Some(1_500));
        assert_eq!(parse_rfc3339("2025-01-01 00:00:01Z"), None);
    }

    #[test]
    fn dotted_paths_read_and_write() {
        let mut v = serde_json::json!({"spec": {"containers": [{"name": "nginx"}]}});
        assert_eq!(v.str_at("spec.containers.0.name"), Some("nginx"));
        assert!(v.at("spec.nope.deeper").is_null());
        set_at(&mut v, "spec.replicas", 3.into());
        assert_eq!(v.i64_at("spec.replicas"), Some(3));
        // Parts as `split('.')` gives them: empty ones name the "" key.
        let w = serde_json::json!({"a": {"": {"b": 1}, "c": [10, 20]}, "": 2});
        assert_eq!(w.i64_at("a..b"), Some(1));
        assert_eq!(w.i64_at("a.c.1"), Some(20));
        assert!(w.at("a.c.x").is_null());
        assert!(w.at("a.c.1.deeper").is_null());
        assert_eq!(w.i64_at(""), None);
        assert_eq!(w.at("a.").i64_at("b"), Some(1));
        assert_eq!(w.i64_at("."), None);
    }

    #[test]
    fn value_round_trip_keeps_metadata() {
        let mut o = Object::new(Kind::Pod, "default", "web-0");
        o.meta.labels.insert("app".into(), "nginx".into());
        o.meta.uid = "u1".into();
        o.meta.deletion_timestamp = Some(5_000);
        o.spec_mut()["nodeName"] = "node-1".into();
        let back = Object::from_value(&o.to_value()).unwrap();
        assert_eq!(back, o);
    }
}
