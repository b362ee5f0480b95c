//! Playing in slices (the page's frames): a step that writes many objects
//! is applied a few writes at a time (`Session::advance_sliced`,
//! `Sim::step_within`), and the trace must not depend on how the work was
//! sliced: the same journal gives the same trace, whatever the frame budget.

use ordinal::sim::engine::StepRun;
use ordinal::sim::examples::workloads::parallel_web;
use ordinal::sim::session::{Input, Journaled, Session};
use ordinal::sim::{Config, Sim};

const SEED: u64 = 11;

/// A Parallel StatefulSet with claims: its first syncs create, schedule
/// and start every pod at once, so single steps write dozens of objects.
fn parallel_set(replicas: usize) -> Input {
    Input::Manifest {
        text: parallel_web(replicas),
        delete: false,
    }
}

/// A frame budget that runs out after every `n`th write (or step).
fn every(n: u32) -> impl FnMut() -> bool {
    let mut calls = 0;
    move || {
        calls += 1;
        calls % n == 0
    }
}

/// Plays `frames` frames of `frame_ms` virtual ms each under `budget`,
/// counting the frames that ended with a step half applied.
fn play(s: &mut Session, frames: usize, frame_ms: u64, budget: &mut dyn FnMut() -> bool) -> usize {
    let mut paused = 0;
    for _ in 0..frames {
        s.advance_sliced(frame_ms, budget);
        if s.sim().mid_step() {
            paused += 1;
        }
    }
    paused
}

fn started(replicas: usize) -> Session {
    let mut s = Session::new(SEED, Config::default());
    s.input(parallel_set(replicas)).unwrap();
    s
}

#[test]
fn sliced_play_gives_the_same_trace_as_whole_steps() {
    let end = 90_000;
    let mut whole = started(40);
    whole.advance(end);
    let want = whole.trace_hash();
    assert!(
        whole.sim().log.len() > 500,
        "{} events",
        whole.sim().log.len()
    );

    for n in [1, 2, 7] {
        let mut s = started(40);
        // 16x at 60 frames a second: 267 virtual ms a frame.
        let paused = play(&mut s, 200, 267, &mut every(n));
        assert!(paused > 0, "budget 1/{n}: no step was ever sliced");
        // The rest of the way in one go, to the same clock.
        let left = end - s.sim().now;
        s.advance_sliced(left, &mut || false);
        assert!(!s.sim().mid_step());
        assert_eq!(s.sim().now, end);
        assert_eq!(s.trace_hash(), want, "budget 1/{n}");
        // The journal it kept replays to the same trace.
        let replayed = Journaled::replay(SEED, Config::default(), s.journal(), None);
        assert_eq!(replayed.trace_hash(), want, "budget 1/{n}: replay");
    }
}

#[test]
fn an_input_in_the_middle_of_a_step_lands_after_it() {
    let mut s = started(40);
    let mut budget = every(1);
    let mut paused = false;
    for _ in 0..400 {
        s.advance_sliced(267, &mut budget);
        if s.sim().mid_step() {
            paused = true;
            break;
        }
    }
    assert!(paused, "no step was left half applied");
    let events = s.sim().log.len();
    // The journal holds whole steps only: replaying it now stops before
    // the half-applied step.
    let before = Journaled::replay(SEED, Config::default(), s.journal(), None);
    assert!(before.log.len() < events);

    // A console line (a fault) finishes the step, then runs.
    s.line("fault pod web-3 delete");
    assert!(!s.sim().mid_step());
    play(&mut s, 120, 267, &mut every(3));
    s.finish_step();
    let replayed = Journaled::replay(SEED, Config::default(), s.journal(), None);
    assert_eq!(replayed.trace_hash(), s.trace_hash());

    // Scrubbing back and forth agrees with replay from the start (the
    // snapshots were taken between whole steps only).
    let total = s.position().1;
    for i in [total / 4, total / 2, total - 3] {
        s.scrub_to(i);
        let want = Journaled::replay(SEED, Config::default(), s.journal(), Some(i));
        assert_eq!(s.trace_hash(), want.trace_hash(), "at {i}");
    }
}

#[test]
fn the_engine_finishes_a_paused_step_before_anything_else() {
    let mut a = Sim::new(SEED);
    let mut b = Sim::new(SEED);
    for s in [&mut a, &mut b] {
        s.input(parallel_set(30)).unwrap();
    }
    // Find a step that writes more than once, pausing after its first write.
    let mut slices = 0;
    loop {
        match b.step_within(&mut || true) {
            StepRun::Paused => {
                slices += 1;
                break;
            }
            StepRun::Done => assert!(a.step()),
            StepRun::Idle => panic!("no step wrote twice"),
        }
    }
    assert!(b.mid_step() && b.pending());
    assert_eq!(b.next_time(), Some(b.now));
    // The clock cannot move past it: advancing finishes it first, at its time.
    let now = b.now;
    while b.step_within(&mut every(2)) == StepRun::Paused {
        slices += 1;
        assert_eq!(b.now, now);
    }
    assert!(slices > 2);
    assert!(a.step());
    assert_eq!(a.trace_hash(), b.trace_hash());
    // An input while paused: the step ends first, as with whole steps.
    while b.step_within(&mut || true) != StepRun::Paused {
        assert!(a.step());
    }
    let cmd = || Input::Kubectl {
        line: "scale sts web --replicas=2".into(),
        files: Vec::new(),
    };
    a.step();
    a.input(cmd()).unwrap();
    b.input(cmd()).unwrap();
    assert!(!b.mid_step());
    a.advance(60_000);
    b.advance(60_000);
    assert_eq!(a.trace_hash(), b.trace_hash());
}

#[test]
fn a_long_sliced_play_with_faults_journals_per_busy_moment_not_per_frame() {
    let mut s = started(20);
    let mut budget = every(5);
    let mut frames = 0;
    // Ten virtual minutes at 16x (60 frames a second), a fault a minute.
    for minute in 0..10 {
        for _ in 0..225 {
            s.advance_sliced(267, &mut budget);
            frames += 1;
        }
        let out = s.line(&format!("fault pod web-{} delete", 2 * minute));
        assert!(out.iter().all(|p| p.class != "err"), "{out:?}");
    }
    s.finish_step();
    let journal = s.journal().len();
    // Quiet frames only move the clock, and clock moves in a row are one
    // entry: the journal follows the cluster's work, not the frame count.
    assert!(
        journal * 10 < frames,
        "{journal} journal entries for {frames} frames"
    );
    let replayed = Journaled::replay(SEED, Config::default(), s.journal(), None);
    assert_eq!(replayed.trace_hash(), s.trace_hash());
}
