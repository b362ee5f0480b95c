//! kubectl's JSONPath templates: `{.a.b}`, `{.items[*].metadata.name}`,
//! `[0]`, `['key']`, filters `[?(@.type=="Ready")]`, `{range}`/`{end}`,
//! string literals `{"\n"}`; and `custom-columns`. Missing keys print
//! nothing (kubectl's default `--allow-missing-template-keys=true`).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Wildcard,
    Slice(Option<i64>, Option<i64>),
    Filter(Vec<Step>, Option<(String, Value)>),
    Recursive(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Literal(String),
    Range(Vec<Step>, Vec<Node>),
}

fn bad(t: &str, why: &str) -> String {
    format!("error: error parsing jsonpath {t}, {why}")
}

fn parse_path(s: &str, tmpl: &str) -> Result<Vec<Step>, String> {
    let s = s.trim();
    let s = s.strip_prefix('$').unwrap_or(s);
    let s = s.strip_prefix('@').unwrap_or(s);
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if chars.get(i + 1) == Some(&'.') {
                    i += 2;
                    let start = i;
                    while i < chars.len() && !matches!(chars[i], '.' | '[') {
                        i += 1;
                    }
                    steps.push(Step::Recursive(chars[start..i].iter().collect()));
                    continue;
                }
                i += 1;
                let start = i;
                while i < chars.len() && !matches!(chars[i], '.' | '[') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let mut depth = 0;
                let start = i + 1;
                let mut j = i;
                while j < chars.len() {
                    match chars[j] {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(bad(tmpl, "unterminated array"));
                }
                let inner: String = chars[start..j].iter().collect();
                i = j + 1;
                let inner = inner.trim();
                if inner == "*" {
                    steps.push(Step::Wildcard);
                } else if let Some(f) = inner.strip_prefix("?(").and_then(|x| x.strip_suffix(')')) {
                    steps.push(parse_filter(f, tmpl)?);
                } else if (inner.starts_with('\'') && inner.ends_with('\'') && inner.len() >= 2)
                    || (inner.starts_with('"') && inner.ends_with('"') && inner.len() >= 2)
                {
                    steps.push(Step::Field(inner[1..inner.len() - 1].to_string()));
                } else if let Some((a, b)) = inner.split_once(':') {
                    let p = |x: &str| x.trim().parse::<i64>().ok();
                    steps.push(Step::Slice(p(a), p(b.split(':').next().unwrap_or(""))));
                } else {
                    let n = inner
                        .parse::<i64>()
                        .map_err(|_| bad(tmpl, &format!("invalid array index {inner}")))?;
                    steps.push(Step::Index(n));
                }
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < chars.len() && !matches!(chars[i], '.' | '[') {
                    i += 1;
                }
                steps.push(Step::Field(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(steps)
}

fn parse_filter(f: &str, tmpl: &str) -> Result<Step, String> {
    for op in ["==", "!=", ">=", "<=", ">", "<"] {
        if let Some((l, r)) = f.split_once(op) {
            let path = parse_path(l.trim(), tmpl)?;
            let r = r.trim();
            let lit = if (r.starts_with('"') && r.ends_with('"'))
                || (r.starts_with('\'') && r.ends_with('\''))
            {
                Value::String(r[1..r.len().max(2) - 1].to_string())
            } else if let Ok(n) = r.parse::<f64>() {
                serde_json::json!(n)
            } else if r == "true" || r == "false" {
                Value::Bool(r == "true")
            } else {
                Value::String(r.to_string())
            };
            return Ok(Step::Filter(path, Some((op.to_string(), lit))));
        }
    }
    Ok(Step::Filter(parse_path(f.trim(), tmpl)?, None))
}

fn parse_template(t: &str) -> Result<Vec<Node>, String> {
    // A flat list first; ranges are nested afterwards.
    let mut flat: Vec<(Option<String>, Node)> = Vec::new();
    let mut chars = t.chars().peekable();
    let mut text = String::new();
    while let Some(c) = chars.next() {
        if c != '{' {
            text.push(c);
            continue;
        }
        if !text.is_empty() {
            flat.push((None, Node::Text(std::mem::take(&mut text))));
        }
        let mut inner = String::new();
        let mut in_str = false;
        let mut closed = false;
        for ch in chars.by_ref() {
            if ch == '"' {
                in_str = !in_str;
            }
            if ch == '}' && !in_str {
                closed = true;
                break;
            }
            inner.push(ch);
        }
        if !closed {
            return Err(bad(t, "unclosed action"));
        }
        let s = inner.trim();
        if let Some(rest) = s.strip_prefix("range ") {
            flat.push((Some("range".into()), Node::Path(parse_path(rest, t)?)));
        } else if s == "end" {
            flat.push((Some("end".into()), Node::Text(String::new())));
        } else if s.starts_with('"') && s.ends_with('"') && s.len() >= 2 {
            let lit = &s[1..s.len() - 1];
            let lit = lit
                .replace("\\n", "\n")
                .replace("\\t", "\t")
                .replace("\\\"", "\"");
            flat.push((None, Node::Literal(lit)));
        } else {
            flat.push((None, Node::Path(parse_path(s, t)?)));
        }
    }
    if !text.is_empty() {
        flat.push((None, Node::Text(text)));
    }
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = vec![(Vec::new(), Vec::new())];
    for (tag, node) in flat {
        match tag.as_deref() {
            Some("range") => {
                let Node::Path(p) = node else { unreachable!() };
                stack.push((p, Vec::new()));
            }
            Some("end") => {
                if stack.len() < 2 {
                    return Err(bad(t, "not in range, nothing to end"));
                }
                let (p, body) = stack.pop().expect("checked");
                stack.last_mut().expect("root").1.push(Node::Range(p, body));
            }
            _ => stack.last_mut().expect("root").1.push(node),
        }
    }
    if stack.len() != 1 {
        return Err(bad(t, "unclosed range"));
    }
    Ok(stack.pop().expect("root").1)
}

fn eval<'a>(root: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let mut cur = vec![root];
    for s in steps {
        let mut next = Vec::new();
        for v in cur {
            match s {
                Step::Field(f) => {
                    if let Some(x) = v.get(f.as_str()) {
                        next.push(x);
                    }
                }
                Step::Index(i) => {
                    if let Some(a) = v.as_array() {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if let Some(x) = usize::try_from(idx).ok().and_then(|i| a.get(i)) {
                            next.push(x);
                        }
                    }
                }
                Step::Wildcard => match v {
                    Value::Array(a) => next.extend(a.iter()),
                    Value::Object(m) => next.extend(m.values()),
                    _ => {}
                },
                Step::Slice(a, b) => {
                    if let Some(arr) = v.as_array() {
                        let n = arr.len() as i64;
                        let norm = |x: i64| if x < 0 { (n + x).max(0) } else { x.min(n) };
                        let s = norm(a.unwrap_or(0));
                        let e = norm(b.unwrap_or(n));
                        if s < e {
                            next.extend(arr[s as usize..e as usize].iter());
                        }
                    }
                }
                Step::Filter(path, cond) => {
                    let items: Vec<&Value> = match v {
                        Value::Array(a) => a.iter().collect(),
                        other => vec![other],
                    };
                    for it in items {
                        let got = eval(it, path);
                        let keep = match cond {
                            None => !got.is_empty(),
                            Some((op, lit)) => got.iter().any(|g| compare(g, op, lit)),
                        };
                        if keep {
                            next.push(it);
                        }
                    }
                }
                Step::Recursive(name) => recurse(v, name, &mut next),
            }
        }
        cur = next;
    }
    cur
}

fn recurse<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x);
            }
            for x in m.values() {
                recurse(x, name, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| recurse(x, name, out)),
        _ => {}
    }
}

