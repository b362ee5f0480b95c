//! kubectl over the simulation: one implementation for the browser
//! console, the headless CLI and the tests. `run` takes a command line as
//! a user types it and answers with kubectl's own texts: `Ok` is what
//! kubectl prints on stdout, `Err` what a failed command prints (stderr
//! and any stdout before it, in terminal order).
//!
//! For the faces:
//! - [`run`] through `Sim::input(Input::Kubectl{..})` (journaled); read the
//!   files a line names first with [`file_args`]. A `files` entry named
//!   `-` is stdin: the manifest of `-f -`, or what `exec -i`/`run -i`
//!   read (a shell heredoc).
//! - [`apply_text`]: the editor's Apply/Delete buttons (`apply -f -`,
//!   `delete -f -` without waiting).
//! - `get -w`: after `run` printed the table, [`watch_request`] gives a
//!   [`Watch`]; call [`watch_lines`] after each step to get the rows to
//!   append, until the next command ends the watch.
//! - `edit`: [`edit_target`] gives the object's key and YAML for the editor;
//!   saving is the same line with the edited text as the `-` file
//!   (`Input::Kubectl { line: "kubectl edit sts web", files: [("-", yaml)] }`),
//!   which replaces the object as `kubectl edit` does.
//! - [`complete`]: whole-line completions for a partial console line.
//!
//! Blocking commands (`rollout status`, `wait`, `delete` waiting for the
//! objects to go, `drain`, `run -i`) run the simulation forward from
//! inside the command, as a terminal blocks; the engine replays those steps
//! as part of the input.

pub mod create;
pub mod describe;
pub mod flags;
pub mod get;
pub mod help;
pub mod history;
pub mod jsonpath;
pub mod mutate;
pub mod ops;
pub mod output;
pub mod parse;
pub mod pem;
pub mod printers;
pub mod resources;
pub mod yaml;

use super::engine::Sim;
use super::object::{Key, Kind, Object};
use super::selector::Selector;
use crate::sim::sort;
use parse::Args;
use resources::{Resource, Targets};

pub use get::{watch_lines, watch_request, Watch};
pub use mutate::edit_target;

/// Every command Ordinal's kubectl knows, for errors and completion.
pub const COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "cluster-info",
    "config",
    "cordon",
    "create",
    "delete",
    "describe",
    "drain",
    "edit",
    "exec",
    "explain",
    "get",
    "label",
    "logs",
    "patch",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Runs one kubectl command line; `files` holds the contents of `-f` paths.
