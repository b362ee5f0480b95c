//! The Go templates of `kubectl -o go-template` (Go's `text/template`
//! over the unstructured object), for the subset the docs use: fields
//! (`{{.a.b}}`, `{{.}}`, `{{$}}`), variables bound by `range`
//! (`{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}`), `range`
//! (with `else`), string literals, `index`, and `{{-`/`-}}` trimming.
//! Missing keys print `<no value>`, maps and lists as Go prints them
//! (`map[k:v]`, `[a b]`). Anything richer is refused, saying so.

use super::gofmt;
use crate::sim::sort;
use serde_json::Value;

#[derive(Debug)]
enum Arg {
    /// `.a.b` from dot, `$.a` from the root, `$x.a` from a variable;
    /// `pos` is where Go's error context points.
    Path {
        var: Option<String>,
        fields: Vec<String>,
        pos: usize,
        text: String,
    },
    Str(String),
}

#[derive(Debug)]
enum Node {
    Text(String),
    Print(Expr),
    Range {
        key: Option<String>,
        val: Option<String>,
        over: Expr,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
}

#[derive(Debug)]
enum Expr {
    Arg(Arg),
    Index(Arg, Vec<Arg>),
}

fn parse_error(t: &str, why: &str) -> String {
    format!("error: error parsing template {t}, template: output:1: {why}")
}

/// Literal text, or an action with the offset of its text.
enum Item {
    Text(String),
    Action(usize, String),
}

/// The template's texts and actions, `{{-`/`-}}` trimming applied.
fn lex(t: &str) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(i) = t[rest..].find("{{") {
        let start = rest + i;
        let mut text = t[rest..start].to_string();
        let mut inner_start = start + 2;
        if t[inner_start..].starts_with("- ") {
            text = text.trim_end().to_string();
            inner_start += 1;
        }
        out.push(Item::Text(text));
        let Some(j) = t[inner_start..].find("}}") else {
            return Err(parse_error(t, "unclosed action"));
        };
        let mut inner_end = inner_start + j;
        let mut next = inner_end + 2;
        let trim_after = t[..inner_end].ends_with(" -");
        if trim_after {
            inner_end -= 1;
        }
        out.push(Item::Action(
            inner_start,
            t[inner_start..inner_end].to_string(),
        ));
        if trim_after {
            next += t[next..].len() - t[next..].trim_start().len();
        }
        rest = next;
    }
    out.push(Item::Text(t[rest..].to_string()));
    Ok(out)
}

fn parse_arg(t: &str, word: &str, pos: usize) -> Result<Arg, String> {
    if word.starts_with('"') {
        let s: String = serde_json::from_str(word).map_err(|_| parse_error(t, "bad string"))?;
        return Ok(Arg::Str(s));
    }
    let (var, path) = if let Some(rest) = word.strip_prefix('$') {
        let end = rest.find('.').unwrap_or(rest.len());
        (Some(format!("${}", &rest[..end])), &rest[end..])
    } else if word.starts_with('.') {
        (None, word)
    } else {
        let name = word.split(['.', ' ']).next().unwrap_or(word);
        return Err(parse_error(t, &format!("function \"{name}\" not defined")));
    };
    let fields: Vec<String> = path
        .split('.')
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    // Go's error context points at the second field of a chain.
    let pos = match path.match_indices('.').nth(1) {
        Some((i, _)) if var.is_none() => pos + i,
        _ => pos,
    };
    Ok(Arg::Path {
        var,
        fields,
        pos,
        text: word.to_string(),
    })
}

fn words(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if b[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
        } else {
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
        }
        out.push((start, &s[start..i]));
    }
    out
}

fn parse_expr(t: &str, action: &str, pos: usize) -> Result<Expr, String> {
    let w = words(action);
    match w.as_slice() {
        [] => Err(parse_error(t, "missing value for command")),
        [(p, x)] => Ok(Expr::Arg(parse_arg(t, x, pos + p)?)),
        [(_, "index"), (p, x), rest @ ..] => {
            let keys = rest
                .iter()
                .map(|(q, k)| parse_arg(t, k, pos + q))
                .collect::<Result<_, _>>()?;
            Ok(Expr::Index(parse_arg(t, x, pos + p)?, keys))
        }
        [(p, x), ..] => match parse_arg(t, x, pos + p)? {
            Arg::Path { .. } | Arg::Str(_) => Err(format!(
                "error: Ordinal's go-template understands fields, variables, range, index and string literals only: {{{{{action}}}}}"
            )),
        },
    }
}

