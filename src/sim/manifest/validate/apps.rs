//! The rolling-update rules of `pkg/apis/apps/validation` (v1.31):
//! `validateRollingUpdateStatefulSet` and the int-or-percent helpers it
//! shares with Deployments and DaemonSets (`ValidatePositiveIntOrPercent`,
//! `getIntOrPercentValue`, `IsNotMoreThan100Percent`).
//!
//! A bad value prints as the API server's `field.Error` prints an
//! `intstr.IntOrString` in v1.31: Go's `%#v` of the struct
//! (`intstr.IntOrString{Type:0, IntVal:0, StrVal:""}`), because its
//! `String` method has a pointer receiver.

use super::{quote, Errs, P};
use serde_json::Value;

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
