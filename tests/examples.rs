//! Every built-in example, in today's form, applies cleanly and its
//! workloads become fully ready; so do the originals, converted from their
//! removed API versions with a warning naming the removal.

mod common;
use common::*;
use ordinal::sim::examples;
use ordinal::sim::object::{Kind, ValueExt};
use ordinal::sim::session::Input;

fn workloads_ready(sim: &ordinal::sim::Sim) -> Result<(), String> {
    for kind in [
        Kind::StatefulSet,
        Kind::ReplicationController,
        Kind::ReplicaSet,
        Kind::Deployment,
    ] {
        for o in sim.store.list(kind) {
            let want = o.spec().i64_at("replicas").unwrap_or(1);
            let ready = o.status().i64_at("readyReplicas").unwrap_or(0);
            if ready != want {
                return Err(format!("{kind} {}: {ready}/{want} ready", o.meta.name));
            }
        }
    }
    for ds in sim.store.list(Kind::DaemonSet) {
        let want = ds.status().i64_at("desiredNumberScheduled").unwrap_or(-1);
        let ready = ds.status().i64_at("numberReady").unwrap_or(0);
        if want <= 0 || ready != want {
            return Err(format!("DaemonSet {}: {ready}/{want} ready", ds.meta.name));
        }
    }
    Ok(())
}

#[test]
fn modern_examples_come_up_fully_ready() {
    for e in examples::all().iter().filter(|e| e.modern) {
        let mut sim = sim();
        let out = sim.input(Input::Manifest {
            text: e.yaml().expect("built in natively").to_string(),
            delete: false,
        });
        assert!(out.is_ok(), "{}: {:?}", e.id, out);
        let end = sim.now + 15 * 60_000;
        while workloads_ready(&sim).is_err() && sim.now < end {
            sim.advance(1_000);
        }
        if let Err(why) = workloads_ready(&sim) {
            panic!(
                "example {}: not ready after 15 virtual minutes: {why}",
                e.id
            );
        }
        assert!(sim.store.list(Kind::Pod).count() > 0, "{}: no pods", e.id);
    }
}

/// The originals use removed API versions: converted with the old
/// version's defaulting (selector from the template's labels, OnDelete),
/// they come up as their documents show, with a warning naming the removal.
#[test]
fn original_examples_come_up_with_the_removal_warnings() {
    for e in examples::all().iter().filter(|e| !e.modern) {
        let mut sim = sim();
        let out = sim
            .input(Input::Manifest {
                text: e.yaml().expect("built in natively").to_string(),
                delete: false,
            })
            .unwrap_or_else(|err| panic!("{}: refused: {err}", e.id));
        assert!(
            out.lines()
                .any(|l| l.starts_with("Warning: ") && l.contains("unavailable")),
            "{}: no warning naming the removal:\n{out}",
            e.id
        );
        let end = sim.now + 15 * 60_000;
        while workloads_ready(&sim).is_err() && sim.now < end {
            sim.advance(1_000);
        }
        if let Err(why) = workloads_ready(&sim) {
            panic!(
                "original {}: not ready after 15 virtual minutes: {why}",
                e.id
            );
        }
        assert!(
            !e.note.is_empty(),
            "{}: an original example must say what changed",
            e.id
        );
    }
}

#[test]
fn the_first_visit_example_is_web() {
    let e = examples::by_id(examples::DEFAULT_ID).unwrap();
    assert!(e.modern);
    let mut sim = sim();
    apply(&mut sim, e.yaml().expect("built in natively"));
    run_until(&mut sim, 120_000, "web ready", |s| sts_ready(s, "web") == 2);
}
