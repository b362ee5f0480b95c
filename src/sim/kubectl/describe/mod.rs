//! `kubectl describe`: kubectl's describers for the kinds the seeds look
//! at, a generic one for the rest, and an Events section from the log.

use super::parse::Args;
use super::printers::{self, since, tabwrite};
use super::resources::{self, Resource};
use super::{namespace, selector};
use crate::sim::engine::{Action, Sim};
use crate::sim::object::{parse_rfc3339, Key, Kind, Object, ValueExt, EPOCH_UNIX_MS};
use serde_json::Value;

mod apps;
mod cluster;
mod config;
mod generic;
mod network;
mod pod;
mod storage;

use crate::sim::sort;
use apps::*;
use cluster::*;
use config::*;
use generic::*;
use network::*;
use pod::*;
use storage::*;

/// `Wed, 01 Jan 2025 00:00:01 +0000` (RFC 1123 with numeric zone), as
/// describe prints times.
pub fn rfc1123(virtual_ms: u64) -> String {
    let s = crate::sim::object::rfc3339(virtual_ms);
    let secs = (EPOCH_UNIX_MS + virtual_ms) / 1000;
    let days = secs / 86_400;
    // 1970-01-01 was a Thursday.
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let y = &s[0..4];
    let m: usize = s[5..7].parse().unwrap_or(1);
    let d = &s[8..10];
    format!("{wd}, {d} {} {y} {} +0000", months[m - 1], &s[11..19])
}

fn ts_str(v: &Value, path: &str) -> String {
    v.str_at(path)
        .and_then(parse_rfc3339)
        .map(rfc1123)
        .unwrap_or_default()
}

/// Lines with tabs, aligned at the end by the describe tab writer.
struct W {
    text: String,
}

