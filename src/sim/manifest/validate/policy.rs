//! `pkg/apis/policy/validation`: PodDisruptionBudgets.

use super::*;

pub(super) fn validate_int_or_percent(e: &mut Errs, p: &P, v: &Value) {
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

pub(super) fn validate_pdb(e: &mut Errs, o: &Object) {
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
