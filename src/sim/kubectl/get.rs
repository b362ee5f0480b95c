//! `kubectl get` and its watch.

use super::output::ObjectPrinter;
use super::parse::Args;
use super::printers::{self, tabulate};
use super::resources::{self, Resource, Targets};
use super::{jsonpath, namespace, ref_name, selector};
use crate::sim::engine::{Action, Event, Sim};
use crate::sim::object::{Key, Kind, Object};
use crate::sim::selector::Selector;
use crate::sim::sort;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// How `get` prints, from `-o`, `--show-labels`, `-L`, `-A`, `--no-headers`.
#[derive(Clone, Debug, PartialEq)]
pub struct Format {
    pub output: String,
    pub wide: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub no_headers: bool,
    pub all_namespaces: bool,
    pub show_kind: bool,
}

impl Format {
    pub fn from_args(args: &Args, multi: bool) -> Format {
        let mut output = args.get("output").unwrap_or("").to_string();
        // `--template` alone means `-o go-template`.
        if output.is_empty() && args.has("template") {
            output = "go-template".into();
        }
        Format {
            wide: output == "wide",
            output,
            show_labels: args.bool("show-labels"),
            label_columns: args
                .all("label-columns")
                .iter()
                .flat_map(|s| s.split(',').map(String::from).collect::<Vec<_>>())
                .filter(|s| !s.is_empty())
                .collect(),
            no_headers: args.bool("no-headers"),
            all_namespaces: args.bool("all-namespaces"),
            show_kind: multi || args.bool("show-kind"),
        }
    }
}

/// The header row for a kind under a format.
fn header(kind: Option<Kind>, f: &Format) -> Vec<String> {
    let mut h: Vec<String> = Vec::new();
    let namespaced = kind.is_none_or(|k| k.namespaced());
    if f.all_namespaces && namespaced {
        h.push("NAMESPACE".into());
    }
    match kind {
        Some(k) => h.extend(printers::headers(k, f.wide).iter().map(|s| s.to_string())),
        None => h.extend(printers::EVENT_HEADERS.iter().map(|s| s.to_string())),
    }
    for l in &f.label_columns {
        h.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
    }
    if f.show_labels {
        h.push("LABELS".into());
    }
    h
}

/// One object's row under a format.
pub fn object_row(o: &Object, now: u64, f: &Format) -> Vec<String> {
    let mut r = Vec::new();
    if f.all_namespaces && o.kind.namespaced() {
        r.push(o.meta.namespace.clone());
    }
    let mut cells = printers::row(o, now, f.wide);
    if f.show_kind {
        cells[0] = ref_name(&o.key());
    }
    r.extend(cells);
    for l in &f.label_columns {
        r.push(o.meta.labels.get(l).cloned().unwrap_or_default());
    }
    if f.show_labels {
        r.push(printers::labels_string(&o.meta.labels));
    }
    r
}

fn event_row(e: &Event, sim: &Sim, f: &Format) -> Vec<String> {
    let mut r = Vec::new();
    if f.all_namespaces {
        r.push(event_namespace(e).to_string());
    }
    // LAST SEEN: the event's lastTimestamp (bumped by repeats).
    let (_, last) = sim.event_count(e);
    r.extend([
        printers::since(sim.now, last),
        if e.warning { "Warning" } else { "Normal" }.to_string(),
        e.reason.to_string(),
        format!("{}/{}", resources::singular(e.kind), e.name),
        e.message.clone(),
    ]);
    if f.show_labels {
        r.push("<none>".into());
    }
    r
}

/// Kubernetes Events (from the log), oldest first; a node's are stored in
/// `default` (the recorder's namespace for a cluster-scoped object).
pub fn events<'a>(sim: &'a Sim, ns: Option<&'a str>) -> impl Iterator<Item = &'a Event> + 'a {
    sim.log
        .iter()
        .filter(move |e| e.action == Action::Recorded && ns.is_none_or(|n| event_namespace(e) == n))
}