impl W {
    fn new() -> W {
        W {
            text: String::new(),
        }
    }
    fn kv(&mut self, level: usize, k: &str, v: impl AsRef<str>) {
        let v = v.as_ref();
        self.text
            .push_str(&format!("{}{k}:\t{v}\n", "  ".repeat(level)));
    }
    fn line(&mut self, level: usize, s: &str) {
        self.text.push_str(&format!("{}{s}\n", "  ".repeat(level)));
    }
    /// A map printed one entry per line, the first beside the key
    /// (`printLabelsMultiline`, `printAnnotationsMultiline`): labels as
    /// `k=v`; annotations as `k: v`, or, when longer than 140 characters
    /// or on several lines, the key alone and the value below, each line
    /// cut at 138 (without kubectl's own last-applied-configuration, which
    /// describe hides).
    fn map(&mut self, level: usize, k: &str, m: &crate::sim::object::Labels) {
        const MAX_ANNOTATION_LEN: usize = 140;
        let annotations = k == "Annotations";
        let mut entries: Vec<String> = Vec::new();
        for (a, b) in m
            .iter()
            .filter(|(a, _)| a.as_str() != super::mutate::LAST_APPLIED)
        {
            if !annotations {
                entries.push(format!("{a}={b}"));
                continue;
            }
            let value = b.strip_suffix('\n').unwrap_or(b);
            if value.len() + a.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
                let mut e = format!("{a}:");
                for l in value.split('\n') {
                    let cut = MAX_ANNOTATION_LEN - 2;
                    let short = if l.len() > cut {
                        let mut i = cut;
                        while !l.is_char_boundary(i) {
                            i -= 1;
                        }
                        format!("{}...", &l[..i])
                    } else {
                        l.to_string()
                    };
                    e.push_str(&format!("\n\t  {short}"));
                }
                entries.push(e);
            } else {
                entries.push(format!("{a}: {value}"));
            }
        }
        self.multiline(level, k, &entries);
    }
    /// `Title:` and the first entry, the others below it aligned on the
    /// tab, or `<none>`.
    fn multiline(&mut self, level: usize, title: &str, entries: &[String]) {
        if entries.is_empty() {
            self.kv(level, title, "<none>");
            return;
        }
        for (i, e) in entries.iter().enumerate() {
            if i == 0 {
                self.kv(level, title, e);
            } else {
                self.text.push_str(&format!("\t{e}\n"));
            }
        }
    }
    fn finish(self) -> String {
        tabwrite(&self.text, 0, 2)
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// `Taint.ToString()`: `key=value:effect`, parts left out when empty.
fn taint_string(t: &Value) -> String {
    let key = t.str_at("key").unwrap_or("");
    let value = t.str_at("value").unwrap_or("");
    let effect = t.str_at("effect").unwrap_or("");
    match (value.is_empty(), effect.is_empty()) {
        (true, true) => key.to_string(),
        (false, true) => format!("{key}={value}:"),
        (true, false) => format!("{key}:{effect}"),
        (false, false) => format!("{key}={value}:{effect}"),
    }
}

/// `printTaintsMultilineWithIndent`: one taint per line, sorted by
/// effect, then key.
fn taints(w: &mut W, level: usize, title: &str, taints: &[Value]) {
    let mut sorted: Vec<&Value> = taints.iter().collect();
    let sort_key = |t: &Value| {
        format!(
            "{},{}",
            t.str_at("effect").unwrap_or(""),
            t.str_at("key").unwrap_or("")
        )
    };
    sort::sort_by_key(&mut sorted, |t| sort_key(t));
    let lines: Vec<String> = sorted.into_iter().map(taint_string).collect();
    w.multiline(level, title, &lines);
}

/// `printTolerationsMultilineWithIndent`: sorted by key; `op=Exists` for
/// a toleration of any value, `for Ns` with tolerationSeconds.
fn tolerations(w: &mut W, level: usize, tols: &[Value]) {
    let mut sorted: Vec<&Value> = tols.iter().collect();
    sort::sort_by_key(&mut sorted, |t| t.str_at("key").unwrap_or("").to_string());
    let lines: Vec<String> = sorted
        .into_iter()
        .map(|t| {
            let key = t.str_at("key").unwrap_or("");
            let value = t.str_at("value").unwrap_or("");
            let effect = t.str_at("effect").unwrap_or("");
            let mut s = key.to_string();
            if !value.is_empty() {
                s.push_str(&format!("={value}"));
            }
            if !effect.is_empty() {
                s.push_str(&format!(":{effect}"));
            }
            if t.str_at("operator") == Some("Exists") && value.is_empty() {
                if key.is_empty() && effect.is_empty() {
                    s.push_str("op=Exists");
                } else {
                    s.push_str(" op=Exists");
                }
            }
            if let Some(sec) = t.i64_at("tolerationSeconds") {
                s.push_str(&format!(" for {sec}s"));
            }
            s
        })
        .collect();
    w.multiline(level, "Tolerations", &lines);
}

/// One Event as the API holds it after client-go's correlator: identical
/// events (type, reason, source, message) of one object are one Event
/// with a count and first and last timestamps.
struct Aggregated<'a> {
    warning: bool,
    reason: &'a str,
    source: &'a str,
    message: &'a str,
    count: u64,
    first: u64,
    last: u64,
}

/// The object's Events, aggregated, oldest last-seen first
/// (`event.SortableEvents`).
fn aggregated_events<'a>(sim: &'a Sim, o: &Object) -> Vec<Aggregated<'a>> {
    let key = o.key();
    let mut out: Vec<Aggregated> = Vec::new();
    for e in sim.log.iter().filter(|e| {
        e.action == Action::Recorded && e.key() == key && e.time >= o.meta.creation_timestamp
    }) {
        let (count, last) = sim
            .event_counts
            .get(&e.seq)
            .map(|&(n, t)| (u64::from(n), t))
            .unwrap_or((1, e.time));
        match out.iter_mut().find(|a| {
            a.warning == e.warning
                && a.reason == e.reason
                && a.source == e.source
                && a.message == e.message
        }) {
            Some(a) => {
                a.count += count;
                a.last = a.last.max(last);
            }
            None => out.push(Aggregated {
                warning: e.warning,
                reason: &e.reason,
                source: &e.source,
                message: &e.message,
                count,
                first: e.time,
                last,
            }),
        }
    }
    sort::sort_by_key(&mut out, |a| a.last);
    out
}