pub fn run(sim: &mut Sim, line: &str, files: &[(String, String)]) -> Result<String, String> {
    let words = command_words(line).map_err(|e| format!("error: {e}"))?;
    let Some(cmd) = words.first().cloned() else {
        return Ok(ops::usage());
    };
    if cmd == "--version" || cmd == "-v" {
        return ops::version(sim, &Args::default());
    }
    if cmd == "--help" || cmd == "-h" || cmd == "help" {
        return Ok(ops::usage());
    }
    let rest = &words[1..];
    let parsed = |name: &str, usage: &str| parse::parse_args(rest, name, usage);
    match cmd.as_str() {
        "get" => apart(|| get::get(sim, &parsed("get", "get")?, files)),
        "describe" => apart(|| describe::describe(sim, &parsed("describe", "describe")?, files)),
        "apply" => apart(|| mutate::apply_cmd(sim, &parsed("apply", "apply")?, files, "apply")),
        "create" if create::generator(rest).is_some() => apart(|| create::create(sim, rest, files)),
        "create" => apart(|| mutate::apply_cmd(sim, &parsed("create", "create")?, files, "create")),
        "replace" => {
            apart(|| mutate::apply_cmd(sim, &parsed("replace", "replace")?, files, "replace"))
        }
        "delete" => apart(|| mutate::delete_cmd(sim, &parsed("delete", "delete")?, files)),
        "scale" => apart(|| mutate::scale(sim, &parsed("scale", "scale")?)),
        "patch" => apart(|| mutate::patch(sim, &parsed("patch", "patch")?)),
        "set" => apart(|| mutate::set(sim, rest, files)),
        "edit" => apart(|| {
            let args = parsed("edit", "edit")?;
            match files.iter().find(|(p, _)| p == "-") {
                // The page's editor saved: the buffer replaces the object.
                Some((_, text)) => mutate::edit_save(sim, &args, text),
                None => Err("error: edit is interactive; in Ordinal use the page's editor (open the object there and save to apply)".into()),
            }
        }),
        "label" => apart(|| mutate::label(sim, &parsed("label", "label")?, "labels")),
        "annotate" => apart(|| mutate::label(sim, &parsed("annotate", "annotate")?, "annotations")),
        "rollout" => apart(|| ops::rollout(sim, rest)),
        "cordon" => apart(|| ops::cordon(sim, &parsed("cordon", "cordon")?, true)),
        "uncordon" => apart(|| ops::cordon(sim, &parsed("uncordon", "uncordon")?, false)),
        "drain" => apart(|| ops::drain(sim, &parsed("drain", "drain")?)),
        "taint" => apart(|| ops::taint(sim, &parsed("taint", "taint")?)),
        "exec" => apart(|| ops::exec(sim, &parsed("exec", "exec")?, files)),
        "run" => apart(|| ops::run_pod(sim, &parsed("run", "run")?, files)),
        "logs" => apart(|| ops::logs(sim, &parsed("logs", "logs")?)),
        "wait" => apart(|| ops::wait(sim, &parsed("wait", "wait")?)),
        "version" => apart(|| ops::version(sim, &parsed("version", "version")?)),
        "cluster-info" => apart(|| {
            parsed("cluster-info", "cluster-info")?;
            Ok(ops::cluster_info())
        }),
        "api-resources" => apart(|| ops::api_resources(&parsed("api-resources", "api-resources")?)),
        "api-versions" => apart(|| Ok(ops::api_versions())),
        "explain" => apart(|| ops::explain(&parsed("explain", "explain")?)),
        "config" => apart(|| ops::config(rest)),
        "top" => apart(|| ops::top(sim, &parsed("top", "top")?)),
        other => Err(unknown_command(other)),
    }
}

/// Runs one command in a function of its own, never inlined into [`run`]'s
/// dispatch, so the page's first load (scripts/split.sh) holds only the
/// commands a first visit runs, not every command's code inlined into one.
#[inline(never)]
fn apart<R>(command: impl FnOnce() -> R) -> R {
    command()
}

/// A line's words without the leading `kubectl`, with the global flags
/// given before the command (`kubectl -n shop get pods`, as cobra reads
/// persistent flags) moved after it, before any `--` (exec's and run's
/// own command stays last), so every reader of a line (run, watch, `-f`
/// files, edit) finds the command first.
pub fn command_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = parse::tokenize(line)?;
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    let lead = flags::leading_globals(&words);
    if lead == 0 || lead == words.len() {
        return Ok(words);
    }
    let mut out = words.split_off(lead);
    let at = out.iter().position(|w| w == "--").unwrap_or(out.len());
    out.splice(at..at, words);
    Ok(out)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// kubectl v1.31's commands that Ordinal does not simulate, each with what
/// to do instead. A real kubectl knows them, so cobra's "unknown command"
/// would mislead: the console says that Ordinal leaves them out.
const LEFT_OUT: &[(&str, &str)] = &[
    ("alpha", "none of kubectl's alpha commands are simulated"),
    ("attach", "use kubectl logs or kubectl exec"),
    (
        "auth",
        "the simulated API server has no RBAC: every request is allowed",
    ),
    (
        "autoscale",
        "there is no HorizontalPodAutoscaler controller; use kubectl scale",
    ),
    ("certificate", "there are no CertificateSigningRequests"),
    ("completion", "the console completes commands with Tab"),
    (
        "cp",
        "use kubectl exec with the container's shell (cat, echo ... > file)",
    ),
    ("debug", "use kubectl exec, or kubectl run for a new pod"),
    ("diff", "compare with kubectl get -o yaml"),
    ("events", "use kubectl get events"),
    ("expose", "write the Service in a manifest and apply it"),
    ("kustomize", "apply plain manifests"),
    ("plugin", "there are no kubectl plugins"),
    (
        "port-forward",
        "nothing outside the cluster can connect; use kubectl exec and the pod's tools",
    ),
    (
        "proxy",
        "nothing outside the cluster can connect; read objects with kubectl get -o json",
    ),
];

