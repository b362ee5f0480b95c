//! YAML as kubectl prints it: `sigs.k8s.io/yaml` turns the object's JSON
//! into go-yaml v2's output. Keys are sorted, sequences sit at their
//! key's indentation, and a string that YAML 1.1 would read as something
//! else (`"1"`, `"true"`, `"y"`, a timestamp) is double-quoted; one that
//! cannot be plain (`'*'`, `': '`) is single-quoted; a multi-line string is
//! a literal block.

use serde_json::Value;

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => sequence(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn mapping(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    // serde_json's maps iterate in key order, as go-yaml sorts them.
    let mut first = true;
    for (k, v) in m {
        if !first {
            out.push_str(&" ".repeat(indent));
        }
        first = false;
        out.push_str(&string(k, indent));
        out.push(':');
        value_after_key(out, v, indent);
    }
}

/// What follows `key:` (or `- ` for a sequence item's scalar).
fn value_after_key(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            mapping(out, m, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            sequence(out, a, indent);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

fn sequence(out: &mut String, a: &[Value], indent: usize) {
    let mut first = true;
    for v in a {
        if !first {
            out.push_str(&" ".repeat(indent));
        }
        first = false;
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => mapping(out, m, indent + 2),
            Value::Array(inner) if !inner.is_empty() => sequence(out, inner, indent + 2),
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, indent),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string in go-yaml v2's style; `indent` is where a literal block's
/// lines start.
fn string(s: &str, indent: usize) -> String {
    if s.contains('\n') {
        // A space before a line break, or at the very end, rules out a block.
        let block = !s.contains(" \n")
            && !s.ends_with(' ')
            && s.chars().all(|c| c == '\n' || !c.is_control() || c == '\t');
        return if block {
            literal(s, indent)
        } else {
            double_quoted(s)
        };
    }
    if s.is_empty() || resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if s.chars().any(|c| c.is_control() && c != '\t') || s.contains('\t') && !plain_allowed(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A literal block: `|`, `|-` without a final newline, `|+` with several;
/// an indentation indicator when the first line starts with a space.
fn literal(s: &str, indent: usize) -> String {
    let chomp = if !s.ends_with('\n') {
        "-"
    } else if s.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let hint = if s.starts_with(' ') || s.starts_with('\n') {
        "2"
    } else {
        ""
    };
    let mut out = format!("|{hint}{chomp}");
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
    }
    out
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml v2's `resolve`: would this plain scalar be read as a bool,
/// null, number or timestamp?
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return false;
    }
    is_int(s) || is_float(s) || is_base60(s) || is_timestamp(s)
}

fn is_int(s: &str) -> bool {
    let t = s.replace('_', "");
    let t = t.strip_prefix(['+', '-']).unwrap_or(&t);
    if let Some(b) = t.strip_prefix("0b") {
        return !b.is_empty() && b.chars().all(|c| c == '0' || c == '1');
    }
    if let Some(h) = t.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let t = s.replace('_', "");
    let t = t.strip_prefix(['+', '-']).unwrap_or(&t);
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => {
            (!a.is_empty() || !b.is_empty())
                && a.chars().all(|c| c.is_ascii_digit())
                && b.chars().all(|c| c.is_ascii_digit())
                && !(a.is_empty() && b.is_empty())
        }
        None => !mant.is_empty() && mant.chars().all(|c| c.is_ascii_digit()),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok
}

/// Sexagesimal numbers (`1:20`), which YAML 1.1 reads as numbers.
fn is_base60(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = t.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !head.is_empty()
        && head.chars().all(|c| c.is_ascii_digit())
        && rest.iter().enumerate().all(|(i, p)| {
            let p = if i == rest.len() - 1 {
                p.split_once('.').map(|(a, _)| a).unwrap_or(p)
            } else {
                p
            };
            !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit())
        })
}

/// `2006-01-02`, `2006-01-02T15:04:05Z` and the other layouts go-yaml v2
/// parses as timestamps.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.end <= b.len() && b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b.get(4) == Some(&b'-')) {
        return false;
    }
    // YYYY-M-D or YYYY-MM-DD, then an optional time.
    let rest = &s[5..];
    let mut it = rest.splitn(2, '-');
    let (Some(m), Some(tail)) = (it.next(), it.next()) else {
        return false;
    };
    if m.is_empty() || m.len() > 2 || !m.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let day_len = tail.bytes().take_while(u8::is_ascii_digit).count();
    if day_len == 0 || day_len > 2 {
        return false;
    }
    let after = &tail[day_len..];
    after.is_empty() || after.starts_with(['T', 't', ' ', '\t'])
}

/// libyaml's `analyze_scalar` for the block context: may `s` be written plain?
fn plain_allowed(s: &str) -> bool {
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let blank_or_end = |i: usize| chars.get(i).is_none_or(|c| *c == ' ' || *c == '\t');
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            if matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) {
                return false;
            }
            if matches!(c, '?' | ':') {
                return false;
            }
            if c == '-' && blank_or_end(1) {
                return false;
            }
        } else {
            if c == ':' && blank_or_end(i + 1) {
                return false;
            }
            if c == '#' && chars[i - 1] == ' ' {
                return false;
            }
        }
        if c == '\u{feff}' || (c as u32) > 0x7e && !is_printable(c) {
            return false;
        }
    }
    true
}

fn is_printable(c: char) -> bool {
    !c.is_control() && c != '\u{feff}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        let v = json!({
            "n": "1", "t": "true", "y": "y", "ts": "2025-01-01T00:00:00Z",
            "star": "*", "colon": "a: b", "plain": "nginx:1.25", "empty": "",
            "hash": "a #b", "ver": "v1.31", "float": "1.5", "oct": "0644",
            "pct": "50%", "dash": "-", "nul": null, "num": 3
        });
        assert_eq!(
            to_yaml(&v),
            "colon: 'a: b'\ndash: '-'\nempty: \"\"\nfloat: \"1.5\"\nhash: 'a #b'\n\"n\": \"1\"\nnul: null\nnum: 3\noct: \"0644\"\npct: 50%\nplain: nginx:1.25\nstar: '*'\nt: \"true\"\nts: \"2025-01-01T00:00:00Z\"\nver: v1.31\n\"y\": \"y\"\n"
        );
    }

    #[test]
    fn nesting_sequences_and_blocks() {
        let v = json!({
            "data": {"game.properties": "line1\nline2\n", "k": "no newline\nat end"},
            "spec": {"containers": [{"image": "nginx", "ports": [{"containerPort": 80}], "resources": {}}],
                     "args": ["sleep", "3600"], "empty": []}
        });
        assert_eq!(
            to_yaml(&v),
            "data:\n  game.properties: |\n    line1\n    line2\n  k: |-\n    no newline\n    at end\nspec:\n  args:\n  - sleep\n  - \"3600\"\n  containers:\n  - image: nginx\n    ports:\n    - containerPort: 80\n    resources: {}\n  empty: []\n"
        );
    }
}
