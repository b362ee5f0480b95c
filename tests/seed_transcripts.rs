//! Golden transcripts: each seed document's command sequence, run by the
//! `ordinal` CLI, must print exactly the reviewed transcript beside it.
//! `UPDATE_GOLDEN=1 cargo test --test seed_transcripts` rewrites them;
//! review the diff before committing.

mod common;

use std::path::Path;
use std::process::Command;

fn check(script: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/seeds")
        .join(script);
    if let Some(why) = common::golden_mismatch(&path, &[]) {
        panic!("{why}");
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