/// The error for a top-level command kubectl does not have: for one that
/// kubectl has and Ordinal leaves out, that it is left out; else cobra's.
pub fn unknown_command(cmd: &str) -> String {
    match LEFT_OUT.iter().find(|(c, _)| *c == cmd) {
        Some((_, instead)) => format!(
            "error: \"kubectl {cmd}\" is not simulated in Ordinal (an Ordinal limit): {instead}"
        ),
        None => cobra_unknown_command(cmd),
    }
}

/// `utilerrors.NewAggregate(errs).Error()`: one error as it is, more in
/// brackets, comma-separated.
pub(crate) fn aggregate(errs: &[String]) -> String {
    if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    }
}

/// A group command's (`rollout`, `set`) error for words that name none of
/// its subcommands: kubectl's `DefaultSubCommandRun` refuses every
/// argument left, joined (cobra's suggestions are for the root only).
pub(crate) fn unknown_subcommand(parent: &str, words: &[String]) -> String {
    format!(
        "error: unknown command \"{}\"\nSee 'kubectl {parent} -h' for help and examples",
        words.join(" ")
    )
}

/// cobra's unknown-command error, with its "Did you mean this?" hint.
pub(crate) fn cobra_unknown_command(cmd: &str) -> String {
    let near: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|c| levenshtein(c, cmd) <= 2 || (cmd.len() > 1 && c.starts_with(cmd)))
        .collect();
    let mut s = format!("error: unknown command \"{cmd}\" for \"kubectl\"");
    if !near.is_empty() {
        s.push_str("\n\nDid you mean this?\n");
        for n in near {
            s.push_str(&format!("\t{n}\n"));
        }
        s.push('\n');
    } else {
        s.push('\n');
    }
    s.push_str("Run 'kubectl --help' for usage.");
    s
}

/// Applies (or deletes) a manifest buffer, as the editor's buttons do:
/// the same as `kubectl apply -f -` / `kubectl delete -f -`.
pub fn apply_text(sim: &mut Sim, text: &str, delete: bool) -> Result<String, String> {
    let files = vec![("-".to_string(), text.to_string())];
    let mut args = Args::default();
    args.flags.insert("filename".into(), vec!["-".into()]);
    if delete {
        // The page shows the deletion as it happens: no blocking wait.
        args.flags.insert("wait".into(), vec!["false".into()]);
        mutate::delete_cmd(sim, &args, &files)
    } else {
        mutate::apply_cmd(sim, &args, &files, "apply")
    }
}

/// The `-f` arguments of a command line, so a face knows which files to
/// read before calling [`run`].
pub fn file_args(line: &str) -> Vec<String> {
    let Ok(words) = command_words(line) else {
        return Vec::new();
    };
    let Some(cmd) = words.first().cloned() else {
        return Vec::new();
    };
    if cmd == "logs" {
        return Vec::new();
    }
    if cmd == "create" && create::generator(&words[1..]).is_some() {
        // `--from-file=[key=]path`, `--from-env-file=path`, `--cert`, `--key`.
        return create::source_files(&words[1..]);
    }
    // `set image`'s flags are its subcommand's.
    let (cmd, rest) = match (cmd.as_str(), words.get(1)) {
        ("set", Some(sub)) => (format!("set {sub}"), &words[2..]),
        _ => (cmd, &words[1..]),
    };
    parse::parse_args(rest, &cmd, &cmd)
        .map(|a| a.all("filename"))
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f != "-" && !f.starts_with("http://") && !f.starts_with("https://"))
        .collect()
}