/// An Event's name: its object's name and a hex stamp (the recorder's
/// `%v.%x` of the time; Ordinal's log sequence number).
fn event_name(e: &Event) -> String {
    format!("{}.{:016x}", e.name, e.seq)
}

/// The namespace an Event is stored in: its object's, or `default` for a
/// cluster-scoped object's (a node's).
fn event_namespace(e: &Event) -> &str {
    if e.namespace.is_empty() {
        "default"
    } else {
        &e.namespace
    }
}

/// An event as an object, for `-o yaml|json|name`.
fn event_value(e: &Event, sim: &Sim) -> Value {
    let t = crate::sim::object::rfc3339(e.time);
    json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": event_name(e), "namespace": event_namespace(e), "creationTimestamp": t},
        "involvedObject": {"kind": e.kind.as_str(), "name": e.name, "namespace": e.namespace,
            "uid": sim.store.get(e.kind, &e.namespace, &e.name).map(|o| o.meta.uid.clone()).unwrap_or_default()},
        "reason": e.reason,
        "message": e.message,
        "type": if e.warning { "Warning" } else { "Normal" },
        "source": {"component": e.source},
        "firstTimestamp": t,
        "lastTimestamp": crate::sim::object::rfc3339(sim.event_count(e).1),
        "count": sim.event_count(e).0,
    })
}

fn list_value(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// Sorts by a `--sort-by` JSONPath (numbers numerically).
fn sort_values(items: &mut [(Value, Vec<String>)], by: &str) -> Result<(), String> {
    let mut keyed: Vec<(String, usize)> = Vec::new();
    for (i, (v, _)) in items.iter().enumerate() {
        keyed.push((jsonpath::sort_key(by, v)?, i));
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort::sort_by(&mut order, |&a, &b| {
        let (x, y) = (&keyed[a].0, &keyed[b].0);
        match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(p), Ok(q)) => p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal),
            _ => x.cmp(y),
        }
    });
    let copy: Vec<(Value, Vec<String>)> = order.iter().map(|&i| items[i].clone()).collect();
    for (slot, v) in items.iter_mut().zip(copy) {
        *slot = v;
    }
    Ok(())
}

/// The API server's refusal of a field selector for Events.
fn events_refused(fsel: &Option<(String, String)>, msg: &str) -> String {
    let (l, f) = fsel.clone().unwrap_or_default();
    format!("Error from server (BadRequest): Unable to find \"/v1, Resource=events\" that match label selector \"{l}\", field selector \"{f}\": {msg}")
}

/// One kind's (or Events') rows: each object's value and table row.
type Group = (Option<Kind>, Vec<(Value, Vec<String>)>);

