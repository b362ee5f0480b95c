//! Lesson files: YAML into a [`Lesson`], or an error naming the file, the
//! line and the problem. serde_yaml parses; `manifest::positions` finds the
//! line of the key an error is about. Unknown keys are errors too, so a
//! typo in a check is found when the lesson is loaded, not in class.

use super::{Check, Cluster, Expect, Happening, Lesson, Moment, ObjectRef, Setup, Step, Text};
use crate::sim::engine::Timings;
use crate::sim::features;
use crate::sim::kubectl::resources::{self, Resource};
use crate::sim::manifest::positions::{self, path_string, Positions, Seg};
use crate::sim::object::Kind;
use crate::sim::selector::Selector;
use crate::sim::session::script::{logical_lines, parse_line};
use serde_yaml::{Mapping, Value};
use std::fmt;

/// A lesson file that cannot be used, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// The check kinds a lesson may use (the keys of a check).
pub const CHECK_KINDS: &[&str] = &[
    "exists",
    "gone",
    "pod_ready",
    "pod_running",
    "pod",
    "spread",
    "ready_replicas",
    "claim_bound",
    "pv_phase",
    "resolves",
    "does_not_resolve",
    "event",
    "order",
    "replaced",
    "endpoints",
    "query",
];

/// What may follow `KIND/NAME` in an `order` entry.
const HAPPENINGS: &[&str] = &[
    "created",
    "ready",
    "unready",
    "terminating",
    "deleted",
    "bound",
    "released",
];

type R<T> = Result<T, LessonError>;

struct P<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
    pos: Positions,
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

fn with(path: &[Seg], s: Seg) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(s);
    p
}