/// Completions for a partial console line: commands, then resource
/// types, then names of objects of the chosen type.
pub fn complete(sim: &Sim, partial: &str) -> Vec<String> {
    let trailing_space = partial.ends_with(' ');
    let words = parse::tokenize(partial).unwrap_or_default();
    let mut words: Vec<String> = words;
    let had_kubectl = words.first().map(String::as_str) == Some("kubectl");
    if had_kubectl {
        words.remove(0);
    }
    let (done, cur): (Vec<String>, String) = if trailing_space || words.is_empty() {
        (words, String::new())
    } else {
        let cur = words.pop().unwrap_or_default();
        (words, cur)
    };
    let prefix_of = |c: &str| c.starts_with(cur.as_str());
    let mut out: Vec<String> = Vec::new();
    if !done.is_empty() && cur.starts_with("--") {
        // Flags of the command (and the global ones).
        let mut flags: Vec<String> = flags::flags_for(&done[0])
            .iter()
            .chain(["namespace"].iter())
            .map(|f| format!("--{f}"))
            .filter(|f| f.starts_with(cur.as_str()))
            .collect();
        sort::sort(&mut flags);
        flags.dedup();
        out = flags;
    } else if done.is_empty() {
        out = COMMANDS
            .iter()
            .filter(|c| prefix_of(c))
            .map(|c| c.to_string())
            .collect();
    } else {
        let positional: Vec<&String> = done[1..].iter().filter(|w| !w.starts_with('-')).collect();
        let cmd = done[0].as_str();
        let takes_type = matches!(
            cmd,
            "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "scale" | "patch"
        );
        let takes_pod = matches!(cmd, "exec" | "logs");
        let takes_node = matches!(cmd, "cordon" | "uncordon" | "drain");
        let ns = namespace_of(&done);
        if takes_type && positional.is_empty() {
            let mut words: Vec<String> = Kind::ALL.iter().map(|k| k.plural().to_string()).collect();
            for k in Kind::ALL {
                words.extend(resources::short_names(k).iter().map(|s| s.to_string()));
            }
            words.push("events".into());
            words.push("all".into());
            sort::sort(&mut words);
            out = words.into_iter().filter(|w| prefix_of(w)).collect();
        } else if takes_type || takes_pod || takes_node {
            let kind = if takes_pod {
                Some(Kind::Pod)
            } else if takes_node {
                Some(Kind::Node)
            } else {
                positional
                    .first()
                    .and_then(|t| resources::resolve(t.split(',').next().unwrap_or("")))
                    .and_then(|r| match r {
                        Resource::Kind(k) => Some(k),
                        Resource::Events => None,
                    })
            };
            if let Some(k) = kind {
                let list: Vec<&Object> = if k.namespaced() {
                    sim.store.list_ns(k, &ns).collect()
                } else {
                    sim.store.list(k).collect()
                };
                out = list
                    .iter()
                    .map(|o| o.meta.name.clone())
                    .filter(|n| prefix_of(n))
                    .collect();
            }
        } else if cmd == "rollout" && positional.is_empty() {
            out = ["history", "restart", "status", "undo"]
                .iter()
                .filter(|w| prefix_of(w))
                .map(|w| w.to_string())
                .collect();
        }
    }
    // Whole lines, so the console can replace its input.
    let mut base: Vec<String> = Vec::new();
    if had_kubectl {
        base.push("kubectl".into());
    }
    base.extend(done.iter().cloned());
    out.into_iter()
        .map(|c| {
            let mut w = base.clone();
            w.push(c);
            w.join(" ")
        })
        .collect()
}

fn namespace_of(words: &[String]) -> String {
    for (i, w) in words.iter().enumerate() {
        if w == "-n" || w == "--namespace" {
            if let Some(n) = words.get(i + 1) {
                return n.clone();
            }
        }
        if let Some(n) = w
            .strip_prefix("--namespace=")
            .or_else(|| w.strip_prefix("-n="))
        {
            return n.to_string();
        }
    }
    "default".into()
}

// ---- helpers shared by the commands ---------------------------------------

/// The namespace a command works in.
pub(crate) fn namespace(args: &Args) -> String {
    args.get("namespace").unwrap_or("default").to_string()
}

pub(crate) fn selector(args: &Args) -> Result<Option<Selector>, String> {
    let all = args.all("selector");
    if all.is_empty() {
        return Ok(None);
    }
    let joined = all.join(",");
    Selector::parse(&joined)
        .map(Some)
        .map_err(|e| format!("error: {e}"))
}