pub fn get(sim: &mut Sim, args: &Args, files: &[(String, String)]) -> Result<String, String> {
    let ns = namespace(args);
    let all_ns = args.bool("all-namespaces");
    let sel = selector(args)?;
    let fsel = super::field_selector(args);
    let targets = if args.has("filename") {
        let (objs, _, errs) = super::manifest_objects(args, files, &sim.config.feature_gates)?;
        if !errs.is_empty() {
            return Err(errs.join("\n"));
        }
        let mut groups: Vec<(Resource, Vec<String>)> = Vec::new();
        for o in objs {
            let r = Resource::Kind(o.kind);
            match groups.iter_mut().find(|(g, _)| *g == r) {
                Some((_, n)) => n.push(o.meta.name.clone()),
                None => groups.push((r, vec![o.meta.name.clone()])),
            }
        }
        let multi = groups.len() > 1;
        Targets { groups, multi }
    } else {
        if args.positional.is_empty() {
            return Err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples".into());
        }
        resources::parse_targets(&args.positional)?
    };
    let watching = args.bool("watch") || args.bool("watch-only");
    if watching && targets.groups.len() > 1 {
        return Err(format!(
            "error: watch is only supported on individual resources and resource collections, but {} resource types were found",
            targets.groups.len()
        ));
    }
    let mut f = Format::from_args(args, targets.multi);
    let output = f.output.clone();
    let (mode, arg) = match output.split_once('=') {
        Some((m, a)) => (m.to_string(), a.to_string()),
        None => (output.clone(), String::new()),
    };
    let printer = match mode.as_str() {
        "" | "wide" | "name" | "custom-columns" => None,
        // No local files here: kubectl's error for one it cannot open.
        "custom-columns-file" => {
            return Err(format!(
                "error: error reading template {arg}, open {arg}: no such file or directory"
            ))
        }
        // The objects' printers (yaml, json and the templates), as every
        // command that prints objects has them.
        "yaml" | "json" | "jsonpath" | "jsonpath-as-json" | "jsonpath-file" | "go-template"
        | "go-template-file" | "template" | "templatefile" => {
            Some(ObjectPrinter::new(args, "none")?)
        }
        _ => return Err(format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")),
    };
    let now = sim.now;
    let single = targets.groups.len() == 1 && !targets.multi && targets.groups[0].1.len() == 1;
    let mut errors: Vec<String> = Vec::new();
    // (kind or None for events, rows as (value, table row)).
    let mut groups: Vec<Group> = Vec::new();
    for (r, names) in &targets.groups {
        match r {
            Resource::Events => {
                let mut evs: Vec<&Event> = events(sim, if all_ns { None } else { Some(&ns) })
                    .filter(|e| {
                        names.is_empty() || names.iter().any(|n| e.name.starts_with(n.as_str()))
                    })
                    .collect();
                // The API server lists in key order (namespace, then the
                // Event's name: its object's name, a dot, a hex stamp), and
                // kubectl get does not re-sort: an object's Events stay
                // together, oldest first, and "web-0.…" comes before "web.…".
                sort::sort_by_cached_key(&mut evs, |e| {
                    (event_namespace(e).to_string(), event_name(e))
                });
                let mut rows = Vec::new();
                let chosen = fsel
                    .as_ref()
                    .map(|(_, f)| crate::sim::fields::FieldSelector::parse(f));
                for e in evs {
                    let v = event_value(e, sim);
                    let keep = match &chosen {
                        None => true,
                        Some(Ok(fs)) => match fs.matches(None, &v) {
                            Ok(k) => k,
                            Err(m) => return Err(events_refused(&fsel, &m)),
                        },
                        Some(Err(m)) => return Err(events_refused(&fsel, m)),
                    };
                    if keep {
                        let row = event_row(e, sim, &f);
                        rows.push((v, row));
                    }
                }
                groups.push((None, rows));
            }
            Resource::Kind(kind) => {
                let t = Targets {
                    groups: vec![(*r, names.clone())],
                    multi: targets.multi,
                };
                let mut rows = Vec::new();
                let by = fsel.as_ref().map(|(l, f)| (l.as_str(), f.as_str()));
                for k in super::select_keys_by(sim, &t, &ns, all_ns, sel.as_ref(), by) {
                    match k {
                        Ok(key) => {
                            if let Some(o) = sim.store.get_key(&key) {
                                rows.push((o.to_value(), object_row(o, now, &f)));
                            }
                        }
                        Err(e) if args.bool("ignore-not-found") => {
                            let _ = e;
                        }
                        Err(e) => errors.push(e),
                    }
                }
                groups.push((Some(*kind), rows));
            }
        }
    }
    if let Some(by) = args.get("sort-by") {
        for (_, rows) in groups.iter_mut() {
            sort_values(rows, by)?;
        }
    }
    let total: usize = groups.iter().map(|(_, r)| r.len()).sum();
    let mut out = String::new();
    match mode.as_str() {
        _ if printer.is_some() => {
            let items: Vec<Value> = groups
                .iter()
                .flat_map(|(_, rows)| rows.iter().map(|(v, _)| v.clone()))
                .collect();
            if total == 0 && !errors.is_empty() {
                return Err(errors.join("\n"));
            }
            let root = if single && items.len() == 1 {
                items[0].clone()
            } else {
                list_value(items)
            };
            if let Some(p) = &printer {
                out = p.print(&root, "")?;
            }
        }
        "name" => {
            for (kind, rows) in &groups {
                for (v, _) in rows {
                    let name = v["metadata"]["name"].as_str().unwrap_or("");
                    match kind {
                        Some(k) => out.push_str(&format!("{}/{name}\n", resources::kind_word(*k))),
                        None => out.push_str(&format!("event/{name}\n")),
                    }
                }
            }
        }
        "custom-columns" => {
            let items: Vec<Value> = groups
                .iter()
                .flat_map(|(_, rows)| rows.iter().map(|(v, _)| v.clone()))
                .collect();
            if !items.is_empty() {
                let mut rows = jsonpath::custom_columns(&arg, &items)?;
                if f.no_headers {
                    rows.remove(0);
                }
                out = tabulate(&rows);
            }
        }
        _ => {
            let mut tables = Vec::new();
            for (kind, rows) in &groups {
                if rows.is_empty() {
                    continue;
                }
                let mut t: Vec<Vec<String>> = Vec::new();
                if !f.no_headers {
                    t.push(header(*kind, &f));
                }
                t.extend(rows.iter().map(|(_, r)| r.clone()));
                tables.push(tabulate(&t));
            }
            out = tables.join("\n");
        }
    }
    if watching && (total == 0 || args.bool("watch-only")) {
        // A watch prints its header with the first row.
        out.clear();
    } else if total == 0
        && errors.is_empty()
        && !matches!(mode.as_str(), "yaml" | "json" | "jsonpath")
    {
        let cluster_scoped = groups
            .iter()
            .all(|(k, _)| k.is_some_and(|k| !k.namespaced()));
        out = super::no_resources(if all_ns || cluster_scoped {
            None
        } else {
            Some(&ns)
        });
        out.push('\n');
    }
    f.output = output;
    if errors.is_empty() {
        Ok(out)
    } else {
        let mut s = out;
        s.push_str(&errors.join("\n"));
        Err(s)
    }
}

/// A live `get -w`: what it follows, and what it printed last per object
/// so unchanged rows are not repeated.
#[derive(Clone, Debug)]
pub struct Watch {
    pub kinds: Vec<Resource>,
    pub names: Vec<String>,
    /// None: every namespace.
    pub namespace: Option<String>,
    pub selector: Option<Selector>,
    pub format: Format,
    /// Column widths remembered from the first table (kubectl's tab
    /// writer keeps them across a watch).
    pub widths: Vec<usize>,
    pub last: BTreeMap<Key, Vec<String>>,
    /// The header, until it has been printed (with the first row, when
    /// the watch started on an empty list).
    pub header: Option<Vec<String>>,
    /// Next log position to look at.
    pub next_event: usize,
}

/// The watch a `get -w`/`--watch` line asks for, starting after the log
/// as it is now (the initial table is what `run` printed). `None` for
/// any other line.
pub fn watch_request(sim: &Sim, line: &str) -> Option<Watch> {
    let words = super::command_words(line).ok()?;
    if words.first().map(String::as_str) != Some("get") {
        return None;
    }
    let args = super::parse::parse_args(&words[1..], "get", "get").ok()?;
    if !args.bool("watch") && !args.bool("watch-only") {
        return None;
    }
    let targets = resources::parse_targets(&args.positional).ok()?;
    let names = targets
        .groups
        .first()
        .map(|g| g.1.clone())
        .unwrap_or_default();
    let format = Format::from_args(&args, targets.multi);
    let all_ns = args.bool("all-namespaces");
    let mut w = Watch {
        kinds: targets.groups.iter().map(|g| g.0).collect(),
        names,
        namespace: if all_ns { None } else { Some(namespace(&args)) },
        selector: selector(&args).ok()?,
        format,
        widths: Vec::new(),
        last: BTreeMap::new(),
        header: None,
        next_event: sim.log.len(),
    };
    let watch_only = args.bool("watch-only");
    let mut rows = Vec::new();
    for kind in w.kinds.clone() {
        if let Resource::Kind(k) = kind {
            rows.push(header(Some(k), &w.format));
            for o in sim.store.list(k) {
                if w.follows(&o.key(), Some(o)) {
                    let r = object_row(o, sim.now, &w.format);
                    rows.push(r.clone());
                    if !watch_only {
                        w.last.insert(o.key(), r);
                    }
                }
            }
        } else {
            rows.push(header(None, &w.format));
        }
    }
    if rows.len() <= 1 || watch_only {
        w.header = rows.first().cloned();
    } else {
        w.widths = widths(&rows);
    }
    Some(w)
}

fn widths(rows: &[Vec<String>]) -> Vec<usize> {
    let mut w: Vec<usize> = Vec::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                if w.len() <= i {
                    w.resize(i + 1, 0);
                }
                w[i] = w[i].max(c.chars().count() + 3).max(6);
            }
        }
    }
    w
}

