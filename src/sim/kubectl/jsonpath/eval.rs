//! The evaluator of client-go's `util/jsonpath` (`jsonpath.go`): each
//! node maps a list of values to a list of values; `{range}` re-runs the
//! nodes up to its `{end}` once per value; results print one list per
//! action, values joined by a space, maps and slices as JSON. Comparisons
//! follow the forked `text/template` functions (`eq`, `lt`, ...): only
//! values of one basic kind compare.

use super::gofmt;
use super::parser::Node;
use crate::sim::sort;
use serde_json::Value;
use std::borrow::Cow;

type V<'a> = Cow<'a, Value>;

pub(super) struct Exec {
    pub allow_missing: bool,
    begin_range: usize,
    in_range: usize,
    end_range: usize,
    /// Absolute index (in the root's nodes) of the last `{end}` met.
    last_end: Option<usize>,
    /// Values the walk may still produce. client-go has no such bound: nested
    /// `{range}`s over `..` grow exponentially and real kubectl runs until it
    /// is killed; Ordinal stops with an error so the page never freezes.
    budget: usize,
}

/// How many values one template may produce in all (see `Exec::budget`).
pub(super) const WORK_LIMIT: usize = 1_000_000;

/// How many bytes one template may print. Within the work limit, values
/// that are whole objects (`{range ..}{@}`) can still print hundreds of
/// megabytes; real kubectl prints on until it is killed, Ordinal stops
/// with an error (the console keeps only its last 512 KB anyway).
pub(super) const OUTPUT_LIMIT: usize = 8 << 20;

/// The error when a template's output passes [`OUTPUT_LIMIT`].
pub(super) fn output_limit_error() -> String {
    format!("template prints more than {OUTPUT_LIMIT} bytes (an Ordinal limit; kubectl has none)")
}

fn child<'a>(parent: &V<'a>, pick: impl Fn(&Value) -> Option<&Value>) -> Option<V<'a>> {
    match parent {
        Cow::Borrowed(p) => pick(p).map(Cow::Borrowed),
        Cow::Owned(p) => pick(p).map(|c| Cow::Owned(c.clone())),
    }
}

/// The elements a wildcard or `..` walks into: map values (keys in
/// order), slice elements, and a string's bytes (as numbers, as Go's
/// reflection indexes a string).
fn children<'a>(v: &V<'a>) -> Vec<V<'a>> {
    match v.as_ref() {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            sort::sort(&mut keys);
            keys.into_iter()
                .filter_map(|k| child(v, |x| x.get(k.as_str())))
                .collect()
        }
        Value::Array(a) => (0..a.len())
            .filter_map(|i| child(v, |x| x.get(i)))
            .collect(),
        Value::String(s) => s
            .bytes()
            .map(|b| Cow::Owned(Value::from(b as u64)))
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(PartialEq, Clone, Copy)]
enum BasicKind {
    Bool,
    Int,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> Result<BasicKind, String> {
    match v {
        Value::Bool(_) => Ok(BasicKind::Bool),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(BasicKind::Int),
        Value::Number(_) => Ok(BasicKind::Float),
        Value::String(_) => Ok(BasicKind::Str),
        _ => Err("invalid type for comparison".into()),
    }
}

const INCOMPATIBLE: &str = "incompatible types for comparison";

fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (basic_kind(a)?, basic_kind(b)?);
    if ka != kb {
        return Err(INCOMPATIBLE.into());
    }
    Ok(match ka {
        BasicKind::Bool => a.as_bool() == b.as_bool(),
        BasicKind::Int => a.as_i128() == b.as_i128(),
        BasicKind::Float => a.as_f64() == b.as_f64(),
        BasicKind::Str => a.as_str() == b.as_str(),
    })
}

trait AsI128 {
    fn as_i128(&self) -> Option<i128>;
}

impl AsI128 for Value {
    fn as_i128(&self) -> Option<i128> {
        self.as_i64()
            .map(i128::from)
            .or_else(|| self.as_u64().map(i128::from))
    }
}