/// `pod/web-0`, `statefulset.apps/web`.
pub(crate) fn ref_name(key: &Key) -> String {
    format!("{}/{}", resources::kind_word(key.kind), key.name)
}

/// `pod "web-0"`, `statefulset.apps "web"`: the subject of kubectl's messages.
pub(crate) fn quoted(key: &Key) -> String {
    format!("{} \"{}\"", resources::kind_word(key.kind), key.name)
}

/// `No resources found in default namespace.`
pub(crate) fn no_resources(ns: Option<&str>) -> String {
    match ns {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".into(),
    }
}

/// Keys named by positional words (`TYPE NAME...`, `TYPE/NAME`, `-l`),
/// in order. Names that do not exist come back as NotFound errors, in
/// place, as kubectl reports them after the rest.
pub(crate) fn select_keys(
    sim: &Sim,
    targets: &Targets,
    ns: &str,
    all_ns: bool,
    sel: Option<&Selector>,
) -> Vec<Result<Key, String>> {
    select_keys_by(sim, targets, ns, all_ns, sel, None)
}

/// `-l` and `--field-selector` as given, when a field selector is (the
/// API server parses it; a refused list quotes both).
pub(crate) fn field_selector(args: &Args) -> Option<(String, String)> {
    let all = args.all("field-selector");
    (!all.is_empty()).then(|| (args.all("selector").join(","), all.join(",")))
}

/// kubectl's `EnhanceListError` of a list the API server refused.
pub(crate) fn list_error(kind: Kind, label: &str, field: &str, msg: &str) -> String {
    let gvr = match kind.api_version().split_once('/') {
        Some((g, v)) => format!("{g}/{v}, Resource={}", kind.plural()),
        None => format!("/{}, Resource={}", kind.api_version(), kind.plural()),
    };
    format!("Error from server (BadRequest): Unable to find \"{gvr}\" that match label selector \"{label}\", field selector \"{field}\": {msg}")
}

/// The resource builder's visitBySelector refuses names with a selector.
pub(crate) const NAME_WITH_SELECTOR: &str =
    "error: name cannot be provided when a selector is specified";

/// Whether `-l` selects: a blank one is no selector (`LabelSelectorParam`
/// trims it).
pub(crate) fn selects(sel: Option<&Selector>) -> bool {
    sel.is_some_and(|s| !s.is_empty())
}

/// [`select_keys`] with a field selector (`fields`, as given): a list
/// keeps the objects it selects, and a field the kind does not offer
/// fails that kind's list as the API server's 400 does. Names and a
/// label or field selector together are the builder's error.
pub(crate) fn select_keys_by(
    sim: &Sim,
    targets: &Targets,
    ns: &str,
    all_ns: bool,
    sel: Option<&Selector>,
    fields: Option<(&str, &str)>,
) -> Vec<Result<Key, String>> {
    let mut out = Vec::new();
    let (label, fields) = match fields {
        Some((l, f)) => (l, Some(f)),
        None => ("", None),
    };
    let parsed = fields.map(crate::sim::fields::FieldSelector::parse);
    for (r, names) in &targets.groups {
        let Resource::Kind(kind) = *r else { continue };
        if (fields.is_some() || selects(sel)) && !names.is_empty() {
            out.push(Err(NAME_WITH_SELECTOR.into()));
            continue;
        }
        if names.is_empty() {
            let list: Vec<&Object> = if !kind.namespaced() || all_ns {
                sim.store.list(kind).collect()
            } else {
                sim.store.list_ns(kind, ns).collect()
            };
            let mut listed = Vec::new();
            // The server checks the selector before it lists anything.
            let mut refused = match &parsed {
                Some(Ok(f)) => f.matches(Some(kind), &serde_json::Value::Null).err(),
                Some(Err(e)) => Some(e.clone()),
                None => None,
            };
            for o in list {
                if refused.is_some() {
                    break;
                }
                if !sel.is_none_or(|s| s.matches(&o.meta.labels)) {
                    continue;
                }
                let chosen = match &parsed {
                    Some(Ok(f)) => f.matches(Some(kind), &o.to_value()),
                    Some(Err(e)) => Err(e.clone()),
                    None => Ok(true),
                };
                match chosen {
                    Ok(true) => listed.push(Ok(o.key())),
                    Ok(false) => {}
                    Err(e) => {
                        refused = Some(e);
                        break;
                    }
                }
            }
            match refused {
                Some(e) => out.push(Err(list_error(kind, label, fields.unwrap_or(""), &e))),
                None => out.extend(listed),
            }
        } else {
            for n in names {
                let key = Key::new(kind, ns, n);
                match sim.store.get_key(&key) {
                    Some(o) if sel.is_none_or(|s| s.matches(&o.meta.labels)) => out.push(Ok(key)),
                    _ => out.push(Err(super::api::ApiError::not_found(kind, n).to_string())),
                }
            }
        }
    }
    out
}

