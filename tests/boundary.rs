//! The simulation core (`src/sim/`) must stay pure Rust: it runs natively (CLI,
//! tests) and in wasm, and the browser face is the only place for web crates.
//! This test fails when any file under `src/sim/` names one.

use ordinal::sim::sort;
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

// ---- the layers ---------------------------------------------------------
//
// The core is built in layers, each importing only from below:
// vocabulary → world → server rules → actors (controllers, apps) → engine →
// clients (kubectl, faults) → session → what the faces read (lessons,
// chart). The checks below read every `crate::sim::…`, `super::…` and
// `self::…` path of the core's non-test code, resolve it to the file that
// defines the module it names (through `pub use` re-exports of the core's
// root), and hold the graph to the rules.

/// The layer of each top-level module of `src/sim/`.
const LAYERS: &[(&str, u8)] = &[
    // vocabulary
    ("object", 1),
    ("store", 1),
    ("selector", 1),
    ("fields", 1),
    ("quantity", 1),
    ("wellknown", 1),
    ("podutil", 1),
    ("nodeaffinity", 1),
    ("nodeutil", 1),
    ("subsets", 1),
    ("features", 1),
    ("hash", 1),
    ("sort", 1),
    ("examples", 1),
    ("heap", 1),
    ("markup", 1),
    // world
    ("world", 2),
    // server rules
    ("api", 3),
    ("eviction", 3),
    ("dns", 3),
    ("cluster", 3),
    ("defaults", 3),
    ("manifest", 3),
    // actors
    ("controllers", 4),
    ("apps", 4),
    // engine
    ("engine", 5),
    // clients
    ("kubectl", 6),
    ("faults", 6),
    // session
    ("session", 7),
    // read by the faces
    ("chart", 8),
    ("lessons", 8),
    // the parsers' entry points for fuzzing and the corpus replay
    ("fuzzing", 9),
];

/// Modules an actor (a controller or a simulated process) must never name.
const NOT_FOR_ACTORS: &[&str] = &["engine", "session", "kubectl", "faults", "lessons", "chart"];

/// One source file of the core as a module path (`controllers::kubelet`;
/// `mod.rs` is its folder's module; the root is the empty path).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    parts
}

/// The source without its test code: `tests.rs` files are skipped by the
/// caller, and a `#[cfg(test)]` module is cut from where it starts.
fn without_tests(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim();
        if l == "#[cfg(test)]"
            && lines
                .get(i + 1)
                .is_some_and(|n| n.trim_start().starts_with("mod ") && n.contains('{'))
        {
            // Skip the module: count braces until it closes.
            let mut depth = 0i32;
            let mut j = i + 1;
            let mut opened = false;
            while j < lines.len() {
                for c in lines[j].chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            opened = true
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                j += 1;
                if opened && depth <= 0 {
                    break;
                }
            }
            i = j;
            continue;
        }
        // Comments say nothing about imports.
        let code = match lines[i].find("//") {
            Some(k) => &lines[i][..k],
            None => lines[i],
        };
        out.push(code);
        i += 1;
    }
    out.join("\n")
}

/// Every path written in `source` that starts at `crate::sim::`, `super::`
/// or `self::`, as its segments, with `{a, b::c}` groups expanded one level.
fn paths(source: &str) -> Vec<Vec<String>> {
    let text: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let word_start = |i: usize| {
        i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':')
    };
    for start in ["crate::sim::", "super::", "self::"] {
        let mut from = 0;
        while let Some(k) = text[from..].find(start) {
            let at = from + k;
            from = at + start.len();
            if !word_start(at) {
                continue;
            }
            let head: Vec<String> = match start {
                "crate::sim::" => vec!["crate".into()],
                _ => vec![start.trim_end_matches("::").into()],
            };
            let rest = &text[from..];
            let mut segs = head.clone();
            let mut chars = rest.char_indices().peekable();
            let mut word = String::new();
            let mut end = rest.len();
            while let Some((i, c)) = chars.next() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                } else if c == ':' && rest[i..].starts_with("::") {
                    chars.next();
                    segs.push(std::mem::take(&mut word));
                } else {
                    end = i;
                    break;
                }
            }
            if !word.is_empty() {
                segs.push(word);
            }
            if rest[end..].starts_with('{') {
                expand_group(&segs, &rest[end + 1..], &mut found);
            } else {
                found.push(segs);
            }
        }
    }
    found
}