impl P<'_> {
    fn err(&self, path: &[Seg], message: impl Into<String>) -> LessonError {
        let (line, column) = self.pos.locate(path);
        LessonError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn map<'v>(&self, v: &'v Value, path: &[Seg], what: &str) -> R<&'v Mapping> {
        v.as_mapping()
            .ok_or_else(|| self.err(path, format!("{} must be a mapping ({what})", shown(path))))
    }

    /// Rejects keys outside `allowed`.
    fn only(&self, m: &Mapping, path: &[Seg], allowed: &[&str]) -> R<()> {
        for k in m.keys() {
            let name = scalar(k).unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                return Err(self.err(
                    &with(path, key(&name)),
                    format!(
                        "unknown field \"{name}\" in {} (expected one of: {})",
                        shown(path),
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn string(&self, v: &Value, path: &[Seg]) -> R<String> {
        scalar(v).ok_or_else(|| self.err(path, format!("{} must be a string", shown(path))))
    }

    fn req_string(&self, m: &Mapping, path: &[Seg], k: &str) -> R<String> {
        match m.get(k) {
            Some(v) => self.string(v, &with(path, key(k))),
            None => Err(self.err(path, format!("{} needs \"{k}\"", shown(path)))),
        }
    }

    fn opt_string(&self, m: &Mapping, path: &[Seg], k: &str) -> R<Option<String>> {
        m.get(k)
            .map(|v| self.string(v, &with(path, key(k))))
            .transpose()
    }

    fn number(&self, v: &Value, path: &[Seg]) -> R<u64> {
        v.as_u64()
            .ok_or_else(|| self.err(path, format!("{} must be a whole number", shown(path))))
    }

    fn strings(&self, v: &Value, path: &[Seg]) -> R<Vec<String>> {
        match v {
            Value::Sequence(s) => s
                .iter()
                .enumerate()
                .map(|(i, v)| self.string(v, &with(path, Seg::Index(i))))
                .collect(),
            other => Ok(vec![self.string(other, path)?]),
        }
    }

    /// `{en: ..., zh: ...}`, both required.
    fn text(&self, v: &Value, path: &[Seg]) -> R<Text> {
        let m = self.map(v, path, "a text in English and Chinese: en: ..., zh: ...")?;
        self.only(m, path, &["en", "zh"])?;
        let get = |lang: &str| -> R<String> {
            match m.get(lang) {
                Some(v) => {
                    let s = self.string(v, &with(path, key(lang)))?;
                    if s.trim().is_empty() {
                        Err(self.err(
                            &with(path, key(lang)),
                            format!(
                                "missing translation: {} is empty",
                                shown(&with(path, key(lang)))
                            ),
                        ))
                    } else {
                        Ok(s)
                    }
                }
                None => Err(self.err(
                    path,
                    format!("missing translation: {} has no \"{lang}\"", shown(path)),
                )),
            }
        };
        Ok(Text {
            en: get("en")?,
            zh: get("zh")?,
        })
    }

    fn req_text(&self, m: &Mapping, path: &[Seg], k: &str) -> R<Text> {
        match m.get(k) {
            Some(v) => self.text(v, &with(path, key(k))),
            None => Err(self.err(path, format!("{} needs \"{k}\"", shown(path)))),
        }
    }

    /// `KIND/NAME` with a kind Ordinal knows.
    fn object(&self, s: &str, namespace: &str, path: &[Seg]) -> R<ObjectRef> {
        let Some((kind, name)) = s.split_once('/') else {
            return Err(self.err(
                path,
                format!("\"{s}\" must be KIND/NAME (like statefulset/web)"),
            ));
        };
        let kind = self.kind(kind, path)?;
        if name.is_empty() {
            return Err(self.err(path, format!("\"{s}\" has no name after the /")));
        }
        Ok(ObjectRef {
            kind,
            namespace: if kind.namespaced() {
                namespace.to_string()
            } else {
                String::new()
            },
            name: name.to_string(),
        })
    }

    fn kind(&self, word: &str, path: &[Seg]) -> R<Kind> {
        match resources::resolve(word) {
            Some(Resource::Kind(k)) => Ok(k),
            _ => Err(self.err(
                path,
                format!("unknown object kind \"{word}\" (Ordinal simulates {})", {
                    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                    names.join(", ")
                }),
            )),
        }
    }

    fn selector(&self, s: &str, path: &[Seg]) -> R<Selector> {
        Selector::parse(s).map_err(|e| self.err(path, format!("bad label selector \"{s}\": {e}")))
    }
}

/// A scalar as text (`3` and `true` too).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn shown(path: &[Seg]) -> String {
    if path.is_empty() {
        "the lesson".into()
    } else {
        format!("`{}`", path_string(path))
    }
}

/// Parses a lesson file. `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let lines: Vec<&str> = text.lines().collect();
    let p = P {
        file,
        pos: positions::scan(&lines, 1),
        lines,
    };
    let doc: Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        LessonError {
            file: file.to_string(),
            line,
            column,
            message: format!("not valid YAML: {e}"),
        }
    })?;
    let root: Vec<Seg> = Vec::new();
    let m = p.map(&doc, &root, "a lesson: id, title, summary, steps, ...")?;
    p.only(
        m,
        &root,
        &[
            "id", "title", "summary", "source", "cluster", "setup", "steps",
        ],
    )?;
    let id = p.req_string(m, &root, "id")?;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(p.err(
            &[key("id")],
            format!("id \"{id}\" must be lower-case letters, digits and -"),
        ));
    }
    let title = p.req_text(m, &root, "title")?;
    let summary = p.req_text(m, &root, "summary")?;
    let source = p.opt_string(m, &root, "source")?;
    let cluster = match m.get("cluster") {
        Some(v) => cluster(&p, v)?,
        None => Cluster::default(),
    };
    let setup = match m.get("setup") {
        Some(v) => setup(&p, v)?,
        None => Setup::default(),
    };
    let steps_path = vec![key("steps")];
    let Some(steps_v) = m.get("steps") else {
        return Err(p.err(&root, "the lesson has no steps"));
    };
    let Value::Sequence(seq) = steps_v else {
        return Err(p.err(&steps_path, "`steps` must be a list"));
    };
    if seq.is_empty() {
        return Err(p.err(&steps_path, "the lesson has no steps"));
    }
    let steps = seq
        .iter()
        .enumerate()
        .map(|(i, v)| step(&p, v, &with(&steps_path, Seg::Index(i))))
        .collect::<R<Vec<Step>>>()?;
    script(&p, &setup.script, &[key("setup"), key("script")])?;
    for (i, s) in steps.iter().enumerate() {
        script(
            &p,
            &s.solution,
            &[key("steps"), Seg::Index(i), key("solution")],
        )?;
    }
    Ok(Lesson {
        id,
        title,
        summary,
        source,
        cluster,
        setup,
        steps,
    })
}