/// Parses a template into nodes.
fn parse(t: &str) -> Result<Vec<Node>, String> {
    let items = lex(t)?;
    // A stack of (range header, body, else-body, in else).
    type Frame = (
        Option<(Option<String>, Option<String>, Expr)>,
        Vec<Node>,
        Vec<Node>,
        bool,
    );
    let mut stack: Vec<Frame> = vec![(None, Vec::new(), Vec::new(), false)];
    let push = |stack: &mut Vec<Frame>, n: Node| {
        let f = stack.last_mut().expect("root frame");
        if f.3 {
            f.2.push(n)
        } else {
            f.1.push(n)
        }
    };
    for item in items {
        match item {
            Item::Text(text) => {
                if !text.is_empty() {
                    push(&mut stack, Node::Text(text));
                }
            }
            Item::Action(pos, action) => {
                let lead = action.len() - action.trim_start().len();
                let a = action.trim();
                let pos = pos + lead;
                if a == "end" {
                    if stack.len() < 2 {
                        return Err(parse_error(t, "unexpected {{end}}"));
                    }
                    let (hdr, body, otherwise, _) = stack.pop().expect("checked");
                    let (key, val, over) = hdr.expect("range frame");
                    push(
                        &mut stack,
                        Node::Range {
                            key,
                            val,
                            over,
                            body,
                            otherwise,
                        },
                    );
                } else if a == "else" {
                    if stack.len() < 2 {
                        return Err(parse_error(t, "unexpected {{else}}"));
                    }
                    stack.last_mut().expect("frame").3 = true;
                } else if let Some(r) = a.strip_prefix("range ") {
                    let off = pos + (a.len() - r.len());
                    let (vars, expr, eoff) = match r.find(":=") {
                        Some(i) => (Some(&r[..i]), &r[i + 2..], off + i + 2),
                        None => (None, r, off),
                    };
                    let (key, val) = match vars {
                        Some(v) => {
                            let names: Vec<String> =
                                v.split(',').map(|x| x.trim().to_string()).collect();
                            match names.as_slice() {
                                [one] => (None, Some(one.clone())),
                                [k, v] => (Some(k.clone()), Some(v.clone())),
                                _ => return Err(parse_error(t, "too many declarations in range")),
                            }
                        }
                        None => (None, None),
                    };
                    let lead = expr.len() - expr.trim_start().len();
                    let over = parse_expr(t, expr.trim(), eoff + lead)?;
                    stack.push((Some((key, val, over)), Vec::new(), Vec::new(), false));
                } else if a.starts_with("if ") || a.starts_with("with ") || a.starts_with("define ")
                {
                    return Err(format!(
                        "error: Ordinal's go-template understands fields, variables, range, index and string literals only: {{{{{a}}}}}"
                    ));
                } else {
                    push(&mut stack, Node::Print(parse_expr(t, a, pos)?));
                }
            }
        }
    }
    if stack.len() != 1 {
        return Err(parse_error(t, "unexpected EOF"));
    }
    Ok(stack.pop().expect("root").1)
}

/// Evaluation failures: (error context offset, the command's text, why).
type ExecError = (usize, String, String);

struct Scope<'a> {
    root: &'a Value,
    vars: Vec<(String, Value)>,
}

fn eval_arg(arg: &Arg, dot: &Value, scope: &Scope) -> Result<Option<Value>, ExecError> {
    match arg {
        Arg::Str(s) => Ok(Some(Value::String(s.clone()))),
        Arg::Path {
            var,
            fields,
            pos,
            text,
        } => {
            let mut cur: Option<Value> = match var.as_deref() {
                None => Some(dot.clone()),
                Some("$") => Some(scope.root.clone()),
                Some(v) => Some(
                    scope
                        .vars
                        .iter()
                        .rev()
                        .find(|(n, _)| n == v)
                        .map(|(_, x)| x.clone())
                        .ok_or_else(|| (*pos, text.clone(), format!("undefined variable: {v}")))?,
                ),
            };
            for f in fields {
                cur = match cur {
                    None | Some(Value::Null) => None,
                    Some(Value::Object(m)) => m.get(f).cloned(),
                    Some(_) => {
                        return Err((
                            *pos,
                            format!("<{text}>"),
                            format!("can't evaluate field {f} in type interface {{}}"),
                        ))
                    }
                };
            }
            Ok(cur)
        }
    }
}

fn eval_expr(e: &Expr, dot: &Value, scope: &Scope) -> Result<Option<Value>, ExecError> {
    match e {
        Expr::Arg(a) => eval_arg(a, dot, scope),
        Expr::Index(x, keys) => {
            let mut cur = eval_arg(x, dot, scope)?;
            for k in keys {
                let key = eval_arg(k, dot, scope)?;
                cur = match (cur, key) {
                    (Some(Value::Object(m)), Some(Value::String(k))) => m.get(&k).cloned(),
                    (Some(Value::Array(a)), Some(Value::Number(n))) => {
                        n.as_u64().and_then(|i| a.get(i as usize)).cloned()
                    }
                    _ => None,
                };
            }
            Ok(cur)
        }
    }
}