impl Watch {
    fn follows(&self, key: &Key, o: Option<&Object>) -> bool {
        if !self.kinds.contains(&Resource::Kind(key.kind)) {
            return false;
        }
        if let Some(ns) = &self.namespace {
            if key.kind.namespaced() && key.namespace != *ns {
                return false;
            }
        }
        if !self.names.is_empty() && !self.names.contains(&key.name) {
            return false;
        }
        match (&self.selector, o) {
            (Some(s), Some(o)) => s.matches(&o.meta.labels),
            _ => true,
        }
    }

    /// Pushes a row (after the header, if that is still to print).
    fn emit(&mut self, row: &[String], out: &mut Vec<String>) {
        if let Some(h) = self.header.take() {
            // kubectl's tab writer sizes the columns on the first flush.
            self.widths = widths(&[h.clone(), row.to_vec()]);
            out.push(self.line(&h));
        }
        out.push(self.line(row));
    }

    fn line(&mut self, row: &[String]) -> String {
        let mut s = String::new();
        for (i, c) in row.iter().enumerate() {
            s.push_str(c);
            if i + 1 < row.len() {
                if self.widths.len() <= i {
                    self.widths.resize(i + 1, 0);
                }
                self.widths[i] = self.widths[i].max(c.chars().count() + 3).max(6);
                s.push_str(&" ".repeat(self.widths[i] - c.chars().count()));
            }
        }
        s
    }
}