fn less(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (basic_kind(a)?, basic_kind(b)?);
    if ka != kb {
        return Err(INCOMPATIBLE.into());
    }
    match ka {
        BasicKind::Bool => Err("invalid type for comparison".into()),
        BasicKind::Int => Ok(a.as_i128() < b.as_i128()),
        BasicKind::Float => Ok(a.as_f64() < b.as_f64()),
        BasicKind::Str => Ok(a.as_str() < b.as_str()),
    }
}

fn compare(op: &str, a: &Value, b: &Value) -> Result<bool, String> {
    let less_or_equal = || -> Result<bool, String> { Ok(less(a, b)? || equal(a, b)?) };
    match op {
        "<" => less(a, b),
        ">" => less_or_equal().map(|x| !x),
        "==" => equal(a, b),
        "!=" => equal(a, b).map(|x| !x),
        "<=" => less_or_equal(),
        ">=" => less(a, b).map(|x| !x),
        _ => Err(format!("unrecognized filter operator {op}")),
    }
}

impl Exec {
    pub fn new(allow_missing: bool) -> Self {
        Exec {
            allow_missing,
            begin_range: 0,
            in_range: 0,
            end_range: 0,
            last_end: None,
            budget: WORK_LIMIT,
        }
    }

    /// `FindResults`: one result list per top-level node, ranges expanded.
    /// `base` is the absolute index of `nodes[0]` among the root's nodes.
    pub fn find_results<'a>(
        &mut self,
        data: V<'a>,
        nodes: &[Node],
        base: usize,
    ) -> Result<Vec<Vec<V<'a>>>, String> {
        let mut full = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let results = self.walk(vec![data.clone()], &nodes[i])?;
            if self.end_range > 0 && self.end_range <= self.in_range {
                self.end_range -= 1;
                self.last_end = Some(base + i);
                break;
            }
            if self.begin_range > 0 {
                self.begin_range -= 1;
                self.in_range += 1;
                let rest = &nodes[i + 1..];
                if results.is_empty() {
                    // Still walk the body, so the matching `{end}` is found.
                    self.find_results(Cow::Owned(Value::Null), rest, base + i + 1)?;
                } else {
                    for v in results {
                        full.extend(self.find_results(v, rest, base + i + 1)?);
                    }
                }
                self.in_range -= 1;
                if let Some(k) = (i + 1..nodes.len()).find(|&k| Some(base + k) == self.last_end) {
                    i = k;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk_list<'a>(&mut self, mut cur: Vec<V<'a>>, nodes: &[Node]) -> Result<Vec<V<'a>>, String> {
        for n in nodes {
            cur = self.walk(cur, n)?;
        }
        Ok(cur)
    }

    fn walk<'a>(&mut self, input: Vec<V<'a>>, node: &Node) -> Result<Vec<V<'a>>, String> {
        let out = self.walk_node(input, node)?;
        self.spend(out.len().max(1))?;
        Ok(out)
    }

    fn spend(&mut self, n: usize) -> Result<(), String> {
        match self.budget.checked_sub(n) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => {
                self.budget = 0;
                Err(format!(
                    "template produces more than {WORK_LIMIT} values (an Ordinal limit; kubectl has none)"
                ))
            }
        }
    }

    fn walk_node<'a>(&mut self, input: Vec<V<'a>>, node: &Node) -> Result<Vec<V<'a>>, String> {
        match node {
            Node::List(nodes) => self.walk_list(input, nodes),
            Node::Text(t) => Ok(vec![Cow::Owned(Value::String(t.clone()))]),
            Node::Int(n) => Ok(input.iter().map(|_| Cow::Owned(Value::from(*n))).collect()),
            Node::Float(f) => Ok(input.iter().map(|_| Cow::Owned(Value::from(*f))).collect()),
            Node::Bool(b) => Ok(input.iter().map(|_| Cow::Owned(Value::from(*b))).collect()),
            Node::Field(name) => self.field(input, name),
            Node::Array(params) => array(input, params),
            Node::Filter { left, right, op } => self.filter(input, left, right, op),
            Node::Wildcard => Ok(input.iter().flat_map(children).collect()),
            Node::Recursive => recursive(input, self),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.walk_list(input.clone(), l)?);
                }
                Ok(out)
            }
            Node::Identifier(name) => match name.as_str() {
                "range" => {
                    self.begin_range += 1;
                    Ok(input)
                }
                "end" if self.in_range > 0 => {
                    self.end_range += 1;
                    Ok(Vec::new())
                }
                "end" => Err("not in range, nothing to end".into()),
                other => Err(format!("unrecognized identifier {other}")),
            },
        }
    }

    fn field<'a>(&self, input: Vec<V<'a>>, name: &str) -> Result<Vec<V<'a>>, String> {
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let out: Vec<V<'a>> = input
            .iter()
            .filter_map(|v| child(v, |x| x.as_object().and_then(|m| m.get(name))))
            .collect();
        if out.is_empty() && !self.allow_missing {
            return Err(format!("{name} is not found"));
        }
        Ok(out)
    }

    fn filter<'a>(
        &mut self,
        input: Vec<V<'a>>,
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Result<Vec<V<'a>>, String> {
        let mut out = Vec::new();
        for v in &input {
            if !v.is_array() {
                return Err(format!(
                    "{} is not array or slice and cannot be filtered",
                    gofmt::sprint(v)
                ));
            }
            for item in children(v) {
                let lefts = self.walk_list(vec![item.clone()], left);
                if op == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        out.push(item);
                    }
                    continue;
                }
                let lefts = lefts?;
                let l = match lefts.len() {
                    0 => continue,
                    1 => &lefts[0],
                    _ => return Err("can only compare one element at a time".into()),
                };
                let rights = self.walk_list(vec![item.clone()], right)?;
                let r = match rights.len() {
                    0 => continue,
                    1 => &rights[0],
                    _ => return Err("can only compare one element at a time".into()),
                };
                if compare(op, l, r)? {
                    out.push(item);
                }
            }
        }
        Ok(out)
    }
}

