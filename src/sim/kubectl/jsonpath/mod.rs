//! kubectl's JSONPath templates as client-go's `util/jsonpath` runs them
//! (`parser.go`, `jsonpath.go`): `{.a.b}`, `{.a\.b}` (an escaped dot in a
//! key), `{.items[*].metadata.name}`, indices and slices with negative
//! bounds and steps, unions `[0,2]`, `['a.b']` keys, filters
//! `[?(@.x=="y")]` with `== != < > <= >=` and existence, recursive
//! descent `..`, `{range}`/`{end}`, literals `{"\n"}`; missing keys print
//! nothing (kubectl's default `--allow-missing-template-keys=true`).
//! Errors carry kubectl's texts. Also `custom-columns` and the relaxed
//! paths of `--sort-by`.

mod eval;
mod gofmt;
mod gotemplate;
mod parser;
#[cfg(test)]
mod tests;

use serde_json::Value;
use std::borrow::Cow;

pub use gotemplate::render as render_go_template;

/// Runs a template against a value (an object, or a `List` of them), as
/// `kubectl -o jsonpath=...` prints it.
pub fn render(template: &str, root: &Value) -> Result<String, String> {
    render_opts(template, root, true)
}

/// `render`, with `--allow-missing-template-keys` given.
pub fn render_opts(template: &str, root: &Value, allow_missing: bool) -> Result<String, String> {
    render_with(template, root, allow_missing, false)
}

/// `-o jsonpath-as-json=...` (client-go's `EnableJSONOutput`): each
/// top-level node's results as one JSON array, indented by four spaces,
/// each followed by a newline.
pub fn render_as_json(template: &str, root: &Value, allow_missing: bool) -> Result<String, String> {
    render_with(template, root, allow_missing, true)
}

fn render_with(
    template: &str,
    root: &Value,
    allow_missing: bool,
    as_json: bool,
) -> Result<String, String> {
    let nodes = parser::parse(template)
        .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))?;
    let mut exec = eval::Exec::new(allow_missing);
    let results = exec
        .find_results(Cow::Borrowed(root), &nodes, 0)
        .map_err(|e| executing_error(template, root, &e))?;
    let mut out = String::new();
    for r in &results {
        if as_json {
            let list = Value::Array(r.iter().map(|v| v.as_ref().clone()).collect());
            out.push_str(&super::printers::to_json(&list));
            out.push('\n');
            if out.len() > eval::OUTPUT_LIMIT {
                return Err(executing_error(template, root, &eval::output_limit_error()));
            }
        } else {
            eval::print_results(r, &mut out).map_err(|e| executing_error(template, root, &e))?;
        }
    }
    Ok(out)
}

/// kubectl's `JSONPathPrinter` error: the template and the object it was
/// given, for debugging.
fn executing_error(template: &str, root: &Value, e: &str) -> String {
    format!(
        "error: error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
        gofmt::quote(template),
        gofmt::sharp_v(root)
    )
}

/// The values a path finds, printed as `fmt.Sprint` does (custom columns,
/// sort keys); `Ok(None)` when it finds nothing.
fn find_sprint(nodes: &[parser::Node], item: &Value) -> Result<Option<Vec<String>>, String> {
    let mut exec = eval::Exec::new(true);
    let results = exec.find_results(Cow::Borrowed(item), nodes, 0)?;
    if results.first().is_none_or(|r| r.is_empty()) {
        return Ok(None);
    }
    Ok(Some(
        results.iter().flatten().map(|v| gofmt::sprint(v)).collect(),
    ))
}

/// `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all
/// mean `{.a.b}`.
pub fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let inner = match expr.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
        Some(x) => x,
        None => expr,
    };
    let field = inner.strip_prefix('.').unwrap_or(inner);
    if field.is_empty() || field.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{field}}}"))
}

/// The key `--sort-by` sorts an item by: its first value, as text.
pub fn sort_key(expr: &str, item: &Value) -> Result<String, String> {
    let t = relaxed(expr).map_err(|e| format!("error: {e}"))?;
    let nodes = parser::parse(&t).map_err(|e| format!("error: {e}"))?;
    Ok(find_sprint(&nodes, item)
        .map_err(|e| format!("error: {e}"))?
        .and_then(|v| v.into_iter().next())
        .unwrap_or_default())
}

/// `fmt.Sprint` of an unstructured value (`map[a:b]`, `[x y]`, `<nil>`).
pub fn sprint(v: &Value) -> String {
    gofmt::sprint(v)
}

/// How a value prints in `describe`: strings raw, null as nothing, the
/// rest as JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => crate::sim::object::json_text(other),
    }
}

/// `-o custom-columns=NAME:.metadata.name,...`: (header, values per item).
/// Each column's path is relaxed, missing values print `<none>`, several
/// join with commas (kubectl's `CustomColumnsPrinter`).
pub fn custom_columns(spec: &str, items: &[Value]) -> Result<Vec<Vec<String>>, String> {
    let mut cols = Vec::new();
    for part in spec.split(',') {
        let Some((h, path)) = part.split_once(':') else {
            return Err(format!(
                "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ));
        };
        let t = relaxed(path).map_err(|e| format!("error: {e}"))?;
        cols.push((
            h.to_string(),
            parser::parse(&t).map_err(|e| format!("error: {e}"))?,
        ));
    }
    let mut rows = vec![cols.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>()];
    for it in items {
        let mut row = Vec::new();
        for (_, nodes) in &cols {
            let vals = find_sprint(nodes, it).map_err(|e| format!("error: {e}"))?;
            row.push(match vals {
                Some(v) => v.join(","),
                None => "<none>".into(),
            });
        }
        rows.push(row);
    }
    Ok(rows)
}
