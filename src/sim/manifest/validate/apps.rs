//! `pkg/apis/apps/validation`: StatefulSets and the selector, replicas
//! and pod template rules the workload kinds share.

use super::*;

pub(super) fn validate_replicas(e: &mut Errs, spec: &P, s: &Value) {
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
pub(super) fn validate_selector(e: &mut Errs, spec: &P, s: &Value, kind: Kind) -> Option<Selector> {
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

/// The pod template of a controller: labels match the selector; the pod
/// spec is valid (the StatefulSet's is not checked, as upstream).
pub(super) fn validate_template(
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

pub(super) fn validate_statefulset(e: &mut Errs, o: &Object) {
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
        "RollingUpdate" => rolling_update_statefulset(
            e,
            &spec.k("updateStrategy.rollingUpdate"),
            s.at("updateStrategy.rollingUpdate"),
        ),
        "OnDelete" => {
            if !s.at("updateStrategy.rollingUpdate").is_null() {
                e.invalid(
                    &spec.k("updateStrategy.rollingUpdate"),
                    go_rolling_update(s.at("updateStrategy.rollingUpdate")),
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

/// Go's `%#v` of the internal `apps.RollingUpdateStatefulSetStrategy`, as
/// a field error quotes a struct: `Partition` an int32 (0 when unset),
/// `MaxUnavailable` a pointer, shown by its address when set (any address:
/// upstream's differs from run to run). The tutorial's `kubectl patch ...
/// {"type":"OnDelete"}` meets it, the defaulted `partition: 0` kept by the
/// strategic merge.
fn go_rolling_update(v: &Value) -> String {
    let max = match v.at("maxUnavailable") {
        Value::Null => "(*intstr.IntOrString)(nil)",
        _ => "(*intstr.IntOrString)(0xc000a4e3c0)",
    };
    format!(
        "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{max}}}",
        v.i64_at("partition").unwrap_or(0)
    )
}

/// `ValidateStatefulSetUpdate`: only the mutable fields of the spec change.
pub(super) fn validate_statefulset_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    let spec = P::root().k("spec");
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

/// The apps/v1 workloads' selectors are immutable (`ValidateDeploymentUpdate`, `ValidateReplicaSetUpdate`, `ValidateDaemonSetUpdate`).
pub(super) fn validate_selector_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    let spec = P::root().k("spec");
    let (os, ns) = (old.spec(), new.spec());
    if os.at("selector") != ns.at("selector") {
        errs.push(immutable(
            &spec.k("selector"),
            go_selector(ns.at("selector")),
        ));
    }
}

// The rolling-update rules of `pkg/apis/apps/validation` (v1.31):
// `validateRollingUpdateStatefulSet` and the int-or-percent helpers it
// shares with Deployments and DaemonSets (`ValidatePositiveIntOrPercent`,
// `getIntOrPercentValue`, `IsNotMoreThan100Percent`).
//
// A bad value prints as the API server's `field.Error` prints an
// `intstr.IntOrString` in v1.31: Go's `%#v` of the struct
// (`intstr.IntOrString{Type:0, IntVal:0, StrVal:""}`), because its
// `String` method has a pointer receiver.
/// `validation.IsValidPercent`'s message (a `RegexError`).
const PERCENT_MSG: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// `[0-9]+%`.
fn is_valid_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Go's `%#v` of an `intstr.IntOrString` holding `v`.
pub(super) fn go_int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => format!(
            "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
            quote(s)
        ),
        other => format!(
            "intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}",
            other.as_i64().unwrap_or(0)
        ),
    }
}

/// Go's `strconv.Atoi` with its error ignored, as `IntValue()` and
/// `getPercentValue` use it: 0 for no number, the nearest int64 for one
/// out of range.
fn go_atoi(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    s.parse::<i64>().unwrap_or(if s.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// `getIntOrPercentValue`: a valid percent's number, else `IntValue()`.
fn int_or_percent_value(v: &Value) -> i64 {
    match v {
        Value::String(s) if is_valid_percent(s) => go_atoi(s.trim_end_matches('%')),
        Value::String(s) => go_atoi(s),
        other => other.as_i64().unwrap_or(0),
    }
}

/// `ValidatePositiveIntOrPercent`: a valid percent string, or an integer
/// that is not negative.
fn positive_int_or_percent(e: &mut Errs, p: &P, v: &Value) {
    match v {
        Value::String(s) if !is_valid_percent(s) => e.invalid(p, go_int_or_string(v), PERCENT_MSG),
        Value::String(_) => {}
        other => {
            let n = other.as_i64().unwrap_or(0);
            if n < 0 {
                e.invalid(p, n.to_string(), "must be greater than or equal to 0");
            }
        }
    }
}

/// `IsNotMoreThan100Percent`.
fn not_more_than_100_percent(e: &mut Errs, p: &P, v: &Value) {
    if matches!(v, Value::String(s) if is_valid_percent(s)) && int_or_percent_value(v) > 100 {
        e.invalid(p, go_int_or_string(v), "must not be greater than 100%");
    }
}

/// `validateRollingUpdateStatefulSet`: `partition` not negative;
/// `maxUnavailable` (when the API server kept it: `MaxUnavailableStatefulSet`
/// on) a positive integer or percent, not 0, not above 100%.
pub(super) fn rolling_update_statefulset(e: &mut Errs, p: &P, ru: &Value) {
    if let Some(n) = ru.get("partition").and_then(Value::as_i64) {
        if n < 0 {
            e.invalid(
                &p.k("partition"),
                n.to_string(),
                "must be greater than or equal to 0",
            );
        }
    }
    let Some(mu) = ru.get("maxUnavailable").filter(|v| !v.is_null()) else {
        return;
    };
    let mp = p.k("maxUnavailable");
    positive_int_or_percent(e, &mp, mu);
    if int_or_percent_value(mu) == 0 {
        e.invalid(&mp, go_int_or_string(mu), "cannot be 0");
    }
    not_more_than_100_percent(e, &mp, mu);
}