fn compare(a: &Value, op: &str, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return match op {
            "==" => x == y,
            "!=" => x != y,
            ">" => x > y,
            "<" => x < y,
            ">=" => x >= y,
            "<=" => x <= y,
            _ => false,
        };
    }
    let sa = text(a);
    let sb = text(b);
    match op {
        "==" => sa == sb,
        "!=" => sa != sb,
        ">" => sa > sb,
        "<" => sa < sb,
        ">=" => sa >= sb,
        "<=" => sa <= sb,
        _ => false,
    }
}

/// How a value prints: strings raw, the rest as JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn exec(nodes: &[Node], root: &Value, out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) | Node::Literal(t) => out.push_str(t),
            Node::Path(p) => {
                let vals: Vec<String> = eval(root, p).into_iter().map(text).collect();
                out.push_str(&vals.join(" "));
            }
            Node::Range(p, body) => {
                for v in eval(root, p) {
                    let items: Vec<&Value> = match v {
                        Value::Array(a) if !matches!(p.last(), Some(Step::Wildcard)) => {
                            a.iter().collect()
                        }
                        other => vec![other],
                    };
                    for it in items {
                        exec(body, it, out);
                    }
                }
            }
        }
    }
}

/// Runs a template against a value (an object, or a `List` of them).
pub fn render(template: &str, root: &Value) -> Result<String, String> {
    let nodes = parse_template(template)?;
    let mut out = String::new();
    exec(&nodes, root, &mut out);
    Ok(out)
}

