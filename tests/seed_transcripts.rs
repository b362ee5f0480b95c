//! Golden transcripts: each seed document's command sequence, run by the
//! `ordinal` CLI, must print exactly the reviewed transcript beside it.
//! `UPDATE_GOLDEN=1 cargo test --test seed_transcripts` rewrites them;
//! review the diff before committing.

use std::path::Path;
use std::process::Command;

fn check(script: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seeds");
    let path = dir.join(script);
    let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .arg("run")
        .arg(&path)
        .output()
        .expect("run the ordinal CLI");
    assert!(
        out.status.success(),
        "{script}: exit {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let actual = String::from_utf8(out.stdout).expect("utf-8 transcript");
    let golden_path = path.with_extension("transcript");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &actual).unwrap();
        return;
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
        panic!(
            "{script}: transcript differs from {} at line {} (actual written to {}):\n  golden: {:?}\n  actual: {:?}",
            golden_path.display(),
            first + 1,
            actual_path.display(),
            golden.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

#[test]
fn seed_000_cassandra() {
    check("000-cassandra.script");
}

#[test]
fn seed_001_statefulset_web_and_zookeeper() {
    check("001-statefulset-web-zookeeper.script");
}

#[test]
fn seed_002_petset_with_static_volumes() {
    check("002-petset-static-pvs.script");
}

#[test]
fn seed_003_hazelcast() {
    check("003-hazelcast.script");
}

#[test]
fn seed_004_mysql() {
    check("004-mysql.script");
}

/// The transcript is a function of script and seed alone.
#[test]
fn transcripts_are_deterministic() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/seeds/001-statefulset-web-zookeeper.script");
    let run = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .args(["run", "--seed", seed])
            .arg(&path)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("7"), run("7"));
    assert_ne!(
        run("7"),
        run("8"),
        "the seed must matter (uids, IPs, placement)"
    );
}