/// A setup script or a solution must parse as `ordinal run` takes it, or
/// the teacher learns of a typo only when a class runs it. The bad line is
/// named by its line in the lesson file.
fn script(p: &P, text: &str, path: &[Seg]) -> R<()> {
    for l in logical_lines(text) {
        let Err(e) = parse_line(&l.joined) else {
            continue;
        };
        let (line, column) = p.pos.locate(path);
        let at_key = p.lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
        let value = at_key.split_once(':').map_or("", |(_, v)| v.trim_start());
        // A block scalar's lines start on the line after its key.
        let (line, column) = if value.starts_with('|') || value.starts_with('>') {
            let at = line + l.number;
            let t = p.lines.get(at - 1).copied().unwrap_or("");
            (at, t.len() - t.trim_start().len() + 1)
        } else {
            (line, column)
        };
        return Err(LessonError {
            file: p.file.to_string(),
            line,
            column,
            message: format!("{}, script line {}: {e}", shown(path), l.number),
        });
    }
    Ok(())
}

fn cluster(p: &P, v: &Value) -> R<Cluster> {
    let path = vec![key("cluster")];
    let m = p.map(v, &path, "nodes, seed, timings, featureGates")?;
    p.only(m, &path, &["nodes", "seed", "timings", "featureGates"])?;
    let mut c = Cluster::default();
    if let Some(n) = m.get("nodes") {
        c.config.nodes = p.number(n, &with(&path, key("nodes")))? as usize;
    }
    if let Some(s) = m.get("seed") {
        c.seed = p.number(s, &with(&path, key("seed")))?;
    }
    if let Some(t) = m.get("timings") {
        let tpath = with(&path, key("timings"));
        let tm = p.map(t, &tpath, "timing names in milliseconds")?;
        let mut json = serde_json::to_value(Timings::default()).expect("timings serialize");
        let names: Vec<String> = json
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let allowed: Vec<&str> = names.iter().map(String::as_str).collect();
        p.only(tm, &tpath, &allowed)?;
        for (k, v) in tm {
            let k = scalar(k).unwrap_or_default();
            let ms = p.number(v, &with(&tpath, key(&k)))?;
            json[k.as_str()] = serde_json::Value::from(ms);
        }
        c.config.timings = serde_json::from_value(json).expect("known fields only");
    }
    if let Some(g) = m.get("featureGates") {
        let gpath = with(&path, key("featureGates"));
        let gm = p.map(g, &gpath, "gate names, each true or false")?;
        for (k, v) in gm {
            let name = scalar(k).unwrap_or_default();
            let kp = with(&gpath, key(&name));
            let Value::Bool(on) = v else {
                return Err(p.err(&kp, format!("{} must be true or false", shown(&kp))));
            };
            c.config.feature_gates.set(&name, *on).map_err(|e| {
                let known: Vec<&str> = features::KNOWN.iter().map(|g| g.name).collect();
                match features::gate(&name) {
                    Some(_) => p.err(&kp, e),
                    None => p.err(&kp, format!("{e} (Ordinal models: {})", known.join(", "))),
                }
            })?;
        }
    }
    Ok(c)
}

