//! How Go prints the unstructured values kubectl's JSONPath engine works
//! on (`map[string]interface{}`, `[]interface{}`, `string`, `int64`,
//! `float64`, `bool`, `nil`): `json.Marshal` for maps and slices,
//! `fmt.Fprint` for scalars, `%v` for custom columns, `%#v` and `%q` for
//! error texts, and the reflect type names errors mention.

use crate::sim::sort;
use serde_json::Value;

/// Go's `%v` of a float64 (`'g'`, shortest): exponent form when the
/// exponent is below -4 or from 6 on (`1e+06`, `1e-05`).
fn go_float(f: f64) -> String {
    go_float_with(f, -4, 6)
}

fn go_float_with(f: f64, min_exp: i32, max_exp: i32) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as Go does.
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < min_exp || exp >= max_exp {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

fn is_int(n: &serde_json::Number) -> bool {
    n.is_i64() || n.is_u64()
}

/// `fmt.Fprint` of a scalar (`evalToText`); maps and slices go through
/// `go_json` before this is called.
pub(super) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if is_int(n) => n.to_string(),
        Value::Number(n) => go_float(n.as_f64().unwrap_or(0.0)),
        other => go_json(other),
    }
}

/// `json.Marshal`: compact, keys sorted, `<`, `>`, `&` escaped for HTML.
pub(super) fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    // Runs of characters that need no escape are copied whole.
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<std::borrow::Cow<'static, str>> = match c {
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\n' => Some("\\n".into()),
            '\r' => Some("\\r".into()),
            '\t' => Some("\\t".into()),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                Some(format!("\\u{:04x}", c as u32).into())
            }
            c if (c as u32) < 0x20 => Some(format!("\\u{:04x}", c as u32).into()),
            _ => None,
        };
        if let Some(e) = esc {
            out.push_str(&s[start..i]);
            out.push_str(&e);
            start = i + c.len_utf8();
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) if is_int(n) => out.push_str(&n.to_string()),
        Value::Number(n) => {
            // encoding/json: 'f' form unless the exponent is below -6 or
            // from 21, then 'e' form with a two-digit exponent minimum
            // trimmed (`1e-07` becomes `1e-7`).
            let s = go_float_with(n.as_f64().unwrap_or(0.0), -6, 21);
            out.push_str(&s.replace("e-0", "e-").replace("e+0", "e+"));
        }
        Value::String(s) => json_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            // serde_json's map is sorted by key (no `preserve_order`), as
            // encoding/json sorts a map's keys.
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

/// `fmt.Sprint` (`%v`): `map[a:1 b:x]`, `[1 2]`, `<nil>`.
pub(super) fn sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Array(a) => format!("[{}]", a.iter().map(sprint).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", sprint(&m[k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        other => text(other),
    }
}

/// `%q` of a string: double-quoted with Go's escapes.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%#v` of an unstructured value, as kubectl's jsonpath error shows the
/// object it was given.
pub(super) fn sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if is_int(n) => n.to_string(),
        Value::Number(n) => go_float(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => quote(s),
        Value::Array(a) => format!(
            "[]interface {{}}{{{}}}",
            a.iter().map(sharp_v).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", quote(k), sharp_v(&m[k])))
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

/// The reflect type an error names (`%v` of `value.Type()`).
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(n) if is_int(n) => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_print_as_go_prints_them() {
        assert_eq!(text(&json!(0.5)), "0.5");
        assert_eq!(text(&json!(80)), "80");
        assert_eq!(text(&json!(1.0e6)), "1e+06");
        assert_eq!(text(&json!(123456.5)), "123456.5");
        assert_eq!(text(&json!(0.00001)), "1e-05");
        assert_eq!(text(&Value::Null), "null");
        assert_eq!(
            go_json(&json!({"b": "<x>", "a": [1, 2.5]})),
            r#"{"a":[1,2.5],"b":"\u003cx\u003e"}"#
        );
        assert_eq!(
            sprint(&json!({"b": [1, "x"], "a": null})),
            "map[a:<nil> b:[1 x]]"
        );
        assert_eq!(
            sharp_v(&json!({"k": [1, "v"], "n": null})),
            r#"map[string]interface {}{"k":[]interface {}{1, "v"}, "n":interface {}(nil)}"#
        );
        assert_eq!(quote("{.a\"b}\n"), r#""{.a\"b}\n""#);
    }
}
