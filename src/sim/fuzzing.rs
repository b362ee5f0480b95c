//! The entry points the fuzz targets (`fuzz/`) and their corpus replay
//! (`tests/fuzz_corpus.rs`) share: one per parser of untrusted input.
//! Each takes raw bytes, as a paste, a link or a file delivers them, and
//! must return (a value or a positioned error), never panic, never hang.
//!
//! Everything here is also ordinary, deterministic core code: a corpus
//! file replays the same way under `cargo test` as under the fuzzer.

use crate::sim::engine::Sim;
use crate::sim::object::Key;
use crate::sim::session::Input;
use crate::sim::session::{saved::Saved, script, Session};
use crate::sim::{apps, kubectl, lessons, manifest};
use serde_json::Value;
use std::sync::OnceLock;

/// A fuzz target's entry: raw input in, nothing out (a panic is the failure).
pub type Entry = fn(&[u8]);

/// The targets, by the name of their `fuzz/fuzz_targets/*.rs` file and
/// corpus directory.
pub const TARGETS: &[(&str, Entry)] = &[
    ("manifest", manifest_target),
    ("kubectl", kubectl_target),
    ("jsonpath", jsonpath_target),
    ("script", script_target),
    ("shell", shell_target),
    ("saved", saved_target),
    ("lesson", lesson_target),
];

/// Runs the target named `name` on `data`; false when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => {
            f(data);
            true
        }
        None => false,
    }
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// A cluster with the docs' `web` StatefulSet running (two pods Ready),
/// built once and cloned for each input.
fn base_sim() -> &'static Sim {
    static BASE: OnceLock<Sim> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut sim = Sim::new(1);
        let web = crate::sim::examples::by_id("web")
            .and_then(|e| e.yaml())
            .unwrap_or("");
        let _ = sim.input(Input::Manifest {
            text: web.to_string(),
            delete: false,
        });
        sim.advance_to(120_000);
        sim
    })
}

/// Manifest parsing, conversion and validation, in both `--validate`
/// modes; errors print as kubectl prints them.
pub fn manifest_target(data: &[u8]) {
    let t = text(data);
    for mode in [
        manifest::FieldValidation::Warn,
        manifest::FieldValidation::Strict,
    ] {
        let parsed = manifest::parse_with(&t, mode);
        // Lines as the parser (and the editor) count them: \r breaks too.
        let lines = t
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .lines()
            .count()
            .max(1);
        for d in &parsed.diagnostics {
            assert!(
                d.line >= 1 && d.line <= lines + 1 && d.column >= 1,
                "diagnostic outside the text: {d:?}"
            );
        }
        let _ = parsed.kubectl_errors();
    }
}

/// The kubectl command line: tokenizing, flag parsing for every command,
/// and the whole command against a small running cluster.
pub fn kubectl_target(data: &[u8]) {
    let t = text(data);
    let line = t.lines().next().unwrap_or("");
    if let Ok(words) = kubectl::parse::tokenize(line) {
        for cmd in [
            "get", "describe", "scale", "rollout", "exec", "logs", "patch",
        ] {
            let _ = kubectl::parse::parse_args(&words, cmd, "usage");
        }
    }
    let _ = kubectl::file_args(line);
    let mut sim = base_sim().clone();
    let _ = kubectl::complete(&sim, line);
    // The stdin of `-f -`, when the input has more lines.
    let stdin = t.split_once('\n').map(|(_, rest)| rest.to_string());
    let files = stdin
        .map(|s| vec![("-".to_string(), s)])
        .unwrap_or_default();
    let _ = kubectl::run(&mut sim, &format!("kubectl {line}"), &files);
}

/// The base cluster's pod `web-0` as JSON (the jsonpath target's document
/// when its input holds none).
pub(crate) fn base_pod_value() -> Value {
    let pod = base_sim()
        .store
        .get(crate::sim::object::Kind::Pod, "default", "web-0");
    pod.map_or(Value::Null, |p| p.to_value())
}

/// JSONPath (`-o jsonpath=`, `custom-columns`, `--sort-by`) and go-template
/// (`-o go-template=`) over a live pod: the first line is the template, the
/// rest (if any) a JSON document to run it on instead.
pub fn jsonpath_target(data: &[u8]) {
    let t = text(data);
    let (template, doc) = t.split_once('\n').unwrap_or((&t, ""));
    let root: Value = serde_json::from_str(doc).unwrap_or_else(|_| base_pod_value());
    let _ = kubectl::jsonpath::render_opts(template, &root, false);
    let _ = kubectl::jsonpath::render(template, &root);
    let _ = kubectl::jsonpath::relaxed(template);
    let _ = kubectl::jsonpath::sort_key(template, &root);
    let _ = kubectl::jsonpath::custom_columns(template, std::slice::from_ref(&root));
    let _ = kubectl::jsonpath::render_go_template(template, &root);
}

/// `ordinal run` scripts: continuations, heredocs, directives.
pub fn script_target(data: &[u8]) {
    let t = text(data);
    let lines = script::logical_lines(&t);
    let total = t.lines().count();
    for l in &lines {
        assert!(l.number >= 1 && l.number <= total.max(1), "line {l:?}");
    }
    let _ = script::parse_script(&t);
    for l in t.lines() {
        let _ = script::split_heredoc(l);
    }
}

/// The shell of the simulated processes: `kubectl exec web-0 -- sh -c
/// '<input>'`, the first line being the script and the rest its stdin.
pub fn shell_target(data: &[u8]) {
    let t = text(data);
    let _ = apps::shell::parse(&t);
    let (script, stdin) = t.split_once('\n').unwrap_or((&t, ""));
    let mut sim = base_sim().clone();
    let pod = Key::new(crate::sim::object::Kind::Pod, "default", "web-0");
    let argv = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
    let _ = apps::exec_with_stdin(&mut sim, &pod, None, &argv, stdin);
}

/// Saved sessions and share links, then opening what they hold, as the
/// page does with a link it is given.
pub fn saved_target(data: &[u8]) {
    let t = text(data);
    let _ = Saved::from_link(&t);
    if let Ok(saved) = Saved::open(&t) {
        // Opening replays the journal: sessions up to the limits
        // `Saved::open` enforces are legitimate but may take seconds, more
        // than the fuzzer's one-second budget; replay the small ones.
        if saved.config.nodes > 50 || saved.replay_steps() > 100_000 {
            return;
        }
        let session = Session::open(&saved);
        let _ = session.trace_hash();
        let _ = saved.to_link();
    }
}

/// Lesson files (YAML with Markdown text).
pub fn lesson_target(data: &[u8]) {
    let t = text(data);
    if let Ok(lesson) = lessons::parse::parse("fuzz.yaml", &t) {
        let _ = lessons::run::solution(&lesson);
        let _ = lessons::run::editor_text(&lesson);
    }
    let _ = lessons::markdown::to_plain(&lessons::markdown::parse(&t));
}