/// The lines a watch prints for what happened since it last looked
/// (from `watch.next_event`, or `from_event` if later): one row per
/// object change, using the store as it is now. Call it after each step
/// (the CLI does, during `sleep`), so each row shows that moment.
pub fn watch_lines(sim: &Sim, watch: &mut Watch, from_event: usize) -> Vec<String> {
    let start = watch.next_event.max(from_event).min(sim.log.len());
    let mut out = Vec::new();
    for e in &sim.log[start..] {
        match e.action {
            Action::Recorded
                if watch.kinds.contains(&Resource::Events)
                    && watch.namespace.as_ref().is_none_or(|n| *n == e.namespace) =>
            {
                let r = event_row(e, sim, &watch.format);
                watch.emit(&r, &mut out);
            }
            Action::Added | Action::Modified => {
                let key = e.key();
                let Some(o) = sim.store.get_key(&key) else {
                    continue;
                };
                if !watch.follows(&key, Some(o)) {
                    continue;
                }
                let r = object_row(o, sim.now, &watch.format);
                if watch.last.get(&key) != Some(&r) {
                    watch.emit(&r, &mut out);
                    watch.last.insert(key, r);
                }
            }
            Action::Deleted => {
                let key = e.key();
                if let Some(r) = watch.last.remove(&key) {
                    if watch.follows(&key, None) {
                        watch.emit(&r, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    watch.next_event = sim.log.len();
    out
}
