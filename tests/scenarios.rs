//! Behaviour scenarios: every `tests/scenarios/*.script` is run by the
//! `ordinal` CLI and must print exactly the reviewed `.transcript` beside
//! it. Each script names the upstream rule or test it follows.
//! `UPDATE_GOLDEN=1 cargo test --test scenarios` rewrites them; review the
//! diff before committing.

use std::path::Path;
use std::process::Command;

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
        let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .arg("run")
            .args(&args)
            .arg(path)
            .output()
            .expect("run the ordinal CLI");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            out.status.success(),
            "{name}: exit {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let actual = String::from_utf8(out.stdout).expect("utf-8 transcript");
        let golden_path = path.with_extension("transcript");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden_path, &actual).unwrap();
            continue;
        }
        let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
        if actual != golden {
            let actual_path = path.with_extension("actual");
            std::fs::write(&actual_path, &actual).unwrap();
            let first = actual
                .lines()
                .zip(golden.lines())
                .position(|(a, g)| a != g)
                .unwrap_or(actual.lines().count().min(golden.lines().count()));
            failed.push(format!(
                "{name}: differs at line {} (actual in {}):\n  golden: {:?}\n  actual: {:?}",
                first + 1,
                actual_path.display(),
                golden.lines().nth(first),
                actual.lines().nth(first)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
