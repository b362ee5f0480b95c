//! Behaviour scenarios: every `tests/scenarios/*.script` is run by the
//! `ordinal` CLI and must print exactly the reviewed `.transcript` beside
//! it. Each script names the upstream rule or test it follows.
//! `UPDATE_GOLDEN=1 cargo test --test scenarios` rewrites them; review the
//! diff before committing.

mod common;

use std::path::Path;

#[test]
fn scenarios_match_their_transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scenario in {}", dir.display());
    let mut failed = Vec::new();
    for path in &scripts {
        // A first line `# args: --feature-gates=...` passes CLI flags.
        let text = std::fs::read_to_string(path).unwrap();
        let args: Vec<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# args:"))
            .map(|a| a.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        failed.extend(common::golden_mismatch(path, &args));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