fn setup(p: &P, v: &Value) -> R<Setup> {
    let path = vec![key("setup")];
    let m = p.map(v, &path, "editor, apply, script, faults")?;
    p.only(m, &path, &["editor", "apply", "script", "faults"])?;
    Ok(Setup {
        editor: p.opt_string(m, &path, "editor")?,
        apply: m
            .get("apply")
            .map(|v| p.strings(v, &with(&path, key("apply"))))
            .transpose()?
            .unwrap_or_default(),
        script: p.opt_string(m, &path, "script")?.unwrap_or_default(),
        faults: m
            .get("faults")
            .map(|v| p.strings(v, &with(&path, key("faults"))))
            .transpose()?
            .unwrap_or_default(),
    })
}

fn step(p: &P, v: &Value, path: &[Seg]) -> R<Step> {
    let m = p.map(v, path, "a step: title, text, hints, solution, checks")?;
    p.only(m, path, &["title", "text", "hints", "solution", "checks"])?;
    let title = p.req_text(m, path, "title")?;
    let text = p.req_text(m, path, "text")?;
    let hints = match m.get("hints") {
        Some(Value::Sequence(s)) => s
            .iter()
            .enumerate()
            .map(|(i, h)| p.text(h, &with(&with(path, key("hints")), Seg::Index(i))))
            .collect::<R<Vec<Text>>>()?,
        Some(_) => {
            return Err(p.err(&with(path, key("hints")), "`hints` must be a list"));
        }
        None => Vec::new(),
    };
    let solution = p.req_string(m, path, "solution")?;
    let cpath = with(path, key("checks"));
    let checks = match m.get("checks") {
        Some(Value::Sequence(s)) if !s.is_empty() => s
            .iter()
            .enumerate()
            .map(|(i, c)| check(p, c, &with(&cpath, Seg::Index(i))))
            .collect::<R<Vec<Check>>>()?,
        Some(Value::Sequence(_)) | Some(Value::Null) | None => {
            return Err(p.err(
                path,
                format!(
                    "step {} has no checks: every step needs at least one",
                    step_number(path)
                ),
            ))
        }
        Some(_) => return Err(p.err(&cpath, "`checks` must be a list")),
    };
    Ok(Step {
        title,
        text,
        hints,
        solution,
        checks,
    })
}

fn step_number(path: &[Seg]) -> usize {
    match path.last() {
        Some(Seg::Index(i)) => i + 1,
        _ => 0,
    }
}