/// `DescribeEvents`: the Age column is the time since the event was first
/// seen, or for a repeated one `<since last> (xN over <since first>)`.
fn events_section(sim: &Sim, o: &Object, w: &mut W) {
    let evs = aggregated_events(sim, o);
    if evs.is_empty() {
        w.kv(0, "Events", "<none>");
        return;
    }
    w.line(0, "Events:");
    w.text.push_str("  Type\tReason\tAge\tFrom\tMessage\n");
    w.text.push_str("  ----\t------\t----\t----\t-------\n");
    for e in evs {
        let age = if e.count > 1 {
            format!(
                "{} (x{} over {})",
                since(sim.now, e.last),
                e.count,
                since(sim.now, e.first)
            )
        } else {
            since(sim.now, e.first)
        };
        w.text.push_str(&format!(
            "  {}\t{}\t{}\t{}\t{}\n",
            if e.warning { "Warning" } else { "Normal" },
            e.reason,
            age,
            e.source,
            e.message.trim()
        ));
    }
}

fn common_meta(w: &mut W, o: &Object) {
    w.kv(0, "Name", &o.meta.name);
    if o.kind.namespaced() {
        w.kv(0, "Namespace", &o.meta.namespace);
    }
}

fn controlled_by(o: &Object) -> Option<String> {
    o.meta
        .controller_ref()
        .map(|r| format!("{}/{}", r.kind, r.name))
}

fn pod_counts(sim: &Sim, o: &Object) -> String {
    let pods: Vec<&Object> = sim
        .store
        .list_ns(Kind::Pod, &o.meta.namespace)
        .filter(|p| p.meta.is_owned_by(&o.meta.uid))
        .collect();
    let count = |phase: &str| {
        pods.iter()
            .filter(|p| crate::sim::podutil::phase(p) == phase)
            .count()
    };
    format!(
        "{} Running / {} Waiting / {} Succeeded / {} Failed",
        count("Running"),
        count("Pending"),
        count("Succeeded"),
        count("Failed")
    )
}

/// `metav1.FormatLabelSelector`: the selector's requirements sorted by
/// key (`k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, values sorted),
/// `<none>` when empty. A plain map (a ReplicationController's) reads as
/// match labels.
fn selector_text(v: &Value) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    let labels = if v.at("matchLabels").is_null() && v.at("matchExpressions").is_null() {
        v.labels_at("")
    } else {
        v.labels_at("matchLabels")
    };
    for (k, val) in labels {
        reqs.push((k.clone(), format!("{k}={val}")));
    }
    for e in v.array_at("matchExpressions") {
        let key = e.str_at("key").unwrap_or("");
        let mut vals: Vec<&str> = e
            .array_at("values")
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        sort::sort(&mut vals);
        vals.dedup();
        let text = match e.str_at("operator").unwrap_or("") {
            "In" => format!("{key} in ({})", vals.join(",")),
            "NotIn" => format!("{key} notin ({})", vals.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {} ({})", other.to_ascii_lowercase(), vals.join(",")),
        };
        reqs.push((key.to_string(), text));
    }
    sort::sort_by(&mut reqs, |a, b| a.0.cmp(&b.0));
    let parts: Vec<String> = reqs.into_iter().map(|(_, t)| t).collect();
    or_none(&parts.join(","))
}

/// Describes one object.
pub fn describe_object(sim: &Sim, o: &Object) -> String {
    describe_object_opts(sim, o, true)
}

/// `describe_object`, with `--show-events` given.
pub fn describe_object_opts(sim: &Sim, o: &Object, show_events: bool) -> String {
    let mut w = W::new();
    match o.kind {
        Kind::Pod => describe_pod(sim, o, &mut w),
        Kind::StatefulSet => describe_statefulset(sim, o, &mut w),
        Kind::Service => describe_service(sim, o, &mut w),
        Kind::Endpoints => describe_endpoints(o, &mut w),
        Kind::PersistentVolumeClaim => describe_pvc(sim, o, &mut w),
        Kind::PersistentVolume => describe_pv(sim, o, &mut w),
        Kind::Node => describe_node(sim, o, &mut w),
        Kind::PodDisruptionBudget => describe_pdb(o, &mut w),
        Kind::ReplicationController | Kind::ReplicaSet => describe_replicaset(sim, o, &mut w),
        Kind::Deployment => describe_deployment(sim, o, &mut w),
        Kind::DaemonSet => describe_daemonset(sim, o, &mut w),
        Kind::StorageClass => describe_storageclass(o, &mut w),
        Kind::ConfigMap => describe_configmap(o, &mut w),
        // Neither prints events.
        Kind::Secret => {
            describe_secret(o, &mut w);
            return w.finish();
        }
        Kind::Namespace => {
            describe_namespace(o, &mut w);
            return w.finish();
        }
        Kind::ControllerRevision => describe_generic(o, &mut w),
    }
    if show_events {
        events_section(sim, o, &mut w);
    }
    w.finish()
}