/// [`select_keys`] for a command that handles only the kinds in `handles`:
/// a key of another kind becomes, in its place, kubectl's `error: no
/// scaler has been implemented for {"" "Service"}` (`what` names the
/// command's helper: scaler, status viewer, rollbacker...).
pub(crate) fn select_keys_of(
    sim: &Sim,
    targets: &Targets,
    ns: &str,
    sel: Option<&Selector>,
    handles: &[Kind],
    what: &str,
) -> Vec<Result<Key, String>> {
    let mut keys = select_keys(sim, targets, ns, false, sel);
    for k in &mut keys {
        if let Ok(key) = k {
            if !handles.contains(&key.kind) {
                *k = Err(format!(
                    "error: no {what} has been implemented for {{\"{}\" \"{}\"}}",
                    key.kind.group(),
                    key.kind
                ));
            }
        }
    }
    keys
}

/// What a command over many objects prints: one line or more per object,
/// in order, and whether any of them failed (kubectl then exits 1 after
/// going on with the rest, as its ContinueOnError visitors do).
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) lines: Vec<String>,
    pub(crate) failed: bool,
    /// The last line is a printer's output without a newline (a JSONPath
    /// or Go template), which the next output continues.
    open: bool,
}

impl Report {
    /// Starts from lines already printed (warnings).
    pub(crate) fn with_lines(lines: Vec<String>) -> Report {
        Report {
            lines,
            failed: false,
            open: false,
        }
    }

    /// An object as a printer printed it: lines, or (a template's output)
    /// text with no newline, which the next object's output continues as
    /// kubectl's writes to stdout do.
    pub(crate) fn print(&mut self, text: &str) {
        match self.lines.last_mut() {
            Some(last) if self.open => last.push_str(text.trim_end_matches('\n')),
            _ => self.lines.push(text.trim_end_matches('\n').to_string()),
        }
        self.open = !text.ends_with('\n');
    }

    pub(crate) fn push(&mut self, line: String) {
        self.open = false;
        self.lines.push(line);
    }

    /// Prints an error line and marks the command failed.
    pub(crate) fn fail(&mut self, line: String) {
        self.failed = true;
        self.push(line);
    }