/// Expands `a, b::c, d::{e, f}}...` (the text after a `{`) into paths
/// under `prefix`, stopping at the brace that closes the group.
fn expand_group(prefix: &[String], text: &str, found: &mut Vec<Vec<String>>) -> usize {
    let mut segs = prefix.to_vec();
    let mut word = String::new();
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() {
        let c = b[i] as char;
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else if text[i..].starts_with("::") {
            segs.push(std::mem::take(&mut word));
            i += 1;
        } else if c == '{' {
            i += expand_group(&segs, &text[i + 1..], found) + 1;
            segs = prefix.to_vec();
        } else if c == ',' || c == '}' {
            if !word.is_empty() {
                let mut full = segs.clone();
                full.push(std::mem::take(&mut word));
                found.push(full);
            }
            segs = prefix.to_vec();
            if c == '}' {
                return i + 1;
            }
        } else if c == ' ' && text[i..].starts_with(" as ") {
            // `x as y`: the path is `x`.
            if !word.is_empty() {
                let mut full = segs.clone();
                full.push(std::mem::take(&mut word));
                found.push(full);
            }
            while i < b.len() && b[i] != b',' && b[i] != b'}' {
                i += 1;
            }
            segs = prefix.to_vec();
            continue;
        }
        i += 1;
    }
    i
}

struct Graph {
    /// Each file's module path.
    modules: Vec<(PathBuf, Vec<String>)>,
    /// Edges between indexes of `modules`, with the path that made each.
    edges: Vec<(usize, usize, String)>,
}

fn import_graph() -> Graph {
    let sim = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut files = Vec::new();
    rust_files(&sim, &mut files);
    sort::sort(&mut files);
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| {
            let rel = f.strip_prefix(&sim).expect("under src/sim");
            !rel.iter()
                .any(|p| p == "tests" || p == "tests.rs" || p == "testutil.rs")
        })
        .collect();
    let modules: Vec<(PathBuf, Vec<String>)> = files
        .iter()
        .map(|f| {
            (
                f.clone(),
                module_of(f.strip_prefix(&sim).expect("under src/sim")),
            )
        })
        .collect();
    let index_of = |m: &[String]| modules.iter().position(|(_, p)| p == m);
    // The root's `pub use a::{X, Y}` re-exports, by name.
    let root = fs::read_to_string(sim.join("mod.rs")).expect("src/sim/mod.rs");
    let mut reexports: Vec<(String, Vec<String>)> = Vec::new();
    for p in paths(&root.replace("pub use ", "pub use self::")) {
        if p.len() >= 3 && p[0] == "self" {
            let name = p.last().expect("a name").clone();
            reexports.push((name, p[1..p.len() - 1].to_vec()));
        }
    }
    let mut edges = Vec::new();
    for (i, (file, module)) in modules.iter().enumerate() {
        let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
        let source = without_tests(&fs::read_to_string(file).expect("read source"));
        for p in paths(&source) {
            // The module the path starts from.
            let (mut base, rest): (Vec<String>, &[String]) = match p[0].as_str() {
                "crate" => (Vec::new(), &p[1..]),
                "self" => (module.clone(), &p[1..]),
                _ => {
                    let mut b = module.clone();
                    if !is_mod_rs || !b.is_empty() {
                        b.pop();
                    }
                    let mut r = &p[1..];
                    // `super::super::x`
                    while r.first().is_some_and(|s| s == "super") {
                        b.pop();
                        r = &r[1..];
                    }
                    (b, r)
                }
            };
            // Descend while the segments name modules (files).
            for s in rest {
                let mut next = base.clone();
                next.push(s.clone());
                if index_of(&next).is_some() {
                    base = next;
                } else {
                    // A name the root re-exports stands for its module.
                    if base.is_empty() {
                        if let Some((_, m)) = reexports.iter().find(|(n, _)| n == s) {
                            base = m.clone();
                        }
                    }
                    break;
                }
            }
            if let Some(j) = index_of(&base) {
                if j != i && !base.is_empty() {
                    edges.push((i, j, p.join("::")));
                }
            }
        }
    }
    Graph { modules, edges }
}

fn top(module: &[String]) -> &str {
    module.first().map_or("", |s| s.as_str())
}

fn layer(module: &[String]) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(m, _)| *m == top(module))
        .map(|(_, l)| *l)
}

#[test]
fn every_module_of_the_core_has_a_layer() {
    let g = import_graph();
    assert!(
        g.modules.len() > 20 && g.edges.len() > 50,
        "the graph was read"
    );
    let missing: Vec<String> = g
        .modules
        .iter()
        .filter(|(_, m)| !m.is_empty() && layer(m).is_none())
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "give these a layer in LAYERS: {missing:?}"
    );
}