pub fn describe(sim: &mut Sim, args: &Args, files: &[(String, String)]) -> Result<String, String> {
    let ns = namespace(args);
    let all_ns = args.bool("all-namespaces");
    let sel = selector(args)?;
    let mut keys: Vec<Result<Key, String>> = Vec::new();
    if args.has("filename") {
        let (objs, _, errs) = super::manifest_objects(args, files, &sim.config.feature_gates)?;
        if !errs.is_empty() {
            return Err(errs.join("\n"));
        }
        for o in objs {
            let key = Key::new(
                o.kind,
                if o.meta.namespace.is_empty() {
                    &ns
                } else {
                    &o.meta.namespace
                },
                &o.meta.name,
            );
            if sim.store.get_key(&key).is_some() {
                keys.push(Ok(key));
            } else {
                keys.push(Err(crate::sim::api::ApiError::not_found(
                    o.kind,
                    &o.meta.name,
                )
                .to_string()));
            }
        }
    } else {
        if args.positional.is_empty() {
            return Err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\nerror: Required resource not specified.".into());
        }
        let targets = resources::parse_targets(&args.positional)?;
        if targets.groups.iter().any(|(r, _)| *r == Resource::Events) {
            return Err("error: describing events is not simulated; use kubectl get events".into());
        }
        // The builder refuses names with a selector before anything is read.
        if super::selects(sel.as_ref()) && targets.groups.iter().any(|(_, n)| !n.is_empty()) {
            return Err(super::NAME_WITH_SELECTOR.into());
        }
        // describe TYPE NAME matches names by prefix when there is no exact hit.
        for (r, names) in &targets.groups {
            let Resource::Kind(kind) = *r else { continue };
            if names.is_empty() {
                let t = resources::Targets {
                    groups: vec![(*r, vec![])],
                    multi: false,
                };
                keys.extend(super::select_keys(sim, &t, &ns, all_ns, sel.as_ref()));
                continue;
            }
            for n in names {
                let key = Key::new(kind, &ns, n);
                if sim.store.get_key(&key).is_some() {
                    keys.push(Ok(key));
                    continue;
                }
                let by_prefix: Vec<Key> = (if kind.namespaced() {
                    sim.store.list_ns(kind, &ns).collect::<Vec<_>>()
                } else {
                    sim.store.list(kind).collect()
                })
                .into_iter()
                .filter(|o| o.meta.name.starts_with(n.as_str()))
                .map(|o| o.key())
                .collect();
                if by_prefix.is_empty() {
                    keys.push(Err(
                        crate::sim::api::ApiError::not_found(kind, n).to_string()
                    ));
                } else {
                    keys.extend(by_prefix.into_iter().map(Ok));
                }
            }
        }
    }
    let show_events = args.get("show-events") != Some("false");
    let mut parts = Vec::new();
    let mut errors = Vec::new();
    for k in keys {
        match k {
            Ok(key) => {
                if let Some(o) = sim.store.get_key(&key) {
                    parts.push(describe_object_opts(sim, o, show_events));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if parts.is_empty() && errors.is_empty() {
        return Ok(format!(
            "{}\n",
            super::no_resources(if all_ns { None } else { Some(&ns) })
        ));
    }
    let out = parts.join("\n\n");
    if errors.is_empty() {
        Ok(out)
    } else {
        let mut s = out;
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&errors.join("\n"));
        Err(s)
    }
}
