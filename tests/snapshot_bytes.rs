//! The session's snapshots are bounded in bytes (docs/robust15.md): the
//! estimate they are bounded by (`sim::heap`) is checked against a counting
//! allocator, and a session of 300 pods with a rolling update and faults
//! stays under its byte budget while scrubbing still gives what replaying
//! the journal from the start gives.
//!
//! Its own test binary, for the counting allocator; the tests take turns
//! (a lock), so one does not count the other's allocations.

use ordinal::sim::engine::{Config, Sim};
use ordinal::sim::heap::Heap;
use ordinal::sim::object::Kind;
use ordinal::sim::session::{Input, Journaled, Session, MAX_SNAPSHOT_BYTES};
use std::sync::Mutex;

#[path = "common/counting.rs"]
mod counting;

#[global_allocator]
static A: counting::Counting = counting::Counting;

static TURN: Mutex<()> = Mutex::new(());

/// The Parallel `web` set with claims that the benches and examples use.
fn manifest(name: &str, replicas: usize) -> String {
    ordinal::sim::examples::workloads::web_statefulset(name, replicas, "Parallel")
}

fn config(pods: usize) -> Config {
    Config {
        nodes: pods.div_ceil(100).max(3),
        ..Config::default()
    }
}

fn ready(sim: &Sim) -> usize {
    sim.store
        .list(Kind::Pod)
        .filter(|p| ordinal::sim::podutil::is_ready(p))
        .count()
}

fn kubectl(line: &str) -> Input {
    Input::Kubectl {
        line: line.into(),
        files: Vec::new(),
    }
}

fn rollout(rev: usize) -> Input {
    kubectl(&format!(
        r#"kubectl patch statefulset web -p '{{"spec":{{"template":{{"metadata":{{"annotations":{{"rev":"{rev}"}}}}}}}}}}'"#
    ))
}

/// What a snapshot copies and what it keeps apart from the live cluster
/// once that moved on are at most what the session counts for it.
#[test]
fn the_estimate_is_an_upper_bound_of_the_heap_a_snapshot_keeps() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let pods = 30;
    let mut sim = Sim::with_config(42, config(pods));
    sim.input(Input::Manifest {
        text: manifest("web", pods),
        delete: false,
    })
    .unwrap();
    while ready(&sim) < pods {
        sim.advance(1_000);
    }
    sim.input(Input::Fault("pod web-3 unready".into())).unwrap();
    sim.advance(20_000);

    // The copy a snapshot takes (the log lent out, as the session does).
    let before = counting::live();
    let log = std::mem::take(&mut sim.log);
    let copy = sim.clone();
    sim.log = log;
    let copied = counting::live() - before;
    let private = copy.heap();
    assert!(copied <= private, "copied {copied} > estimated {private}");
    assert!(private < 4 * copied, "estimated {private}, copied {copied}");

    // The live cluster moves on (a rolling update rewrites every pod):
    // dropping the copy frees at most its estimate beyond the live store.
    sim.input(rollout(2)).unwrap();
    let events = sim.log.len();
    while sim.log.len() < events + 600 {
        sim.advance(1_000);
    }
    let estimate = copy.heap() + copy.store.objects_heap_beyond(Some(&sim.store));
    let all_objects = copy.store.objects_heap_beyond(None);
    let before = counting::live();
    drop(copy);
    let freed = before - counting::live();
    assert!(freed <= estimate, "freed {freed} > estimated {estimate}");
    assert!(estimate < 4 * freed, "estimated {estimate}, freed {freed}");
    println!(
        "30 pods: a snapshot copies {copied} B (estimate {private}); 600 events later it keeps {freed} B apart (estimate {estimate}); all its objects {all_objects} B"
    );
}

/// 300 pods started, a pod deleted, a node failed, scaled down. While the
/// pods start, each snapshot holds most objects anew, so the page's bound
/// (`MAX_SNAPSHOT_BYTES`) is what limits them. Once the session holds
/// three snapshots the budget is set a quarter above what they hold (at
/// most the page's), so later snapshots reach it even in a smaller
/// cluster. The snapshots stay under the budget all along, the budget
/// makes the session thin them, the newest is always kept, and scrubbing
/// gives what replaying the journal up to there gives.
#[test]
fn a_session_of_300_pods_stays_under_the_budget_and_scrubs_exactly() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let pods = 300;
    let seed = 5;
    let mut s = Session::new(seed, config(pods));
    let mut budget = s.snapshot_budget();
    s.input(Input::Manifest {
        text: manifest("web", pods),
        delete: false,
    })
    .unwrap();
    let mut most = (0, 0);
    let mut thinned = false;
    let mut set_at = None;
    for sec in 0..240u64 {
        match sec {
            60 => drop(s.input(Input::Fault("pod web-7 delete".into()))),
            90 => drop(s.input(Input::Fault("node node-1 fail".into()))),
            150 => drop(s.input(kubectl("kubectl scale statefulset web --replicas=250"))),
            _ => {}
        }
        let count = s.snapshot_count();
        s.advance(1_000);
        let bytes = s.snapshot_bytes();
        if set_at.is_some() {
            thinned |= s.snapshot_count() < count;
            most = most.max((bytes, s.snapshot_count()));
        }
        assert!(
            bytes <= budget || s.snapshot_count() == 1,
            "{bytes} B in {} snapshots, budget {budget} B",
            s.snapshot_count()
        );
        if set_at.is_none() && s.snapshot_count() >= 3 {
            budget = (bytes + bytes / 4).min(MAX_SNAPSHOT_BYTES);
            s.set_snapshot_budget(budget);
            assert_eq!(s.snapshot_budget(), budget);
            set_at = Some((s.position().1, bytes));
        }
    }
    let (at, first4) = set_at.expect("the session never took three snapshots");
    let (_, total) = s.position();
    let journal = s.journal().to_vec();
    let head = s.trace_hash();
    println!(
        "300 pods, 4 virtual minutes: {total} events, {} objects; three snapshots held {first4} B at event {at}; budget then {budget} B; snapshots now {} ({} B), at most {} B",
        s.sim().store.len(),
        s.snapshot_count(),
        s.snapshot_bytes(),
        most.0,
    );
    assert!(
        thinned,
        "the budget never made the session thin its snapshots"
    );
    for i in [total / 2, total - 1] {
        s.scrub_to(i);
        let want = Journaled::replay(seed, config(pods), &journal, Some(i));
        assert_eq!(s.trace_hash(), want.trace_hash(), "at {i}");
    }
    s.scrub_to(total);
    assert_eq!(s.trace_hash(), head);
}