#[test]
fn each_layer_imports_only_from_its_own_or_below() {
    let g = import_graph();
    let mut up = Vec::new();
    for (a, b, path) in &g.edges {
        let (ma, mb) = (&g.modules[*a].1, &g.modules[*b].1);
        if let (Some(la), Some(lb)) = (layer(ma), layer(mb)) {
            if lb > la {
                up.push(format!("{} -> {path} (layer {la} -> {lb})", ma.join("::")));
            }
        }
    }
    assert!(
        up.is_empty(),
        "imports that run up a layer:\n{}",
        up.join("\n")
    );
}

#[test]
fn actors_name_no_engine_session_or_client() {
    let g = import_graph();
    let mut bad = Vec::new();
    for (a, b, path) in &g.edges {
        let (ma, mb) = (&g.modules[*a].1, &g.modules[*b].1);
        if matches!(top(ma), "controllers" | "apps") && NOT_FOR_ACTORS.contains(&top(mb)) {
            bad.push(format!("{} -> {path}", ma.join("::")));
        }
    }
    // `Sim` is the engine's, whatever path names it.
    let sim = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    for (file, m) in &g.modules {
        if matches!(top(m), "controllers" | "apps") {
            let source = without_tests(&fs::read_to_string(file).expect("read source"));
            if identifiers(&source).any(|w| w == "Sim") {
                let rel = file.strip_prefix(&sim).unwrap_or(file);
                bad.push(format!("{} names `Sim`", rel.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "actors reach above themselves:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_import_circle_spans_folders() {
    let g = import_graph();
    // Collapse files to their top-level folder (or top-level file) and
    // look for a cycle among those.
    let mut tops: Vec<&str> = g.modules.iter().map(|(_, m)| top(m)).collect();
    sort::sort(&mut tops);
    tops.dedup();
    let idx = |t: &str| tops.iter().position(|x| *x == t).expect("known");
    let mut adj = vec![Vec::<(usize, String)>::new(); tops.len()];
    for (a, b, path) in &g.edges {
        let (ta, tb) = (top(&g.modules[*a].1), top(&g.modules[*b].1));
        if ta != tb && !ta.is_empty() && !tb.is_empty() {
            adj[idx(ta)].push((idx(tb), format!("{} -> {path}", g.modules[*a].1.join("::"))));
        }
    }
    // Depth-first search for a back edge; report the circle it closes.
    fn visit(
        n: usize,
        adj: &[Vec<(usize, String)>],
        state: &mut [u8],
        stack: &mut Vec<(usize, String)>,
    ) -> Option<Vec<String>> {
        state[n] = 1;
        for (m, why) in &adj[n] {
            if state[*m] == 1 {
                let from = stack.iter().position(|(s, _)| s == m).unwrap_or(0);
                let mut c: Vec<String> = stack[from..].iter().map(|(_, w)| w.clone()).collect();
                c.push(why.clone());
                return Some(c);
            }
            if state[*m] == 0 {
                stack.push((*m, why.clone()));
                if let Some(c) = visit(*m, adj, state, stack) {
                    return Some(c);
                }
                stack.pop();
            }
        }
        state[n] = 2;
        None
    }
    let mut state = vec![0u8; tops.len()];
    for n in 0..tops.len() {
        if state[n] == 0 {
            let mut stack = vec![(n, tops[n].to_string())];
            if let Some(c) = visit(n, &adj, &mut state, &mut stack) {
                panic!("an import circle spans folders:\n{}", c.join("\n"));
            }
        }
    }
}

#[test]
fn the_path_reader_resolves_groups_and_super() {
    let src = "use crate::sim::{engine::Sim, object::{Key, Kind}};\nuse super::api::Write;\nlet x = self::fs::read(a);\n// use crate::sim::kubectl;\n";
    let got = paths(&without_tests(src));
    assert!(got.contains(&vec!["crate".into(), "engine".into(), "Sim".into()]));
    assert!(got.contains(&vec!["crate".into(), "object".into(), "Key".into()]));
    assert!(got.contains(&vec!["super".into(), "api".into(), "Write".into()]));
    assert!(got.contains(&vec!["self".into(), "fs".into(), "read".into()]));
    assert!(
        !got.iter().any(|p| p.contains(&"kubectl".to_string())),
        "comments are skipped"
    );
    let cut = without_tests("use super::a;\n#[cfg(test)]\nmod tests {\n    use crate::sim::engine::Sim;\n}\nfn after() {}\n");
    assert!(!cut.contains("engine") && cut.contains("after"));
}
