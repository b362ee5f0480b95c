//! What a host page asks of an embedded session: the address's parameters
//! (`?embed=1&view=cluster&example=web&apply=1 ...`) and the embedding API's
//! messages (`{type: "ordinal:run", id, line}` ...), parsed from untrusted
//! text into values, and the replies the frame sends back. The page only
//! moves these between the browser and the session.

use super::Session;
use crate::sim::object::{json_text, Kind};
use crate::sim::podutil;
use crate::sim::session::Input;
use serde_json::{json, Value};

/// The panels an embed shows behind tabs, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Editor,
    Cluster,
    Storage,
    Network,
    Console,
    Events,
    Lessons,
    /// The lifecycle chart (`view=chart`).
    Chart,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Editor,
        View::Cluster,
        View::Storage,
        View::Network,
        View::Console,
        View::Events,
        View::Lessons,
        View::Chart,
    ];

    pub fn id(self) -> &'static str {
        match self {
            View::Editor => "editor",
            View::Cluster => "cluster",
            View::Storage => "storage",
            View::Network => "network",
            View::Console => "console",
            View::Events => "events",
            View::Lessons => "lessons",
            View::Chart => "chart",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.id() == s)
    }

    /// The panel shown beside this one when the frame is wide enough for two.
    pub fn companion(self, console: bool) -> View {
        match self {
            View::Cluster if console => View::Console,
            View::Cluster => View::Editor,
            _ => View::Cluster,
        }
    }
}

/// The address's parameters. Unknown ones are ignored; a known one with a
/// value it cannot take is reported in `problems` and left at its default.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub embed: bool,
    pub view: Option<View>,
    /// `light` or `dark`.
    pub theme: Option<String>,
    pub lang: Option<String>,
    pub speed: Option<f64>,
    pub autoplay: bool,
    pub readonly: bool,
    /// `console=0` hides the console.
    pub console: bool,
    pub example: Option<String>,
    pub apply: bool,
    /// Click to load (handled before the app loads; the app ignores it).
    pub ctl: bool,
    pub problems: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            embed: false,
            view: None,
            theme: None,
            lang: None,
            speed: None,
            autoplay: false,
            readonly: false,
            console: true,
            example: None,
            apply: false,
            ctl: false,
            problems: Vec::new(),
        }
    }
}

/// The parameters that only shape an embed: dropped from the full page's
/// "Open in Ordinal" address.
pub const EMBED_ONLY: &[&str] = &[
    "embed", "view", "readonly", "console", "ctl", "autoplay", "speed",
];

/// The parameters a share fragment replaces: a link with a session in its
/// fragment drops them, so reopening it does not apply the example again.
pub const SESSION_PARAMS: &[&str] = &["example", "apply"];

/// Decodes `%XX` and `+` of a query's name or value.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// A query's pairs, decoded, in order (with or without its `?`).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The query without the named parameters, `?` included unless empty.
pub fn query_without(query: &str, drop: &[&str]) -> String {
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let k = percent_decode(p.split_once('=').map_or(*p, |(k, _)| k));
            !drop.contains(&k.as_str())
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

fn flag(v: &str) -> Option<bool> {
    match v {
        "" | "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

impl Params {
    pub fn parse(query: &str) -> Params {
        let mut p = Params::default();
        for (k, v) in query_pairs(query) {
            let mut bad = |what: &str| {
                p.problems.push(format!(
                    "The address's {k}={v} is not {what}; it was ignored."
                ))
            };
            let set_flag = |target: &mut bool, bad: &mut dyn FnMut(&str)| match flag(&v) {
                Some(b) => *target = b,
                None => bad("1 or 0"),
            };
            match k.as_str() {
                "embed" => set_flag(&mut p.embed, &mut bad),
                "autoplay" => set_flag(&mut p.autoplay, &mut bad),
                "readonly" => set_flag(&mut p.readonly, &mut bad),
                "console" => set_flag(&mut p.console, &mut bad),
                "apply" => set_flag(&mut p.apply, &mut bad),
                "ctl" => set_flag(&mut p.ctl, &mut bad),
                "view" => match View::parse(&v) {
                    Some(view) => p.view = Some(view),
                    None => {
                        bad("one of editor, cluster, storage, network, console, events, lessons")
                    }
                },
                "theme" => match v.as_str() {
                    "light" | "dark" | "auto" => p.theme = Some(v.clone()),
                    _ => bad("light or dark"),
                },
                "lang" => p.lang = Some(v.clone()),
                "speed" => match v.trim_end_matches(['x', '×']).parse::<f64>() {
                    Ok(s) if s.is_finite() && s > 0.0 && s <= 64.0 => p.speed = Some(s),
                    _ => bad("a speed between 0 and 64"),
                },
                "example" => match crate::sim::examples::by_id(&v) {
                    Some(_) => p.example = Some(v.clone()),
                    None => {
                        let ids: Vec<&str> =
                            crate::sim::examples::all().iter().map(|e| e.id).collect();
                        p.problems.push(format!(
                            "There is no example \"{v}\" (the address's example=); the examples are: {}.",
                            ids.join(", ")
                        ));
                    }
                },
                _ => {}
            }
        }
        if !p.console && p.view == Some(View::Console) {
            p.view = None;
        }
        p
    }

    /// The tab an embed opens on.
    pub fn first_view(&self) -> View {
        self.view.unwrap_or(if self.readonly || self.apply {
            View::Cluster
        } else {
            View::Editor
        })
    }

    /// The tabs shown: every view but the console when `console=0`.
    pub fn views(&self) -> Vec<View> {
        View::ALL
            .into_iter()
            .filter(|v| self.console || *v != View::Console)
            .collect()
    }
}

/// A message from the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum HostMessage {
    Apply { id: Value, yaml: String },
    Run { id: Value, line: String },
    Reset,
    Play,
    Pause,
    GetState { id: Value },
}

/// Reads a message posted to the frame (as JSON). `Err` says why it is not
/// one the frame takes; the page logs it and carries on.
pub fn parse_message(msg: &Value) -> Result<HostMessage, String> {
    let obj = msg
        .as_object()
        .ok_or_else(|| format!("not an object: {}", brief(msg)))?;
    let ty = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no \"type\" string: {}", brief(msg)))?;
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    if !matches!(id, Value::Null | Value::String(_) | Value::Number(_)) {
        return Err(format!("{ty}: \"id\" must be a string or a number"));
    }
    let text = |field: &str| -> Result<String, String> {
        obj.get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{ty}: \"{field}\" must be a string"))
    };
    Ok(match ty {
        "ordinal:apply" => HostMessage::Apply {
            id,
            yaml: text("yaml")?,
        },
        "ordinal:run" => HostMessage::Run {
            id,
            line: text("line")?,
        },
        "ordinal:reset" => HostMessage::Reset,
        "ordinal:play" => HostMessage::Play,
        "ordinal:pause" => HostMessage::Pause,
        "ordinal:get-state" => HostMessage::GetState { id },
        other => return Err(format!("unknown message type \"{other}\"")),
    })
}