/// One check: a mapping whose one key names the kind. Its value is the
/// short form (a string) or a mapping of the kind's fields.
fn check(p: &P, v: &Value, path: &[Seg]) -> R<Check> {
    let m = p.map(v, path, "a check such as `exists: service/nginx`")?;
    let mut kinds = m.keys().filter_map(scalar);
    let Some(kind) = kinds.next() else {
        return Err(p.err(path, "an empty check"));
    };
    if !CHECK_KINDS.contains(&kind.as_str()) {
        return Err(p.err(
            &with(path, key(&kind)),
            format!(
                "unknown check kind \"{kind}\" (known: {})",
                CHECK_KINDS.join(", ")
            ),
        ));
    }
    if let Some(other) = kinds.next() {
        let message = if CHECK_KINDS.contains(&other.as_str()) {
            format!("a check has one kind; \"{other}\" goes in its own list item")
        } else {
            // `- pod_ready: db-0` with `namespace: shop` on the next line.
            format!(
                "\"{other}\" beside \"{kind}\" is not a check kind: a check's fields go \
                 in a mapping under its kind"
            )
        };
        return Err(p.err(&with(path, key(&other)), message));
    }
    let kpath = with(path, key(&kind));
    let body = &m[kind.as_str()];
    // The long form's fields; the short form is a string.
    let fields: Option<&Mapping> = body.as_mapping();
    let short: Option<String> = scalar(body);
    let ns = |f: Option<&Mapping>| -> R<String> {
        Ok(match f {
            Some(f) => p.opt_string(f, &kpath, "namespace")?,
            None => None,
        }
        .unwrap_or_else(|| "default".into()))
    };
    // Either the short form's string or the long form's `field`.
    let main = |field: &str, allowed: &[&str]| -> R<String> {
        if let Some(s) = &short {
            return Ok(s.clone());
        }
        let f = p.map(
            body,
            &kpath,
            &format!("\"{kind}\" takes a string or a mapping"),
        )?;
        p.only(f, &kpath, allowed)?;
        p.req_string(f, &kpath, field)
    };
    let check = match kind.as_str() {
        "exists" | "gone" => {
            let namespace = ns(fields)?;
            let o = p.object(
                &main("object", &["object", "namespace"])?,
                &namespace,
                &kpath,
            )?;
            if kind == "exists" {
                Check::Exists(o)
            } else {
                Check::Gone(o)
            }
        }
        "pod_ready" | "pod_running" => {
            let allowed = ["name", "namespace", "node"];
            let name = main("name", &allowed)?;
            Check::Pod {
                namespace: ns(fields)?,
                name,
                phase: Some("Running".into()),
                ready: if kind == "pod_ready" {
                    Some(true)
                } else {
                    None
                },
                node: fields
                    .map(|f| p.opt_string(f, &kpath, "node"))
                    .transpose()?
                    .flatten(),
            }
        }
        "pod" => {
            let allowed = ["name", "namespace", "phase", "ready", "node"];
            let name = main("name", &allowed)?;
            let f = fields;
            let ready = match f.and_then(|f| f.get("ready")) {
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => {
                    return Err(p.err(&with(&kpath, key("ready")), "`ready` is true or false"))
                }
                None => None,
            };
            let phase = f
                .map(|f| p.opt_string(f, &kpath, "phase"))
                .transpose()?
                .flatten();
            if let Some(ph) = &phase {
                if !["Pending", "Running", "Succeeded", "Failed", "Unknown"].contains(&ph.as_str())
                {
                    return Err(p.err(
                        &with(&kpath, key("phase")),
                        format!("unknown pod phase \"{ph}\" (Pending, Running, Succeeded, Failed, Unknown)"),
                    ));
                }
            }
            Check::Pod {
                namespace: ns(f)?,
                name,
                phase,
                ready,
                node: f
                    .map(|f| p.opt_string(f, &kpath, "node"))
                    .transpose()?
                    .flatten(),
            }
        }
        "spread" => {
            let f = p.map(body, &kpath, "selector and count")?;
            p.only(f, &kpath, &["selector", "count", "namespace"])?;
            let text = p.req_string(f, &kpath, "selector")?;
            Check::Spread {
                namespace: ns(Some(f))?,
                selector: p.selector(&text, &with(&kpath, key("selector")))?,
                selector_text: text,
                count: count(p, f, &kpath)? as usize,
            }
        }
        "ready_replicas" => {
            let f = p.map(body, &kpath, "object and count")?;
            p.only(f, &kpath, &["object", "count", "namespace"])?;
            let o = p.object(
                &p.req_string(f, &kpath, "object")?,
                &ns(Some(f))?,
                &with(&kpath, key("object")),
            )?;
            if !matches!(
                o.kind,
                Kind::StatefulSet
                    | Kind::ReplicationController
                    | Kind::ReplicaSet
                    | Kind::Deployment
                    | Kind::DaemonSet
            ) {
                return Err(p.err(
                    &with(&kpath, key("object")),
                    format!("a {} has no ready replicas to count", o.kind),
                ));
            }
            Check::ReadyReplicas {
                object: o,
                count: count(p, f, &kpath)? as i64,
            }
        }
        "claim_bound" => {
            let allowed = ["name", "namespace", "volume", "class"];
            let name = main("name", &allowed)?;
            Check::ClaimBound {
                namespace: ns(fields)?,
                name,
                volume: fields
                    .map(|f| p.opt_string(f, &kpath, "volume"))
                    .transpose()?
                    .flatten(),
                class: fields
                    .map(|f| p.opt_string(f, &kpath, "class"))
                    .transpose()?
                    .flatten(),
            }
        }
        "pv_phase" => {
            let f = p.map(body, &kpath, "name and phase")?;
            p.only(f, &kpath, &["name", "phase"])?;
            let phase = p.req_string(f, &kpath, "phase")?;
            if !["Pending", "Available", "Bound", "Released", "Failed"].contains(&phase.as_str()) {
                return Err(p.err(
                    &with(&kpath, key("phase")),
                    format!("unknown volume phase \"{phase}\" (Pending, Available, Bound, Released, Failed)"),
                ));
            }
            Check::PvPhase {
                name: p.req_string(f, &kpath, "name")?,
                phase,
            }
        }
        "resolves" | "does_not_resolve" => {
            let allowed: &[&str] = if kind == "resolves" {
                &["name", "from", "to_pod"]
            } else {
                &["name", "from"]
            };
            let name = main("name", allowed)?;
            let from = fields
                .map(|f| p.opt_string(f, &kpath, "from"))
                .transpose()?
                .flatten()
                .unwrap_or_else(|| "default".into());
            if kind == "resolves" {
                Check::Resolves {
                    from,
                    name,
                    to_pod: fields
                        .map(|f| p.opt_string(f, &kpath, "to_pod"))
                        .transpose()?
                        .flatten(),
                }
            } else {
                Check::DoesNotResolve { from, name }
            }
        }
        "event" => {
            let f = p.map(body, &kpath, "object, reason, message_contains")?;
            p.only(
                f,
                &kpath,
                &["object", "reason", "message_contains", "namespace"],
            )?;
            Check::Event {
                object: p.object(
                    &p.req_string(f, &kpath, "object")?,
                    &ns(Some(f))?,
                    &with(&kpath, key("object")),
                )?,
                reason: p.req_string(f, &kpath, "reason")?,
                message_contains: p.opt_string(f, &kpath, "message_contains")?,
            }
        }
        "order" => {
            // `[...]`, or `{namespace, entries: [...]}` for another namespace.
            let (items, namespace, ipath) = match body {
                Value::Sequence(items) => (items, "default".to_string(), kpath.clone()),
                Value::Mapping(f) => {
                    p.only(f, &kpath, &["entries", "namespace"])?;
                    let Some(Value::Sequence(items)) = f.get("entries") else {
                        return Err(p.err(
                            &kpath,
                            "`order` needs \"entries\": a list like [pod/web-0 ready, pod/web-1 created]",
                        ));
                    };
                    (items, ns(Some(f))?, with(&kpath, key("entries")))
                }
                _ => {
                    return Err(p.err(
                        &kpath,
                        "`order` is a list: [pod/web-0 ready, pod/web-1 created]",
                    ))
                }
            };
            if items.len() < 2 {
                return Err(p.err(&kpath, "`order` needs at least two entries"));
            }
            let moments = items
                .iter()
                .enumerate()
                .map(|(i, v)| moment(p, v, &namespace, &with(&ipath, Seg::Index(i))))
                .collect::<R<Vec<Moment>>>()?;
            Check::Order(moments)
        }
        "replaced" => {
            let allowed = ["pod", "claim", "namespace"];
            let pod = main("pod", &allowed)?;
            Check::Replaced {
                namespace: ns(fields)?,
                pod,
                claim: fields
                    .map(|f| p.opt_string(f, &kpath, "claim"))
                    .transpose()?
                    .flatten(),
            }
        }
        "endpoints" => {
            let f = p.map(body, &kpath, "service, ready, includes, excludes, selector")?;
            p.only(
                f,
                &kpath,
                &[
                    "service",
                    "ready",
                    "includes",
                    "excludes",
                    "selector",
                    "namespace",
                ],
            )?;
            let list = |k: &str| -> R<Vec<String>> {
                f.get(k)
                    .map(|v| p.strings(v, &with(&kpath, key(k))))
                    .transpose()
                    .map(Option::unwrap_or_default)
            };
            let selector = match p.opt_string(f, &kpath, "selector")? {
                Some(s) => Some((p.selector(&s, &with(&kpath, key("selector")))?, s)),
                None => None,
            };
            Check::Endpoints {
                namespace: ns(Some(f))?,
                service: p.req_string(f, &kpath, "service")?,
                ready: f
                    .get("ready")
                    .map(|v| p.number(v, &with(&kpath, key("ready"))))
                    .transpose()?
                    .map(|n| n as usize),
                includes: list("includes")?,
                excludes: list("excludes")?,
                selector,
            }
        }
        "query" => {
            let f = p.map(body, &kpath, "kubectl and equals, contains or matches")?;
            p.only(
                f,
                &kpath,
                &["kubectl", "equals", "contains", "matches", "count"],
            )?;
            let mut command = p.req_string(f, &kpath, "kubectl")?;
            if !command.trim_start().starts_with("kubectl ") {
                command = format!("kubectl {}", command.trim());
            }
            let expects: Vec<Expect> = [
                ("equals", Expect::Equals as fn(String) -> Expect),
                ("contains", Expect::Contains),
                ("matches", Expect::Matches),
            ]
            .iter()
            .filter_map(|(k, mk)| f.get(*k).map(|v| (k, mk, v)))
            .map(|(k, mk, v)| p.string(v, &with(&kpath, key(k))).map(mk))
            .collect::<R<_>>()?;
            if expects.len() != 1 {
                return Err(p.err(
                    &kpath,
                    "a query needs exactly one of equals, contains, matches",
                ));
            }
            let count = f
                .get("count")
                .map(|v| p.number(v, &with(&kpath, key("count"))))
                .transpose()?
                .map(|n| n as usize);
            if count.is_some() && !matches!(expects[0], Expect::Contains(_)) {
                return Err(p.err(
                    &with(&kpath, key("count")),
                    "`count` goes with `contains` (how many times the text appears)",
                ));
            }
            Check::Query {
                command,
                expect: expects.into_iter().next().expect("one"),
                count,
            }
        }
        _ => unreachable!("listed in CHECK_KINDS"),
    };
    Ok(check)
}

