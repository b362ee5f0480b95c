//! Node selectors as upstream's `nodeaffinity` package reads them: one
//! implementation for the scheduler, DaemonSets and PV node affinity.

use super::object::{Object, ValueExt};
use serde_json::Value;

/// One `NodeSelectorRequirement` against a node's labels (or fields).
pub fn requirement_matches(req: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = req
        .array_at("values")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    match req.str_at("operator").unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if op == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// A `NodeSelectorTerm`: every expression and field requirement holds. A
/// term with neither matches nothing, as upstream.
pub fn node_selector_term_matches(term: &Value, node: &Object) -> bool {
    let exprs = term.array_at("matchExpressions");
    let fields = term.array_at("matchFields");
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs.iter().all(|r| {
        let key = r.str_at("key").unwrap_or("");
        requirement_matches(r, node.meta.labels.get(key).map(String::as_str))
    }) && fields.iter().all(|r| {
        let value = match r.str_at("key") {
            Some("metadata.name") => Some(node.name()),
            _ => None,
        };
        requirement_matches(r, value)
    })
}

/// A `NodeSelector` (ORed terms).
pub fn node_selector_matches(selector: &Value, node: &Object) -> bool {
    selector
        .array_at("nodeSelectorTerms")
        .iter()
        .any(|t| node_selector_term_matches(t, node))
}
