//! Behaviour scenarios: every `tests/scenarios/*.script` is run by the
//! `ordinal` CLI and must print exactly the reviewed `.transcript` beside
//! it. Each script names the upstream rule or test it follows.
//! `UPDATE_GOLDEN=1 cargo test --test scenarios` rewrites them; review the
//! diff before committing.

mod common;

use ordinal::sim::sort;
use std::path::Path;

#[test]
fn scenarios_match_their_transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    sort::sort(&mut scripts);
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

/// `--feature-gates` refuses what the components refuse, before running.
#[test]
fn feature_gates_flag_refuses_unknown_and_locked_gates() {
    for (flag, why) in [
        ("Bogus=true", "unrecognized feature gate: Bogus"),
        (
            "StatefulSetStartOrdinal=false",
            "cannot set feature gate StatefulSetStartOrdinal to false, feature is locked to true",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .args(["run", &format!("--feature-gates={flag}"), "/dev/null"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!(
                "ordinal: invalid argument \"{flag}\" for \"--feature-gates\" flag: {why}\n"
            )),
            "{err}"
        );
    }
}