/// `-o custom-columns=NAME:.metadata.name,...`: (header, values per item).
pub fn custom_columns(spec: &str, items: &[Value]) -> Result<Vec<Vec<String>>, String> {
    let mut cols = Vec::new();
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        let Some((h, path)) = part.split_once(':') else {
            return Err(format!(
                "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ));
        };
        let p = path.trim();
        let p = p
            .strip_prefix('{')
            .and_then(|x| x.strip_suffix('}'))
            .unwrap_or(p);
        cols.push((h.to_string(), parse_path(p, spec)?));
    }
    let mut rows = vec![cols.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>()];
    for it in items {
        rows.push(
            cols.iter()
                .map(|(_, p)| {
                    let vals: Vec<String> = eval(it, p).into_iter().map(text).collect();
                    if vals.is_empty() {
                        "<none>".into()
                    } else {
                        vals.join(",")
                    }
                })
                .collect(),
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Value {
        json!({"kind": "List", "items": [
            {"metadata": {"name": "web-0"}, "spec": {"terminationGracePeriodSeconds": 10},
             "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "web-1"}, "spec": {},
             "status": {"conditions": [{"type": "Ready", "status": "False"}]}}]})
    }

    #[test]
    fn fields_wildcards_and_ranges() {
        let l = list();
        let one = &l["items"][0];
        assert_eq!(
            render("{.spec.terminationGracePeriodSeconds}", one).unwrap(),
            "10"
        );
        assert_eq!(
            render("{.items[*].metadata.name}", &l).unwrap(),
            "web-0 web-1"
        );
        assert_eq!(
            render("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &l).unwrap(),
            "web-0\nweb-1\n"
        );
        assert_eq!(render("{.items[1].metadata.name}", &l).unwrap(), "web-1");
        assert_eq!(
            render("{.items[-1].metadata['name']}", &l).unwrap(),
            "web-1"
        );
        assert_eq!(
            render("name: {.metadata.name}", one).unwrap(),
            "name: web-0"
        );
        assert_eq!(render("{.missing.field}", one).unwrap(), "");
        assert_eq!(
            render(
                "{.items[?(@.status.conditions[0].status==\"True\")].metadata.name}",
                &l
            )
            .unwrap(),
            "web-0"
        );
        assert_eq!(
            render("{.status.conditions[?(@.type=='Ready')].status}", one).unwrap(),
            "True"
        );
        assert_eq!(render("{..name}", one).unwrap(), "web-0");
        assert!(render("{.a", one).is_err());
        assert!(render("{end}", one).is_err());
    }

    #[test]
    fn custom_columns_print_none_for_missing() {
        let l = list();
        let rows = custom_columns(
            "NAME:.metadata.name,GRACE:.spec.terminationGracePeriodSeconds",
            l["items"].as_array().unwrap(),
        )
        .unwrap();
        assert_eq!(rows[0], vec!["NAME", "GRACE"]);
        assert_eq!(rows[1], vec!["web-0", "10"]);
        assert_eq!(rows[2], vec!["web-1", "<none>"]);
        assert!(custom_columns("NAME", &[]).is_err());
    }
}

/// Translates the simple Go templates the docs use (`{{.a.b}}`,
/// `{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}`,
/// `{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}`) into a JSONPath
/// template with the same output. Anything richer is refused.
pub fn go_template_to_jsonpath(t: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = t;
    // Variables bound by `range` name the element.
    let mut vars: Vec<String> = Vec::new();
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i].replace('{', "{\"{\"}"));
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            return Err(format!(
                "error: error parsing template {t}, template: output:1: unclosed action"
            ));
        };
        let action = after[..j]
            .trim()
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        rest = &after[j + 2..];
        let path = |p: &str, vars: &[String]| -> Option<String> {
            let p = p.trim();
            if p == "." {
                return Some("@".into());
            }
            if p.starts_with('.') {
                return Some(p.to_string());
            }
            for v in vars {
                if p == v {
                    return Some("@".into());
                }
                if let Some(r) = p.strip_prefix(v.as_str()) {
                    if r.starts_with('.') {
                        return Some(r.to_string());
                    }
                }
            }
            None
        };
        if action == "end" {
            vars.pop();
            out.push_str("{end}");
        } else if let Some(r) = action.strip_prefix("range ") {
            let (var, p) = match r.split_once(":=") {
                Some((names, p)) => (
                    names
                        .split(',')
                        .next_back()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                    p.trim(),
                ),
                None => (String::new(), r.trim()),
            };
            let jp = path(p, &vars).ok_or_else(|| {
                format!("error: Ordinal's --template understands fields, range and end only: {{{{{action}}}}}")
            })?;
            vars.push(var);
            out.push_str(&format!("{{range {jp}[*]}}"));
        } else if action.starts_with('"') && action.ends_with('"') && action.len() >= 2 {
            out.push_str(&format!("{{{action}}}"));
        } else if let Some(jp) = path(action, &vars) {
            out.push_str(&format!("{{{jp}}}"));
        } else {
            return Err(format!(
                "error: Ordinal's --template understands fields, range and end only: {{{{{action}}}}}"
            ));
        }
    }
    out.push_str(&rest.replace('{', "{\"{\"}"));
    Ok(out)
}

#[cfg(test)]
mod go_template_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn simple_go_templates_print_like_kubectl() {
        let pod = json!({"metadata": {"name": "web-0"},
            "spec": {"containers": [{"image": "a:1"}, {"image": "b:2"}]}});
        let t = go_template_to_jsonpath("{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}")
            .unwrap();
        assert_eq!(render(&t, &pod).unwrap(), "a:1b:2");
        let t = go_template_to_jsonpath("name={{.metadata.name}}{{\"\\n\"}}").unwrap();
        assert_eq!(render(&t, &pod).unwrap(), "name=web-0\n");
        assert!(go_template_to_jsonpath("{{index .a 0}}").is_err());
    }
}