/// `fmt.Print` of a value as text/template prints it.
fn print(v: &Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => "<no value>".into(),
        Some(v) => gofmt::sprint(v),
    }
}

fn exec(nodes: &[Node], dot: &Value, scope: &mut Scope, out: &mut String) -> Result<(), ExecError> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Print(e) => out.push_str(&print(&eval_expr(e, dot, scope)?)),
            Node::Range {
                key,
                val,
                over,
                body,
                otherwise,
            } => {
                let items: Vec<(Value, Value)> = match eval_expr(over, dot, scope)? {
                    Some(Value::Array(a)) => a
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i as u64), x))
                        .collect(),
                    Some(Value::Object(m)) => {
                        let mut keys: Vec<&String> = m.keys().collect();
                        sort::sort(&mut keys);
                        keys.into_iter()
                            .map(|k| (Value::String(k.clone()), m[k].clone()))
                            .collect()
                    }
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    exec(otherwise, dot, scope, out)?;
                }
                for (k, v) in items {
                    let mark = scope.vars.len();
                    if let Some(name) = key {
                        scope.vars.push((name.clone(), k));
                    }
                    if let Some(name) = val {
                        scope.vars.push((name.clone(), v.clone()));
                    }
                    exec(body, &v, scope, out)?;
                    scope.vars.truncate(mark);
                }
            }
        }
    }
    Ok(())
}

/// Runs `-o go-template=T` on a value, with kubectl's error texts.
pub fn render(t: &str, root: &Value) -> Result<String, String> {
    let nodes = parse(t)?;
    let mut out = String::new();
    let mut scope = Scope {
        root,
        vars: Vec::new(),
    };
    match exec(&nodes, root, &mut scope, &mut out) {
        Ok(()) => Ok(out),
        Err((pos, at, why)) => {
            let inner = format!("template: output:1:{pos}: executing \"output\" at {at}: {why}");
            Err(format!(
                "Error executing template: {inner}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{t}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\nerror: error executing template {}: {inner}",
                gofmt::go_json(root),
                gofmt::sprint(root),
                gofmt::quote(t)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    fn pod_json() -> serde_json::Value {
        json!({"metadata": {"name": "web-0", "labels": {"a": "b"}},
            "spec": {"containers": [
                {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80, "name": "web"}]},
                {"name": "side", "image": "busybox:1.36"}]}})
    }

    #[test]
    fn go_templates_print_like_kubectl() {
        let p = pod_json();
        let r = |t: &str| render(t, &p).unwrap();
        assert_eq!(r("{{.spec.missing}}|"), "<no value>|");
        assert_eq!(
            r("{{.metadata.labels}}|{{.spec.missing.deeper}}"),
            "map[a:b]|<no value>"
        );
        assert_eq!(
            r("{{range .spec.containers}}{{.name}}:{{.ports}};{{end}}"),
            "nginx:[map[containerPort:80 name:web]];side:<no value>;"
        );
        assert_eq!(
            r("{{range $i, $c := .spec.containers}}{{$i}}={{$c.image}} {{end}}"),
            "0=nginx:1.27 1=busybox:1.36 "
        );
        assert_eq!(
            r("{{- .metadata.name -}} | {{ $.metadata.name }}"),
            "web-0| web-0"
        );
        assert_eq!(r("{{index .metadata.labels \"a\"}}{{\"\\n\"}}"), "b\n");
        assert_eq!(r("{{range .nothing}}x{{else}}none{{end}}"), "none");
        assert_eq!(
            render("{{.a", &p).unwrap_err(),
            "error: error parsing template {{.a, template: output:1: unclosed action"
        );
        assert_eq!(
            render("{{foo .a}}", &p).unwrap_err(),
            "error: error parsing template {{foo .a}}, template: output:1: function \"foo\" not defined"
        );
        assert!(render("{{range .a}}x", &p)
            .unwrap_err()
            .ends_with("unexpected EOF"));
        assert!(render("{{end}}", &p)
            .unwrap_err()
            .ends_with("unexpected {{end}}"));
        let e = render("{{.spec.containers.name}}", &p).unwrap_err();
        assert!(e.ends_with("error: error executing template \"{{.spec.containers.name}}\": template: output:1:7: executing \"output\" at <.spec.containers.name>: can't evaluate field name in type interface {}"), "{e}");
    }
}
