//! The API server's validation (`pkg/apis/*/validation`), for the fields
//! Ordinal simulates, with upstream's field paths and wording. Here: field
//! errors and their messages, object metadata and names
//! (`apimachinery/pkg/api/validation`), and the dispatch by kind for create
//! and update; the rules of each API group are in its own file.

mod apps;
mod core;
mod policy;
mod storage;

use self::core::*;
use super::positions::{path_string, Seg};
use super::quantity::parse_quantity;
use crate::sim::features::FeatureGates;
use crate::sim::object::{scalar_text, Kind, Labels, Object, ValueExt};
use crate::sim::selector::Selector;
use apps::*;
use policy::*;
use serde_json::Value;
use storage::*;

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
    s.len() <= 63 && dns1123_label_chars_ok(s)
}

/// The RFC 1123 label pattern, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, without
/// the length limit (which upstream reports as an error of its own).
fn dns1123_label_chars_ok(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Upstream's `IsDNS1123Subdomain`: at most 253 characters matching the
/// subdomain pattern; the dot-separated parts have no length limit of
/// their own (a 70-character name without dots is a valid Pod name).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && dns1123_subdomain_chars_ok(s)
}

fn dns1123_subdomain_chars_ok(s: &str) -> bool {
    s.split('.').all(dns1123_label_chars_ok)
}

/// `NameIsDNSSubdomain`'s errors: the length and the pattern are two
/// errors, as upstream's `IsDNS1123Subdomain` reports them.
fn dns_subdomain_errors(e: &mut Errs, p: &P, s: &str) {
    if s.len() > 253 {
        e.invalid(p, quote(s), "must be no more than 253 characters");
    }
    if !dns1123_subdomain_chars_ok(s) {
        e.invalid(p, quote(s), DNS1123_SUBDOMAIN_MSG);
    }
}

pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn dns_label_errors(e: &mut Errs, p: &P, s: &str) {
    if s.len() > 63 {
        e.invalid(p, quote(s), "must be no more than 63 characters");
    }
    // The length is its own error, as upstream's IsDNS1123Label reports.
    if !dns1123_label_chars_ok(s) {
        e.invalid(p, quote(s), DNS1123_LABEL_MSG);
    }
}

/// Upstream's `IsValidLabelValue`: its errors for `s`, none when valid
/// (kubectl checks label values itself before it sends them).
pub fn label_value_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let chars_ok = s.is_empty()
        || (s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric());
    if !chars_ok {
        errs.push(LABEL_VALUE_MSG.to_string());
    }
    errs
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
        // `IsValidLabelValue`: a long value is "no more than 63
        // characters", its own error beside the pattern's.
        for msg in label_value_errors(v) {
            e.invalid(p, quote(v), msg);
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
            // `ValidateNamespaceName` and, since v1.27 (kubernetes#114172),
            // `ValidateStatefulSetName` are `NameIsDNSLabel`: a set's name
            // becomes its pods' `spec.hostname`, a DNS label.
            Kind::Namespace | Kind::StatefulSet => dns_label_errors(e, &md.k("name"), name),
            _ => dns_subdomain_errors(e, &md.k("name"), name),
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
    prepare(&mut d, gates, old);
    validate_prepared(&d)
}

/// Defaulting, then the strategies' PrepareForCreate/PrepareForUpdate,
/// which run before validation: a disabled gate's field is gone by then.
fn prepare(d: &mut Object, gates: &FeatureGates, old: Option<&Object>) {
    crate::sim::defaults::apply(d);
    crate::sim::defaults::drop_disabled_fields(d, old, gates);
}

/// `rest.BeforeCreate` for an object a controller is about to create: it
/// is defaulted and prepared in place, then validated, so the API server's
/// own defaulting of it finds nothing left to do (and nothing is copied to
/// validate it). `Err` holds the API server's message, as `validate_object`.
pub fn before_create(o: &mut Object, gates: &FeatureGates) -> Result<(), String> {
    prepare(o, gates, None);
    as_result(o, validate_prepared(o))
}

fn as_result(o: &Object, errs: Vec<FieldError>) -> Result<(), String> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(status_message(o.kind, &o.meta.name, &errs))
    }
}

/// The validation of a defaulted and prepared object.
fn validate_prepared(d: &Object) -> Vec<FieldError> {
    let mut e = Errs::default();
    validate_meta(&mut e, d);
    let spec = P::root().k("spec");
    match d.kind {
        Kind::Pod => validate_pod_spec(&mut e, &spec, d.spec(), true),
        Kind::StatefulSet => validate_statefulset(&mut e, d),
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
        Kind::Service => validate_service(&mut e, d),
        Kind::PersistentVolume => validate_pv(&mut e, d),
        Kind::PersistentVolumeClaim => validate_pvc_spec(&mut e, &spec, d.spec()),
        Kind::StorageClass => validate_storage_class(&mut e, d),
        Kind::PodDisruptionBudget => validate_pdb(&mut e, d),
        Kind::ConfigMap | Kind::Secret => validate_config_data(&mut e, d),
        _ => {}
    }
    e.0
}

/// Validates an object as the API server does on create; `Err` holds the
/// API server's message (`StatefulSet.apps "web" is invalid: ...`, what a
/// FailedCreate event quotes); `kubectl_invalid` gives kubectl's form.
pub fn validate_object(o: &Object, gates: &FeatureGates) -> Result<(), String> {
    as_result(o, validate_object_fields(o, gates, None))
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
    match new.kind {
        Kind::StatefulSet => validate_statefulset_update(&mut errs, old, new),
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
            validate_selector_update(&mut errs, old, new)
        }
        Kind::PersistentVolumeClaim => validate_pvc_update(&mut errs, old, new),
        Kind::Service => validate_service_update(&mut errs, old, new),
        Kind::PersistentVolume => validate_pv_update(&mut errs, old, new),
        Kind::Pod => validate_pod_update(&mut errs, old, new),
        Kind::StorageClass => validate_storage_class_update(&mut errs, old, new),
        Kind::ConfigMap | Kind::Secret => validate_config_update(&mut errs, old, new),
        _ => {}
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(status_message(new.kind, &new.meta.name, &errs))
    }
}
