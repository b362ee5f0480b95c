//! Replays the fuzzers' minimised corpora (`fuzz/corpus/<target>/`) and
//! every input that once crashed or hung a target (`fuzz/regressions/<target>/`)
//! through the same entry functions the fuzz targets call
//! (`ordinal::sim::fuzzing`). A panic here names the file. No fuzzing
//! happens in `cargo test`: see docs/robust.md for running the fuzzers.

use ordinal::sim::fuzzing::TARGETS;
use ordinal::sim::sort;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    sort::sort(&mut out);
    out
}

fn replay(kind: &str, min_files: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind);
    let mut total = 0;
    for (name, entry) in TARGETS {
        let dir = root.join(name);
        let inputs = files(&dir);
        assert!(
            inputs.len() >= min_files,
            "{}: {} files, expected at least {min_files}",
            dir.display(),
            inputs.len()
        );
        for path in inputs {
            let data = std::fs::read(&path).unwrap();
            let start = Instant::now();
            let result = std::panic::catch_unwind(|| entry(&data));
            assert!(result.is_ok(), "{} panicked", path.display());
            // Generous for an unoptimised test build; the fuzzer's own
            // limit is one second in release.
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{} took {:?}",
                path.display(),
                start.elapsed()
            );
            total += 1;
        }
    }
    eprintln!("replayed {total} {kind} inputs");
}

#[test]
fn every_corpus_input_returns() {
    replay("corpus", 1);
}

#[test]
fn every_past_crash_returns() {
    replay("regressions", 0);
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for (name, _) in TARGETS {
        let src = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
        assert!(
            src.contains(&format!("fuzzing::{name}_target(")),
            "fuzz/fuzz_targets/{name}.rs does not call {name}_target"
        );
    }
}