fn count(p: &P, f: &Mapping, path: &[Seg]) -> R<u64> {
    match f.get("count") {
        Some(v) => p.number(v, &with(path, key("count"))),
        None => Err(p.err(path, format!("{} needs \"count\"", shown(path)))),
    }
}

/// `KIND/NAME HAPPENING`, or `{object, event, message_contains}` for a
/// recorded Kubernetes Event.
fn moment(p: &P, v: &Value, namespace: &str, path: &[Seg]) -> R<Moment> {
    if let Some(m) = v.as_mapping() {
        p.only(
            m,
            path,
            &["object", "event", "message_contains", "namespace"],
        )?;
        let namespace = p
            .opt_string(m, path, "namespace")?
            .unwrap_or_else(|| namespace.into());
        return Ok(Moment {
            object: p.object(&p.req_string(m, path, "object")?, &namespace, path)?,
            what: Happening::Event {
                reason: p.req_string(m, path, "event")?,
                message_contains: p.opt_string(m, path, "message_contains")?,
            },
        });
    }
    let s = p.string(v, path)?;
    let mut words = s.split_whitespace();
    let (Some(obj), Some(what), None) = (words.next(), words.next(), words.next()) else {
        return Err(p.err(
            path,
            format!("\"{s}\" must be KIND/NAME HAPPENING (like pod/web-0 ready)"),
        ));
    };
    let what = match what {
        "created" => Happening::Created,
        "ready" => Happening::Ready,
        "unready" => Happening::Unready,
        "terminating" => Happening::Terminating,
        "deleted" => Happening::Deleted,
        "bound" => Happening::Bound,
        "released" => Happening::Released,
        other => {
            let lower = other.to_ascii_lowercase();
            let hint = if HAPPENINGS.contains(&lower.as_str()) {
                format!("; happenings are lower case: {lower}")
            } else {
                String::new()
            };
            return Err(p.err(
                path,
                format!(
                    "unknown happening \"{other}\" (known: {}){hint}",
                    HAPPENINGS.join(", ")
                ),
            ));
        }
    };
    Ok(Moment {
        object: p.object(obj, namespace, path)?,
        what,
    })
}
