//! The simulation core (`src/sim/`) must stay pure Rust: it runs natively (CLI,
//! tests) and in wasm, and the browser face is the only place for web crates.
//! This test fails when any file under `src/sim/` names one.

use std::fs;
use std::path::{Path, PathBuf};

/// Crates the core may never name (as written in Rust paths: `web-sys` is `web_sys`).
const FORBIDDEN: &[&str] = &["leptos", "web_sys", "wasm_bindgen", "gloo", "js_sys"];

/// Every `(line number, crate)` where `source` names a forbidden crate as a whole
/// identifier (so `gloomy` or `my_leptos_notes` do not count, but `use leptos::*`,
/// `::web_sys::Window`, `extern crate gloo` and `#[wasm_bindgen]` do). Comments count
/// too: the core should not even talk about reaching for them.
fn forbidden_names(source: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (i, line) in source.lines().enumerate() {
        for ident in identifiers(line) {
            let ident = ident.replace('-', "_");
            // `gloo_timers`, `leptos_dom`...: the crates' own sub-crates count too.
            if let Some(name) = FORBIDDEN
                .iter()
                .find(|f| ident == **f || ident.starts_with(&format!("{f}_")))
            {
                found.push((i + 1, *name));
            }
        }
    }
    found
}

/// Identifier-like words in a line (letters, digits, `_`, `-`).
fn identifiers(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .filter(|w| !w.is_empty())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn sim_names_no_web_crate() {
    let sim = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut files = Vec::new();
    rust_files(&sim, &mut files);
    assert!(
        files.len() > 5,
        "expected the core's sources under {}",
        sim.display()
    );
    let mut violations = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("read source");
        for (line, name) in forbidden_names(&text) {
            violations.push(format!("{}:{line}: names `{name}`", file.display()));
        }
    }
    assert!(
        violations.is_empty(),
        "src/sim/ must not name web crates (they belong in src/ui/):\n{}",
        violations.join("\n")
    );
}

#[test]
fn scanner_finds_each_forbidden_crate() {
    let source = "use std::collections::BTreeMap;\n\
                  use leptos::prelude::*;\n\
                  fn f(w: web_sys::Window) {}\n\
                  #[wasm_bindgen]\n\
                  extern crate gloo;\n\
                  let a = ::js_sys::Array::new();\n\
                  use gloo_timers::callback::Timeout;\n";
    assert_eq!(
        forbidden_names(source),
        vec![
            (2, "leptos"),
            (3, "web_sys"),
            (4, "wasm_bindgen"),
            (5, "gloo"),
            (6, "js_sys"),
            (7, "gloo"),
        ]
    );
    // Cargo's spelling with dashes counts too.
    assert_eq!(forbidden_names("// needs web-sys"), vec![(1, "web_sys")]);
}

#[test]
fn scanner_ignores_lookalikes() {
    let source = "let gloomy = 1;\nfn my_leptos_notes() {}\nstruct Websys;\nlet jssys = 0;\n";
    assert_eq!(forbidden_names(source), vec![]);
}
