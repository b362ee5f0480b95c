//! The API server's validation (`pkg/apis/*/validation`), for the fields
//! Ordinal simulates, with upstream's field paths and wording.

mod apps;

use super::positions::{path_string, Seg};
use super::quantity::parse_quantity;
use crate::sim::features::FeatureGates;
use crate::sim::object::{Kind, Labels, Object, ValueExt};
use crate::sim::selector::Selector;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid,
    NotSupported(Vec<&'static str>),
    Duplicate,
    NotFound,
    Forbidden,
}

/// One `field.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: Vec<Seg>,
    pub kind: ErrorType,
    /// The bad value, formatted as Go's `%#v` prints it (`"web"`, `3`).
    pub value: String,
    pub detail: String,
    /// Where to point in the text when `path` names no key there
    /// (`spec.resources[storage]` sits at `spec.resources.requests.storage`).
    pub at: Option<Vec<Seg>>,
}

impl FieldError {
    /// The key path to mark in the editor.
    pub fn location(&self) -> &[Seg] {
        self.at.as_deref().unwrap_or(&self.path)
    }

    /// `spec.selector: Required value`, as `field.Error.Error()` prints.
    pub fn message(&self) -> String {
        let p = path_string(&self.path);
        match &self.kind {
            ErrorType::Required if self.detail.is_empty() => format!("{p}: Required value"),
            ErrorType::Required => format!("{p}: Required value: {}", self.detail),
            ErrorType::Invalid if self.detail.is_empty() => {
                format!("{p}: Invalid value: {}", self.value)
            }
            ErrorType::Invalid => format!("{p}: Invalid value: {}: {}", self.value, self.detail),
            ErrorType::NotSupported(vals) => format!(
                "{p}: Unsupported value: {}: supported values: {}",
                self.value,
                vals.iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ErrorType::Duplicate => format!("{p}: Duplicate value: {}", self.value),
            ErrorType::NotFound => format!("{p}: Not found: {}", self.value),
            ErrorType::Forbidden => format!("{p}: Forbidden: {}", self.detail),
        }
    }
}

/// The API server's `StatusError` text for invalid fields, as events and
/// clients see it: `StatefulSet.apps "web" is invalid: spec.selector:
/// Required value`, several causes in brackets.
pub fn status_message(kind: Kind, name: &str, errs: &[FieldError]) -> String {
    let msgs: Vec<String> = errs.iter().map(FieldError::message).collect();
    let body = if msgs.len() == 1 {
        msgs[0].clone()
    } else {
        format!("[{}]", msgs.join(", "))
    };
    let qualified = match kind.group() {
        "" => kind.as_str().to_string(),
        g => format!("{kind}.{g}"),
    };
    format!("{qualified} \"{name}\" is invalid: {body}")
}

/// How kubectl prints an Invalid error: `The StatefulSet "web" is invalid:
/// spec.selector: Required value`, or one `* cause` line per field.
pub fn kubectl_message(kind: Kind, name: &str, errs: &[FieldError]) -> String {
    let msgs: Vec<String> = errs.iter().map(FieldError::message).collect();
    if msgs.len() == 1 {
        format!("The {kind} \"{name}\" is invalid: {}", msgs[0])
    } else {
        format!(
            "The {kind} \"{name}\" is invalid: \n{}",
            msgs.iter()
                .map(|m| format!("* {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    }
}

/// Turns a `status_message` (the API server's text) into what kubectl
/// prints for it, for faces that only hold the message. `None` when the
/// text is no Invalid status.
pub fn kubectl_invalid(api_message: &str) -> Option<String> {
    let (head, body) = api_message.split_once(" is invalid: ")?;
    let (kind, name) = head.split_once(' ')?;
    let kind = kind.split('.').next().unwrap_or(kind);
    let causes: Vec<&str> = match body.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
        Some(inner) => split_causes(inner),
        None => vec![body],
    };
    Some(if causes.len() == 1 {
        format!("The {kind} {name} is invalid: {}", causes[0])
    } else {
        format!(
            "The {kind} {name} is invalid: \n{}",
            causes
                .iter()
                .map(|c| format!("* {c}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Splits `a: Required value, b: Invalid value: ...` at the commas that
/// start a new `field: Reason` cause.
fn split_causes(s: &str) -> Vec<&str> {
    const REASONS: [&str; 7] = [
        "Required value",
        "Invalid value",
        "Unsupported value",
        "Duplicate value",
        "Not found",
        "Forbidden",
        "Too long",
    ];
    let starts_cause = |rest: &str| {
        let path_end = rest.find(": ").filter(|i| !rest[..*i].contains(' '));
        path_end.is_some_and(|i| REASONS.iter().any(|r| rest[i + 2..].starts_with(r)))
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(off) = s[search..].find(", ") {
        let at = search + off;
        if starts_cause(&s[at + 2..]) {
            out.push(&s[start..at]);
            start = at + 2;
        }
        search = at + 2;
    }
    out.push(&s[start..]);
    out
}

struct P(Vec<Seg>);

impl P {
    fn root() -> P {
        P(vec![])
    }
    fn k(&self, key: &str) -> P {
        let mut v = self.0.clone();
        for part in key.split('.') {
            v.push(Seg::Key(part.to_string()));
        }
        P(v)
    }
    fn i(&self, i: usize) -> P {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        P(v)
    }
}

#[derive(Default)]
struct Errs(Vec<FieldError>);

impl Errs {
    fn push(&mut self, p: &P, kind: ErrorType, value: String, detail: impl Into<String>) {
        self.0.push(FieldError {
            path: p.0.clone(),
            kind,
            value,
            detail: detail.into(),
            at: None,
        });
    }
    fn required(&mut self, p: &P, detail: &str) {
        self.push(p, ErrorType::Required, String::new(), detail);
    }
    fn invalid(&mut self, p: &P, value: String, detail: impl Into<String>) {
        self.push(p, ErrorType::Invalid, value, detail);
    }
    fn unsupported(&mut self, p: &P, value: &str, vals: &[&'static str]) {
        self.push(p, ErrorType::NotSupported(vals.to_vec()), quote(value), "");
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Go's `%#v` of a `map[string]string`.
fn go_map(l: &Labels) -> String {
    let inner: Vec<String> = l
        .iter()
        .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
        .collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn dns_label_errors(e: &mut Errs, p: &P, s: &str) {
    if s.len() > 63 {
        e.invalid(p, quote(s), "must be no more than 63 characters");
    }
    // The length is its own error, as upstream's IsDNS1123Label reports.
    let chars_ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if !chars_ok {
        e.invalid(p, quote(s), DNS1123_LABEL_MSG);
    }
}

fn is_label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric())
}

fn validate_labels(e: &mut Errs, p: &P, labels: &Labels) {
    for (k, v) in labels {
        let name = k.rsplit_once('/').map(|(pre, n)| {
            if !is_dns1123_subdomain(pre) {
                e.invalid(
                    p,
                    quote(k),
                    "prefix part ".to_string() + DNS1123_SUBDOMAIN_MSG,
                );
            }
            n
        });
        let name = name.unwrap_or(k);
        if name.is_empty() || name.len() > 63 || !is_label_value(name) {
            e.invalid(p, quote(k), QUALIFIED_NAME_MSG);
        }
        if !is_label_value(v) {
            e.invalid(p, quote(v), LABEL_VALUE_MSG);
        }
    }
}

fn validate_meta(e: &mut Errs, o: &Object) {
    let md = P::root().k("metadata");
    let name = &o.meta.name;
    if name.is_empty() {
        if o.meta.generate_name.is_empty() {
            e.required(&md.k("name"), "name or generateName is required");
        }
    } else {
        match o.kind {
            Kind::Service => {
                if !is_dns1035_label(name) {
                    e.invalid(&md.k("name"), quote(name), DNS1035_LABEL_MSG);
                }
            }
            Kind::Namespace => {
                if !is_dns1123_label(name) {
                    e.invalid(&md.k("name"), quote(name), DNS1123_LABEL_MSG);
                }
            }
            _ => {
                if !is_dns1123_subdomain(name) {
                    e.invalid(&md.k("name"), quote(name), DNS1123_SUBDOMAIN_MSG);
                }
            }
        }
    }
    if !o.meta.namespace.is_empty() && !is_dns1123_label(&o.meta.namespace) {
        e.invalid(
            &md.k("namespace"),
            quote(&o.meta.namespace),
            DNS1123_LABEL_MSG,
        );
    }
    validate_labels(e, &md.k("labels"), &o.meta.labels);
}

/// Validates an object as the API server does on create, after its
/// defaulting. Returns the field errors (empty when valid).
pub fn validate_object_fields(
    o: &Object,
    gates: &FeatureGates,
    old: Option<&Object>,
) -> Vec<FieldError> {
    let mut d = o.clone();
    crate::sim::defaults::apply(&mut d);
    // The strategies' PrepareForCreate/PrepareForUpdate run before
    // validation: a disabled gate's field is gone by then.
    crate::sim::defaults::drop_disabled_fields(&mut d, old, gates);
    let mut e = Errs::default();
    validate_meta(&mut e, &d);
    let spec = P::root().k("spec");
    match d.kind {
        Kind::Pod => validate_pod_spec(&mut e, &spec, d.spec(), true),
        Kind::StatefulSet => validate_statefulset(&mut e, &d),
        Kind::ReplicationController => {
            validate_replicas(&mut e, &spec, d.spec());
            let sel = d.spec().labels_at("selector");
            if sel.is_empty() {
                e.required(&spec.k("selector"), "");
            }
            validate_template(
                &mut e,
                &spec,
                d.spec(),
                Some(Selector::from_labels(&sel)),
                true,
                "ReplicationController",
            );
        }
        Kind::ReplicaSet | Kind::Deployment | Kind::DaemonSet => {
            if d.kind != Kind::DaemonSet {
                validate_replicas(&mut e, &spec, d.spec());
            }
            let sel = validate_selector(&mut e, &spec, d.spec(), d.kind);
            validate_template(&mut e, &spec, d.spec(), sel, true, d.kind.as_str());
        }
        Kind::Service => validate_service(&mut e, &d),
        Kind::PersistentVolume => validate_pv(&mut e, &d),
        Kind::PersistentVolumeClaim => validate_pvc_spec(&mut e, &spec, d.spec()),
        Kind::StorageClass => validate_storage_class(&mut e, &d),
        Kind::PodDisruptionBudget => validate_pdb(&mut e, &d),
        Kind::ConfigMap | Kind::Secret => {
            for field in ["data", "stringData", "binaryData"] {
                if let Some(m) = d.field(field).as_object() {
                    for k in m.keys() {
                        let ok = !k.is_empty()
                            && k.len() <= 253
                            && k.bytes().all(|b| {
                                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
                            });
                        if !ok {
                            e.invalid(
                                &P::root().k(field),
                                quote(k),
                                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                            );
                        }
                    }
                }
            }
        }
        _ => {}
    }
    e.0
}

/// Validates an object as the API server does on create; `Err` holds the
/// API server's message (`StatefulSet.apps "web" is invalid: ...`, what a
/// FailedCreate event quotes); `kubectl_invalid` gives kubectl's form.
pub fn validate_object(o: &Object, gates: &FeatureGates) -> Result<(), String> {
    let errs = validate_object_fields(o, gates, None);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(status_message(o.kind, &o.meta.name, &errs))
    }
}

fn validate_replicas(e: &mut Errs, spec: &P, s: &Value) {
    for f in ["replicas", "minReadySeconds", "revisionHistoryLimit"] {
        if let Some(n) = s.i64_at(f) {
            if n < 0 {
                e.invalid(
                    &spec.k(f),
                    n.to_string(),
                    "must be greater than or equal to 0",
                );
            }
        }
    }
}

/// `spec.selector` of the apps/v1 kinds: required and non-empty.
fn validate_selector(e: &mut Errs, spec: &P, s: &Value, kind: Kind) -> Option<Selector> {
    let sel = s.at("selector");
    if sel.is_null() {
        e.required(&spec.k("selector"), "");
        return None;
    }
    match Selector::from_value(sel) {
        Ok(Some(sel)) if !sel.is_empty() => Some(sel),
        Ok(_) => {
            let what = match kind {
                Kind::StatefulSet => "empty selector is invalid for statefulset",
                Kind::Deployment => "empty selector is invalid for deployment",
                _ => "empty selector is invalid",
            };
            e.invalid(&spec.k("selector"), go_selector(sel), what);
            None
        }
        Err(msg) => {
            e.invalid(&spec.k("selector"), go_selector(sel), msg);
            None
        }
    }
}

fn go_selector(sel: &Value) -> String {
    let ml = sel.labels_at("matchLabels");
    let me = sel.array_at("matchExpressions");
    let ml = if ml.is_empty() && sel.at("matchLabels").is_null() {
        "map[string]string(nil)".to_string()
    } else {
        go_map(&ml)
    };
    let me = if me.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = me
            .iter()
            .map(|r| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:[]string{{{}}}}}",
                    quote(r.str_at("key").unwrap_or("")),
                    quote(r.str_at("operator").unwrap_or("")),
                    r.array_at("values")
                        .iter()
                        .map(|v| quote(v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!("v1.LabelSelector{{MatchLabels:{ml}, MatchExpressions:{me}}}")
}

/// The pod template of a controller: labels match the selector; the pod
/// spec is valid (the StatefulSet's is not checked, as upstream).
fn validate_template(
    e: &mut Errs,
    spec: &P,
    s: &Value,
    sel: Option<Selector>,
    check_pod: bool,
    owner: &str,
) {
    let t = s.at("template");
    let tp = spec.k("template");
    if t.is_null() {
        e.required(&tp, "");
        return;
    }
    let labels = t.labels_at("metadata.labels");
    if let Some(sel) = sel {
        if !sel.matches(&labels) {
            e.invalid(
                &tp.k("metadata.labels"),
                go_map(&labels),
                "`selector` does not match template `labels`",
            );
        }
    }
    validate_labels(e, &tp.k("metadata.labels"), &labels);
    let rp = t.str_at("spec.restartPolicy").unwrap_or("Always");
    if rp != "Always" {
        e.unsupported(&tp.k("spec.restartPolicy"), rp, &["Always"]);
    }
    if !t.at("spec.activeDeadlineSeconds").is_null() {
        e.push(
            &tp.k("spec.activeDeadlineSeconds"),
            ErrorType::Forbidden,
            String::new(),
            format!("activeDeadlineSeconds in {owner} is not Supported"),
        );
    }
    if check_pod {
        validate_pod_spec(e, &tp.k("spec"), t.at("spec"), false);
    }
}

fn validate_statefulset(e: &mut Errs, o: &Object) {
    let spec = P::root().k("spec");
    let s = o.spec();
    // In ValidateStatefulSetSpec's order: podManagementPolicy,
    // updateStrategy, the retention policy, then the counts.
    let pmp = s.str_at("podManagementPolicy").unwrap_or("OrderedReady");
    if !matches!(pmp, "OrderedReady" | "Parallel") {
        e.invalid(
            &spec.k("podManagementPolicy"),
            quote(pmp),
            "must be 'OrderedReady' or 'Parallel'",
        );
    }
    let ut = s.str_at("updateStrategy.type").unwrap_or("RollingUpdate");
    match ut {
        "RollingUpdate" => apps::rolling_update_statefulset(
            e,
            &spec.k("updateStrategy.rollingUpdate"),
            s.at("updateStrategy.rollingUpdate"),
        ),
        "OnDelete" => {
            if !s.at("updateStrategy.rollingUpdate").is_null() {
                e.invalid(
                    &spec.k("updateStrategy.rollingUpdate"),
                    "v1.RollingUpdateStatefulSetStrategy{...}".into(),
                    "only allowed for updateStrategy 'RollingUpdate'",
                );
            }
        }
        other => e.invalid(
            &spec.k("updateStrategy"),
            format!(
                "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}}",
                quote(other)
            ),
            "must be 'RollingUpdate' or 'OnDelete'",
        ),
    }
    for f in ["whenDeleted", "whenScaled"] {
        if let Some(v) = s.str_at(&format!("persistentVolumeClaimRetentionPolicy.{f}")) {
            if !matches!(v, "Retain" | "Delete") {
                e.unsupported(
                    &spec.k(&format!("persistentVolumeClaimRetentionPolicy.{f}")),
                    v,
                    &["Retain", "Delete"],
                );
            }
        }
    }
    validate_replicas(e, &spec, s);
    if let Some(start) = s.i64_at("ordinals.start") {
        if start < 0 {
            e.invalid(
                &spec.k("ordinals.start"),
                start.to_string(),
                "must be greater than or equal to 0",
            );
        }
    }
    if let Some(sn) = s.str_at("serviceName") {
        if !sn.is_empty() && !is_dns1123_label(sn) {
            e.invalid(&spec.k("serviceName"), quote(sn), DNS1123_LABEL_MSG);
        }
    }
    let sel = validate_selector(e, &spec, s, Kind::StatefulSet);
    // Upstream validates only the template's metadata and restartPolicy
    // for StatefulSets; a bad pod spec surfaces as FailedCreate events.
    validate_template(e, &spec, s, sel, false, "StatefulSet");
    for (i, c) in s.array_at("volumeClaimTemplates").iter().enumerate() {
        let cp = spec.k("volumeClaimTemplates").i(i);
        let name = c.str_at("metadata.name").unwrap_or("");
        if name.is_empty() {
            e.required(&cp.k("metadata.name"), "name or generateName is required");
        } else if !is_dns1123_subdomain(name) {
            e.invalid(&cp.k("metadata.name"), quote(name), DNS1123_SUBDOMAIN_MSG);
        }
        validate_pvc_spec(e, &cp.k("spec"), c.at("spec"));
    }
}

const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn validate_access_modes(e: &mut Errs, p: &P, s: &Value, claim: bool) {
    let modes = s.array_at("accessModes");
    if modes.is_empty() {
        e.required(
            &p.k("accessModes"),
            if claim {
                "at least 1 access mode is required"
            } else {
                ""
            },
        );
    }
    for m in modes {
        let m = m.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&m) {
            e.unsupported(&p.k("accessModes"), m, &ACCESS_MODES);
        }
    }
}

fn validate_pvc_spec(e: &mut Errs, p: &P, s: &Value) {
    validate_access_modes(e, p, s, true);
    let storage = s.at("resources.requests.storage");
    let rp = P({
        let mut v = p.0.clone();
        v.push(Seg::Key("resources[storage]".into()));
        v
    });
    match storage {
        Value::Null => {
            e.required(&rp, "");
            // Mark the claim's resources (or spec) rather than nothing.
            if let Some(last) = e.0.last_mut() {
                last.at = Some(p.k("resources.requests").0);
            }
        }
        v => {
            let text = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            if parse_quantity(&text).is_some_and(|q| q <= 0.0) {
                e.invalid(&rp, quote(&text), "must be greater than zero");
                if let Some(last) = e.0.last_mut() {
                    last.at = Some(p.k("resources.requests.storage").0);
                }
            }
        }
    }
    if let Some(vm) = s.str_at("volumeMode") {
        if !matches!(vm, "Block" | "Filesystem") {
            e.unsupported(&p.k("volumeMode"), vm, &["Block", "Filesystem"]);
        }
    }
}

const PV_SOURCES: [&str; 22] = [
    "hostPath",
    "nfs",
    "flexVolume",
    "local",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "iscsi",
    "csi",
    "cephfs",
    "rbd",
    "fc",
    "azureDisk",
    "azureFile",
    "cinder",
    "glusterfs",
    "portworxVolume",
    "vsphereVolume",
    "quobyte",
    "flocker",
    "photonPersistentDisk",
    "scaleIO",
    "storageos",
];

fn validate_pv(e: &mut Errs, o: &Object) {
    let p = P::root().k("spec");
    let s = o.spec();
    validate_access_modes(e, &p, s, false);
    let cap = s.at("capacity");
    if cap.as_object().is_none_or(|m| m.is_empty()) {
        e.required(&p.k("capacity"), "");
    } else if cap.at("storage").is_null() {
        e.push(
            &p.k("capacity"),
            ErrorType::NotSupported(vec!["storage"]),
            go_map(&cap.labels_at("")),
            "",
        );
    }
    let sources: Vec<&str> = PV_SOURCES
        .iter()
        .copied()
        .filter(|k| !s.at(k).is_null())
        .collect();
    match sources.len() {
        0 => e.required(&p, "must specify a volume type"),
        1 => {}
        _ => e.push(
            &p.k(sources[1]),
            ErrorType::Forbidden,
            String::new(),
            "may not specify more than 1 volume type",
        ),
    }
    if !s.at("hostPath").is_null() && s.str_at("hostPath.path").unwrap_or("").is_empty() {
        e.required(&p.k("hostPath.path"), "");
    }
    if let Some(r) = s.str_at("persistentVolumeReclaimPolicy") {
        if !matches!(r, "Delete" | "Recycle" | "Retain") {
            e.unsupported(
                &p.k("persistentVolumeReclaimPolicy"),
                r,
                &["Delete", "Recycle", "Retain"],
            );
        }
    }
    if let Some(c) = s.str_at("storageClassName") {
        if !c.is_empty() && !is_dns1123_subdomain(c) {
            e.invalid(&p.k("storageClassName"), quote(c), DNS1123_SUBDOMAIN_MSG);
        }
    }
}

fn validate_storage_class(e: &mut Errs, o: &Object) {
    let p = P::root();
    if o.field("provisioner").as_str().unwrap_or("").is_empty() {
        e.required(&p.k("provisioner"), "");
    }
    if let Some(r) = o.field("reclaimPolicy").as_str() {
        if !matches!(r, "Delete" | "Retain") {
            e.unsupported(&p.k("reclaimPolicy"), r, &["Delete", "Retain"]);
        }
    }
    if let Some(m) = o.field("volumeBindingMode").as_str() {
        if !matches!(m, "Immediate" | "WaitForFirstConsumer") {
            e.unsupported(
                &p.k("volumeBindingMode"),
                m,
                &["Immediate", "WaitForFirstConsumer"],
            );
        }
    }
}

fn validate_int_or_percent(e: &mut Errs, p: &P, v: &Value) {
    match v {
        Value::Number(n) if n.as_i64().is_some_and(|i| i < 0) => {
            e.invalid(p, n.to_string(), "must be greater than or equal to 0");
        }
        Value::String(s) => {
            let ok = s
                .strip_suffix('%')
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n <= 100);
            if !ok {
                e.invalid(p, quote(s), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
            }
        }
        _ => {}
    }
}

fn validate_pdb(e: &mut Errs, o: &Object) {
    let p = P::root().k("spec");
    let s = o.spec();
    let min = s.at("minAvailable");
    let max = s.at("maxUnavailable");
    if !min.is_null() && !max.is_null() {
        e.invalid(
            &p,
            "policy.PodDisruptionBudgetSpec{...}".into(),
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    validate_int_or_percent(e, &p.k("minAvailable"), min);
    validate_int_or_percent(e, &p.k("maxUnavailable"), max);
    if let Err(msg) = Selector::from_value(s.at("selector")) {
        e.invalid(&p.k("selector"), go_selector(s.at("selector")), msg);
    }
}

fn validate_service(e: &mut Errs, o: &Object) {
    let p = P::root().k("spec");
    let s = o.spec();
    let ty = s.str_at("type").unwrap_or("ClusterIP");
    if !matches!(
        ty,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        e.unsupported(
            &p.k("type"),
            ty,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        );
    }
    let headless = s.str_at("clusterIP") == Some("None");
    let ports = s.array_at("ports");
    if ports.is_empty() && !headless && ty != "ExternalName" {
        e.required(&p.k("ports"), "");
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let pp = p.k("ports").i(i);
        let name = port.str_at("name").unwrap_or("");
        if ports.len() > 1 && name.is_empty() {
            e.required(&pp.k("name"), "");
        } else if !name.is_empty() {
            if !is_dns1123_label(name) {
                e.invalid(&pp.k("name"), quote(name), DNS1123_LABEL_MSG);
            }
            if !names.insert(name.to_string()) {
                e.push(&pp.k("name"), ErrorType::Duplicate, quote(name), "");
            }
        }
        match port.i64_at("port") {
            None => e.required(&pp.k("port"), ""),
            Some(n) if !(1..=65535).contains(&n) => e.invalid(
                &pp.k("port"),
                n.to_string(),
                "must be between 1 and 65535, inclusive",
            ),
            _ => {}
        }
        let proto = port.str_at("protocol").unwrap_or("TCP");
        if !matches!(proto, "TCP" | "UDP" | "SCTP") {
            e.unsupported(&pp.k("protocol"), proto, &["SCTP", "TCP", "UDP"]);
        }
        if let Some(n) = port.i64_at("targetPort") {
            if !(1..=65535).contains(&n) {
                e.invalid(
                    &pp.k("targetPort"),
                    n.to_string(),
                    "must be between 1 and 65535, inclusive",
                );
            }
        }
    }
    if let Some(ip) = s.str_at("clusterIP") {
        if !ip.is_empty() && ip != "None" && ip.parse::<std::net::Ipv4Addr>().is_err() {
            e.invalid(
                &p.k("clusterIPs").i(0),
                quote(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    if let Some(sa) = s.str_at("sessionAffinity") {
        if !matches!(sa, "ClientIP" | "None") {
            e.unsupported(&p.k("sessionAffinity"), sa, &["ClientIP", "None"]);
        }
    }
}

fn validate_pod_spec(e: &mut Errs, p: &P, s: &Value, is_pod: bool) {
    let volumes = s.array_at("volumes");
    let mut vol_names = std::collections::BTreeSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let vp = p.k("volumes").i(i);
        let name = v.str_at("name").unwrap_or("");
        if name.is_empty() {
            e.required(&vp.k("name"), "");
        } else {
            dns_label_errors(e, &vp.k("name"), name);
            if !vol_names.insert(name.to_string()) {
                e.push(&vp.k("name"), ErrorType::Duplicate, quote(name), "");
            }
        }
        let sources = v
            .as_object()
            .map(|m| m.keys().filter(|k| *k != "name").count())
            .unwrap_or(0);
        if sources == 0 {
            e.required(&vp, "must specify a volume type");
        }
        if !v.at("persistentVolumeClaim").is_null()
            && v.str_at("persistentVolumeClaim.claimName")
                .unwrap_or("")
                .is_empty()
        {
            e.required(&vp.k("persistentVolumeClaim.claimName"), "");
        }
    }
    let containers = s.array_at("containers");
    if containers.is_empty() {
        e.required(&p.k("containers"), "");
    }
    let mut names = std::collections::BTreeSet::new();
    for field in ["initContainers", "containers"] {
        for (i, c) in s.array_at(field).iter().enumerate() {
            let cp = p.k(field).i(i);
            let name = c.str_at("name").unwrap_or("");
            if name.is_empty() {
                e.required(&cp.k("name"), "");
            } else {
                dns_label_errors(e, &cp.k("name"), name);
                if !names.insert(name.to_string()) {
                    e.push(&cp.k("name"), ErrorType::Duplicate, quote(name), "");
                }
            }
            if c.str_at("image").unwrap_or("").trim().is_empty() {
                e.required(&cp.k("image"), "");
            }
            if let Some(pp) = c.str_at("imagePullPolicy") {
                if !matches!(pp, "Always" | "IfNotPresent" | "Never") {
                    e.unsupported(
                        &cp.k("imagePullPolicy"),
                        pp,
                        &["Always", "IfNotPresent", "Never"],
                    );
                }
            }
            for (j, port) in c.array_at("ports").iter().enumerate() {
                let pp = cp.k("ports").i(j);
                match port.i64_at("containerPort") {
                    None => e.required(&pp.k("containerPort"), ""),
                    Some(n) if !(1..=65535).contains(&n) => e.invalid(
                        &pp.k("containerPort"),
                        n.to_string(),
                        "must be between 1 and 65535, inclusive",
                    ),
                    _ => {}
                }
                if let Some(n) = port.str_at("name") {
                    iana_svc_name(e, &pp.k("name"), n);
                }
            }
            for (j, m) in c.array_at("volumeMounts").iter().enumerate() {
                let mp = cp.k("volumeMounts").i(j);
                let name = m.str_at("name").unwrap_or("");
                if name.is_empty() {
                    e.required(&mp.k("name"), "");
                } else if !vol_names.contains(name) {
                    e.push(&mp.k("name"), ErrorType::NotFound, quote(name), "");
                }
                if m.str_at("mountPath").unwrap_or("").is_empty() {
                    e.required(&mp.k("mountPath"), "");
                }
            }
            for (j, env) in c.array_at("env").iter().enumerate() {
                if env.str_at("name").unwrap_or("").is_empty() {
                    e.required(&cp.k("env").i(j).k("name"), "");
                }
            }
            for which in ["requests", "limits"] {
                if let Some(m) = c.at(&format!("resources.{which}")).as_object() {
                    for res in m.keys() {
                        if !is_resource_name(res) {
                            let mut path = cp.k("resources").0;
                            path.push(Seg::Key(format!("{which}[{res}]")));
                            e.invalid(
                                &P(path),
                                quote(res),
                                "must be a standard resource type or fully qualified",
                            );
                            if let Some(last) = e.0.last_mut() {
                                last.at = Some(cp.k(&format!("resources.{which}")).0);
                            }
                        }
                    }
                }
            }
            // Requests may not exceed limits.
            let rq = c.at("resources.requests");
            let lim = c.at("resources.limits");
            if let (Some(rq), Some(lim)) = (rq.as_object(), lim.as_object()) {
                for (res, r) in rq {
                    let (Some(rv), Some(lv)) = (qty(r), lim.get(res).and_then(qty)) else {
                        continue;
                    };
                    if rv > lv {
                        let rs = r
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| r.to_string());
                        let ls = lim
                            .get(res)
                            .map(|l| {
                                l.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| l.to_string())
                            })
                            .unwrap_or_default();
                        e.invalid(
                            &cp.k("resources.requests"),
                            quote(&rs),
                            format!("must be less than or equal to {res} limit of {ls}"),
                        );
                    }
                }
            }
        }
    }
    let rp = s.str_at("restartPolicy").unwrap_or("Always");
    if is_pod && !matches!(rp, "Always" | "OnFailure" | "Never") {
        e.unsupported(&p.k("restartPolicy"), rp, &["Always", "OnFailure", "Never"]);
    }
    if let Some(dp) = s.str_at("dnsPolicy") {
        if !matches!(
            dp,
            "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None"
        ) {
            e.unsupported(
                &p.k("dnsPolicy"),
                dp,
                &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
            );
        }
    }
    if let Some(g) = s.i64_at("terminationGracePeriodSeconds") {
        if g < 0 {
            e.invalid(
                &p.k("terminationGracePeriodSeconds"),
                g.to_string(),
                "must be greater than or equal to 0",
            );
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        let terms = s.array_at(&format!(
            "affinity.{kind}.requiredDuringSchedulingIgnoredDuringExecution"
        ));
        for (i, t) in terms.iter().enumerate() {
            if t.str_at("topologyKey").unwrap_or("").is_empty() {
                e.required(
                    &p.k(&format!(
                        "affinity.{kind}.requiredDuringSchedulingIgnoredDuringExecution"
                    ))
                    .i(i)
                    .k("topologyKey"),
                    "can not be empty",
                );
            }
        }
    }
    for (i, t) in s.array_at("tolerations").iter().enumerate() {
        let op = t.str_at("operator").unwrap_or("Equal");
        if !matches!(op, "Equal" | "Exists") {
            e.unsupported(
                &p.k("tolerations").i(i).k("operator"),
                op,
                &["Equal", "Exists"],
            );
        }
    }
}

/// IANA_SVC_NAME, the rule for port names (`IsValidPortName`).
fn iana_svc_name(e: &mut Errs, p: &P, n: &str) {
    if n.len() > 15 {
        e.invalid(p, quote(n), "must be no more than 15 characters");
    }
    if !n
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        e.invalid(
            p,
            quote(n),
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        );
    }
    if n.contains("--") {
        e.invalid(p, quote(n), "must not contain consecutive hyphens");
    }
    if !n.bytes().any(|b| b.is_ascii_lowercase()) {
        e.invalid(p, quote(n), "must contain at least one letter (a-z)");
    }
    if n.starts_with('-') || n.ends_with('-') {
        e.invalid(p, quote(n), "must not begin or end with a hyphen");
    }
}

/// Standard container resources, or a fully qualified (`example.com/gpu`) one.
fn is_resource_name(r: &str) -> bool {
    matches!(
        r,
        "cpu" | "memory" | "ephemeral-storage" | "storage" | "pods"
    ) || r.starts_with("hugepages-")
        || r.split_once('/')
            .is_some_and(|(pre, name)| is_dns1123_subdomain(pre) && !name.is_empty())
}

fn qty(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => parse_quantity(s),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn forbidden(p: &P, detail: &str) -> FieldError {
    FieldError {
        path: p.0.clone(),
        kind: ErrorType::Forbidden,
        value: String::new(),
        detail: detail.into(),
        at: None,
    }
}

fn immutable(p: &P, value: String) -> FieldError {
    FieldError {
        path: p.0.clone(),
        kind: ErrorType::Invalid,
        value,
        detail: "field is immutable".into(),
        at: None,
    }
}

/// Update validation: what may not change once created, with upstream's
/// wording (`ValidateStatefulSetUpdate`, `ValidatePersistentVolumeClaimUpdate`,
/// `ValidateServiceUpdate`, the apps/v1 selectors). Also validates the new
/// object as on create. `Err` holds the API server's message (see
/// `kubectl_invalid` for how kubectl prints it).
pub fn validate_update(old: &Object, new: &Object, gates: &FeatureGates) -> Result<(), String> {
    let mut errs = validate_object_fields(new, gates, Some(old));
    let spec = P::root().k("spec");
    let (os, ns) = (old.spec(), new.spec());
    match new.kind {
        Kind::StatefulSet => {
            // Everything but the mutable fields must be equal.
            const MUTABLE: [&str; 7] = [
                "replicas",
                "ordinals",
                "template",
                "updateStrategy",
                "revisionHistoryLimit",
                "persistentVolumeClaimRetentionPolicy",
                "minReadySeconds",
            ];
            let strip = |v: &Value| -> Value {
                let mut v = v.clone();
                if let Some(m) = v.as_object_mut() {
                    for f in MUTABLE {
                        m.remove(f);
                    }
                }
                v
            };
            let mut od = old.clone();
            let mut nd = new.clone();
            crate::sim::defaults::apply(&mut od);
            crate::sim::defaults::apply(&mut nd);
            if strip(od.spec()) != strip(nd.spec()) {
                errs.push(forbidden(&spec, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
            }
        }
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet
            if os.at("selector") != ns.at("selector") =>
        {
            errs.push(immutable(
                &spec.k("selector"),
                go_selector(ns.at("selector")),
            ));
        }
        Kind::PersistentVolumeClaim => {
            let strip = |v: &Value| -> Value {
                let mut v = v.clone();
                if let Some(m) = v.as_object_mut() {
                    m.remove("resources");
                    m.remove("volumeAttributesClassName");
                    // The binder fills volumeName once; setting it is allowed.
                    if m.get("volumeName").is_some_and(|x| x.as_str() == Some("")) {
                        m.remove("volumeName");
                    }
                }
                v
            };
            let mut o2 = strip(os);
            let n2 = strip(ns);
            if os.str_at("volumeName").unwrap_or("").is_empty() {
                if let (Some(o), Some(vn)) = (o2.as_object_mut(), n2.get("volumeName")) {
                    o.insert("volumeName".into(), vn.clone());
                }
            }
            if o2 != n2 {
                errs.push(forbidden(&spec, "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
            } else if let (Some(o), Some(n)) = (
                os.at("resources.requests.storage")
                    .as_str()
                    .and_then(parse_quantity),
                ns.at("resources.requests.storage")
                    .as_str()
                    .and_then(parse_quantity),
            ) {
                if n < o {
                    errs.push(forbidden(
                        &P({
                            let mut v = spec.0.clone();
                            v.push(Seg::Key("resources".into()));
                            v.push(Seg::Key("requests".into()));
                            v.push(Seg::Key("storage".into()));
                            v
                        }),
                        "field can not be less than previous value",
                    ));
                }
            }
        }
        Kind::Service => {
            let oip = os.str_at("clusterIP").unwrap_or("");
            let nip = ns.str_at("clusterIP").unwrap_or("");
            if !oip.is_empty() && !nip.is_empty() && oip != nip {
                errs.push(FieldError {
                    path: spec.k("clusterIPs").i(0).0,
                    kind: ErrorType::Invalid,
                    value: format!("[]string{{{}}}", quote(nip)),
                    detail: "may not change once set".into(),
                    at: Some(spec.k("clusterIP").0),
                });
            }
        }
        Kind::PersistentVolume => {
            let src =
                |v: &Value| -> Vec<Value> { PV_SOURCES.iter().map(|k| v.at(k).clone()).collect() };
            if src(os) != src(ns) {
                errs.push(forbidden(
                    &spec.k("persistentvolumesource"),
                    "spec.persistentvolumesource is immutable after creation",
                ));
            }
        }
        Kind::Pod => {
            // ValidatePodUpdate: only images, activeDeadlineSeconds, added
            // tolerations and the grace period may change; binding
            // (nodeName from empty) is the scheduler's subresource.
            let strip = |v: &Value, other: &Value| -> Value {
                let mut v = v.clone();
                if let Some(m) = v.as_object_mut() {
                    for f in ["initContainers", "containers"] {
                        if let Some(cs) = m.get_mut(f).and_then(Value::as_array_mut) {
                            for c in cs {
                                if let Some(c) = c.as_object_mut() {
                                    c.remove("image");
                                }
                            }
                        }
                    }
                    m.remove("activeDeadlineSeconds");
                    m.remove("terminationGracePeriodSeconds");
                    if other.str_at("nodeName").unwrap_or("").is_empty() {
                        m.remove("nodeName");
                    }
                    // Tolerations may only grow: keep the old ones to compare.
                    m.remove("tolerations");
                }
                v
            };
            let old_tol = os.array_at("tolerations");
            let new_tol = ns.array_at("tolerations");
            let kept = old_tol.iter().all(|t| new_tol.contains(t));
            if strip(os, os) != strip(ns, os) || !kept {
                errs.push(forbidden(&spec, "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
            }
        }
        Kind::StorageClass => {
            for f in [
                "provisioner",
                "parameters",
                "reclaimPolicy",
                "volumeBindingMode",
            ] {
                if old.field(f) != new.field(f) {
                    let p = P::root().k(f);
                    if f == "volumeBindingMode" {
                        errs.push(immutable(&p, quote(new.field(f).as_str().unwrap_or(""))));
                    } else {
                        errs.push(forbidden(&p, &format!("updates to {f} are forbidden.")));
                    }
                }
            }
        }
        Kind::ConfigMap | Kind::Secret if old.field("immutable").as_bool() == Some(true) => {
            for f in ["data", "binaryData", "stringData"] {
                if old.field(f) != new.field(f) {
                    errs.push(forbidden(
                        &P::root().k(f),
                        "field is immutable when `immutable` is set",
                    ));
                }
            }
        }
        _ => {}
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(status_message(new.kind, &new.meta.name, &errs))
    }
}