/// `evalArray`: indices and slices, negative counting from the end; an
/// index outside the slice is an error, an empty range is not.
fn array<'a>(input: Vec<V<'a>>, params: &[super::parser::Param; 3]) -> Result<Vec<V<'a>>, String> {
    let mut out = Vec::new();
    for v in &input {
        if v.is_null() {
            continue;
        }
        let Some(arr) = v.as_array() else {
            return Err(format!("{} is not array or slice", gofmt::type_name(v)));
        };
        let len = arr.len() as i64;
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            return Ok(out);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[0].value
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[1].value - 1
            ));
        }
        if p[0].value > p[1].value {
            return Err(format!(
                "starting index {} is greater than ending index {}",
                p[0].value, p[1].value
            ));
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err("step must be > 0".into());
            }
            p[2].value as usize
        } else {
            1
        };
        for i in (p[0].value as usize..p[1].value as usize).step_by(step) {
            if let Some(c) = child(v, |x| x.get(i)) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// `evalRecursive`: every value that has children, then its descendants.
/// Spends the budget as it goes, so a huge input stops early.
fn recursive<'a>(input: Vec<V<'a>>, exec: &mut Exec) -> Result<Vec<V<'a>>, String> {
    let mut out = Vec::new();
    for v in input {
        let kids = children(&v);
        if !kids.is_empty() {
            exec.spend(kids.len())?;
            out.push(v);
            out.extend(recursive(kids, exec)?);
        }
    }
    Ok(out)
}

/// `PrintResults`: a list's values joined by a space; maps and slices as
/// JSON, the rest as text.
pub(super) fn print_results(results: &[V<'_>], out: &mut String) -> Result<(), String> {
    for (i, r) in results.iter().enumerate() {
        match r.as_ref() {
            v @ (Value::Object(_) | Value::Array(_)) => out.push_str(&gofmt::go_json(v)),
            v => out.push_str(&gofmt::text(v)),
        }
        if i + 1 != results.len() {
            out.push(' ');
        }
        if out.len() > OUTPUT_LIMIT {
            return Err(output_limit_error());
        }
    }
    Ok(())
}