    /// One entry of [`select_keys`]: its key, or (a name not found) its
    /// error printed in place, the command marked failed, and `None`.
    pub(crate) fn key(&mut self, entry: Result<Key, String>) -> Option<Key> {
        match entry {
            Ok(k) => Some(k),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// [`Report::key`] with the object it names as it is now (`None` too
    /// when an earlier write of the command removed it).
    pub(crate) fn object(
        &mut self,
        sim: &Sim,
        entry: Result<Key, String>,
    ) -> Option<(Key, Object)> {
        let key = self.key(entry)?;
        let o = sim.store.get_key(&key)?.clone();
        Some((key, o))
    }

    pub(crate) fn finish(self) -> Result<String, String> {
        if self.open && !self.failed {
            return Ok(self.lines.join("\n"));
        }
        finish(self.lines, self.failed)
    }
}

/// Reads the manifests a command's `-f` flags name: built-in URLs, files
/// the face passed in `files` (a directory names every file under it).
pub(crate) fn read_files(
    args: &Args,
    files: &[(String, String)],
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for f in args.all("filename") {
        if f.starts_with("http://") || f.starts_with("https://") {
            match super::examples::builtin_url(&f) {
                Some(text) => out.push((f.clone(), text.to_string())),
                None => {
                    return Err(format!(
                        "error: unable to read URL \"{f}\": no network in the playground (Ordinal ships copies of the k8s.io/examples manifests the tutorials use)"
                    ))
                }
            }
            continue;
        }
        if let Some((_, t)) = files.iter().find(|(p, _)| *p == f) {
            out.push((f.clone(), t.clone()));
            continue;
        }
        let dir = format!("{}/", f.trim_end_matches('/'));
        let mut under: Vec<&(String, String)> =
            files.iter().filter(|(p, _)| p.starts_with(&dir)).collect();
        if under.is_empty() {
            // The docs' own file names (`web.yaml`,
            // `cassandra/cassandra-controller.yaml`) have built-in copies.
            if let Some(text) = super::examples::builtin_url(&f) {
                out.push((f.clone(), text.to_string()));
                continue;
            }
            return Err(format!("error: the path \"{f}\" does not exist"));
        }
        sort::sort(&mut under);
        for (p, t) in under {
            out.push((p.clone(), t.clone()));
        }
    }
    Ok(out)
}

/// Objects read from `-f`, with `Warning:` and `error:` lines.
pub(crate) type Manifests = (Vec<Object>, Vec<String>, Vec<String>);

/// Parses the manifests of `-f`: objects, and the `Warning:` and error
/// lines kubectl would print for them. `--validate` (default `strict`, as
/// kubectl 1.31) decides what an unknown field does: with `strict` the API
/// server refuses the object, `warn` prints a warning, `false`/`ignore`
/// says nothing.
pub(crate) fn manifest_objects(
    args: &Args,
    files: &[(String, String)],
    gates: &crate::sim::features::FeatureGates,
) -> Result<Manifests, String> {
    let texts = read_files(args, files)?;
    use super::manifest::FieldValidation;
    let validation = match args.get("validate").unwrap_or("strict") {
        "false" | "ignore" => FieldValidation::Ignore,
        "warn" => FieldValidation::Warn,
        _ => FieldValidation::Strict,
    };
    let mut objects = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in texts {
        let name = if path == "-" {
            "STDIN".to_string()
        } else {
            path.clone()
        };
        let parsed = super::manifest::parse_gated(&text, validation, gates);
        warnings.extend(parsed.warnings().map(|d| format!("Warning: {}", d.message)));
        errors.extend(
            parsed
                .kubectl_errors()
                .iter()
                .map(|m| manifest_error(&name, m)),
        );
        objects.extend(parsed.objects.into_iter().map(|p| p.object));
    }
    Ok((objects, warnings, errors))
}

/// A manifest error as kubectl prints it: the API server's own messages
/// as they are, decoding refusals as a BadRequest, the builder's own
/// errors (cli-runtime's StreamVisitor and mapper) naming the file where
/// the parser named "manifest", the rest as a parse error.
fn manifest_error(file: &str, msg: &str) -> String {
    const SOURCE: &str = "\"manifest\"";
    if msg.starts_with("The ") || msg.starts_with("Error from server") || msg.starts_with("error: ")
    {
        msg.to_string()
    } else if msg.contains("strict decoding error") || msg.contains("cannot be handled as") {
        format!("Error from server (BadRequest): error when creating \"{file}\": {msg}")
    } else if msg.starts_with("error validating data: ") {
        format!("error: error validating \"{file}\": {msg}")
    } else if msg.starts_with("resource mapping not found") || msg.starts_with("unable to decode") {
        let msg = msg.replacen(SOURCE, &format!("\"{file}\""), 1);
        format!("error: {msg}")
    } else {
        format!("error: error parsing {file}: {msg}")
    }
}

/// Joins stdout-ish and stderr-ish lines as a terminal shows them; `Err`
/// when anything failed.
pub(crate) fn finish(lines: Vec<String>, failed: bool) -> Result<String, String> {
    let mut s = lines.join("\n");
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    if failed {
        Err(s.trim_end_matches('\n').to_string())
    } else {
        Ok(s)
    }
}

#[cfg(test)]
mod tests;