fn brief(v: &Value) -> String {
    let s = json_text(v);
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn with_id(mut v: Value, id: &Value) -> Value {
    if !id.is_null() {
        v["id"] = id.clone();
    }
    v
}

pub fn ready() -> Value {
    json!({ "type": "ordinal:ready" })
}

pub fn output(id: &Value, text: &str, ok: bool) -> Value {
    with_id(
        json!({ "type": "ordinal:output", "text": text, "ok": ok }),
        id,
    )
}

pub fn error(id: &Value, message: &str) -> Value {
    with_id(json!({ "type": "ordinal:error", "message": message }), id)
}

/// `ordinal:state`: the clock (virtual ms), the event count, the trace hash
/// and the pods.
pub fn state(session: &Session, id: &Value) -> Value {
    let sim = session.sim();
    let pods: Vec<Value> = sim
        .store
        .list(Kind::Pod)
        .map(|p| {
            let node = p.spec().get("nodeName").and_then(Value::as_str);
            json!({
                "name": p.name(),
                "namespace": p.namespace(),
                "phase": podutil::phase(p),
                "ready": podutil::is_ready(p),
                "node": node,
            })
        })
        .collect();
    with_id(
        json!({
            "type": "ordinal:state",
            "clock": sim.now,
            "events": sim.log.len(),
            "traceHash": session.trace_hash(),
            "pods": pods,
        }),
        id,
    )
}

/// Runs a host's `run` or `apply` on the session: the `ordinal:output`
/// reply, and what the console shows (the lines as a terminal prints them).
pub fn run(session: &mut Session, msg: &HostMessage) -> Option<(Value, Vec<super::Printed>)> {
    match msg {
        HostMessage::Run { id, line } => {
            let printed = session.line(line);
            let ok = printed.iter().all(|p| p.class != "err");
            let text: Vec<&str> = printed
                .iter()
                .filter(|p| p.class != "cmd")
                .map(|p| p.text.as_str())
                .collect();
            Some((output(id, &text.join("\n"), ok), printed))
        }
        HostMessage::Apply { id, yaml } => {
            let r = session.input(Input::Manifest {
                text: yaml.clone(),
                delete: false,
            });
            let (class, ok, text) = match r {
                Ok(t) => ("out", true, t),
                Err(e) => ("err", false, e),
            };
            let printed = vec![
                super::Printed::note("cmd", super::Note::ApplyFromHost),
                super::Printed::new(class, text.trim_end()),
            ];
            Some((output(id, text.trim_end(), ok), printed))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::Config;

    #[test]
    fn parameters_parse_and_report_what_they_cannot_take() {
        let p = Params::parse(
            "?embed=1&view=cluster&theme=dark&speed=4&autoplay=1&readonly=1&console=0&example=web&apply=1&x=9",
        );
        assert!(p.embed && p.autoplay && p.readonly && p.apply && !p.console && !p.ctl);
        assert_eq!(p.view, Some(View::Cluster));
        assert_eq!(p.theme.as_deref(), Some("dark"));
        assert_eq!(p.speed, Some(4.0));
        assert_eq!(p.example.as_deref(), Some("web"));
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.views().len(), 7);
        assert!(!p.views().contains(&View::Console));

        let p =
            Params::parse("embed=1&view=tables&theme=pink&speed=-2&example=nope&readonly=maybe");
        assert_eq!(p.view, None);
        assert_eq!(p.theme, None);
        assert_eq!(p.speed, None);
        assert_eq!(p.example, None);
        assert!(!p.readonly);
        assert_eq!(p.problems.len(), 5, "{:?}", p.problems);
        assert!(p
            .problems
            .iter()
            .any(|m| m.contains("no example \"nope\"") && m.contains("zookeeper")));
        assert_eq!(p.first_view(), View::Editor);
        // console=0 also drops a view=console.
        assert_eq!(Params::parse("view=console&console=0").view, None);
    }

    #[test]
    fn queries_decode_and_lose_what_is_dropped() {
        assert_eq!(
            query_pairs("?a=b%20c&d=e+f&g&%3D=%zz"),
            vec![
                ("a".into(), "b c".into()),
                ("d".into(), "e f".into()),
                ("g".into(), "".into()),
                ("=".into(), "%zz".into()),
            ]
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%e4%b8%ad"), "中");
        assert_eq!(
            query_without("?embed=1&example=web&theme=dark&apply=1", EMBED_ONLY),
            "?example=web&theme=dark&apply=1"
        );
        assert_eq!(query_without("?embed=1&view=x", EMBED_ONLY), "");
        assert_eq!(query_without("", SESSION_PARAMS), "");
    }

    #[test]
    fn messages_parse_or_say_why_not() {
        let m = |s: &str| parse_message(&serde_json::from_str(s).unwrap());
        assert_eq!(
            m(r#"{"type":"ordinal:run","id":7,"line":"kubectl get pods"}"#),
            Ok(HostMessage::Run {
                id: json!(7),
                line: "kubectl get pods".into()
            })
        );
        assert_eq!(
            m(r#"{"type":"ordinal:get-state"}"#),
            Ok(HostMessage::GetState { id: Value::Null })
        );
        assert_eq!(
            m(r#"{"type":"ordinal:pause","extra":1}"#),
            Ok(HostMessage::Pause)
        );
        for bad in [
            "42",
            r#""ordinal:play""#,
            r#"{"kind":"ordinal:play"}"#,
            r#"{"type":"ordinal:run","line":5}"#,
            r#"{"type":"ordinal:apply","id":"a"}"#,
            r#"{"type":"ordinal:run","id":{"x":1},"line":"get pods"}"#,
            r#"{"type":"ordinal:frobnicate"}"#,
            r#"{"type":"ordinal:ready"}"#,
        ] {
            let e = m(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
        assert!(m(r#"{"type":"ordinal:frobnicate"}"#)
            .unwrap_err()
            .contains("frobnicate"));
    }

    #[test]
    fn a_host_runs_lines_and_reads_the_pods() {
        let mut s = Session::new(1, Config::default());
        let web = crate::sim::examples::by_id("web")
            .unwrap()
            .yaml()
            .unwrap()
            .to_string();
        let (reply, printed) = run(
            &mut s,
            &HostMessage::Apply {
                id: json!("a1"),
                yaml: web,
            },
        )
        .unwrap();
        assert_eq!(reply["type"], "ordinal:output");
        assert_eq!(reply["id"], "a1");
        assert_eq!(reply["ok"], true);
        assert!(reply["text"]
            .as_str()
            .unwrap()
            .contains("statefulset.apps/web created"));
        assert_eq!(printed.len(), 2);
        s.advance(30_000);
        let (reply, _) = run(
            &mut s,
            &HostMessage::Run {
                id: json!(2),
                line: "kubectl get pods".into(),
            },
        )
        .unwrap();
        let text = reply["text"].as_str().unwrap();
        assert!(text.starts_with("NAME") && text.contains("web-1"), "{text}");
        assert_eq!(reply["ok"], true);
        let (reply, _) = run(
            &mut s,
            &HostMessage::Run {
                id: json!(3),
                line: "kubectl get nothing".into(),
            },
        )
        .unwrap();
        assert_eq!(reply["ok"], false);

        let st = state(&s, &json!("s"));
        assert_eq!(st["type"], "ordinal:state");
        assert_eq!(st["id"], "s");
        assert_eq!(st["clock"], 30_000);
        assert_eq!(st["events"], s.sim().log.len());
        assert_eq!(st["traceHash"], s.trace_hash());
        let pods = st["pods"].as_array().unwrap();
        let names: Vec<&str> = pods.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["web-0", "web-1"]);
        assert!(pods
            .iter()
            .all(|p| p["phase"] == "Running" && p["ready"] == true));
        assert!(pods
            .iter()
            .all(|p| p["node"].as_str().is_some_and(|n| n.starts_with("node-"))));
        assert!(state(&s, &Value::Null).get("id").is_none());
    }
}
