//! What a session snapshot costs at 300 pods: the time to take one (the
//! session clones the whole `Sim` but its event log, see
//! `session::maybe_snapshot`), the heap bytes it allocates and keeps, and
//! what it still keeps apart from the live cluster after the live one has
//! moved on by the events between two snapshots. Also the store's clone
//! alone. Not a test; never runs in CI.
//!
//! Build it as `examples/fuzzspeed.rs` is built (docs/fuzzspeed.md), then
//! `target/release/examples/snapshot_cost [--pods 300] [--rounds 20]`.

use ordinal::sim::engine::{Config, Sim};
use ordinal::sim::examples::workloads::parallel_web as manifest;
use ordinal::sim::object::Kind;
use ordinal::sim::session::Input;
use std::time::{Duration, Instant};

#[path = "../tests/common/counting.rs"]
mod counting;

#[global_allocator]
static A: counting::Counting = counting::Counting;

fn mib(b: usize) -> String {
    format!("{:.2} MiB", b as f64 / (1 << 20) as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let pods = opt("--pods", 300);
    let rounds = opt("--rounds", 20);
    let config = Config {
        nodes: pods.div_ceil(100).max(3),
        ..Config::default()
    };
    let mut sim = Sim::with_config(42, config);
    sim.input(Input::Manifest {
        text: manifest(pods),
        delete: false,
    })
    .expect("apply");
    let ready = |s: &Sim| {
        s.store
            .list(Kind::Pod)
            .filter(|p| ordinal::sim::podutil::is_ready(p))
            .count()
    };
    while ready(&sim) < pods && sim.now < 6 * 3_600_000 {
        sim.advance(1_000);
    }
    println!(
        "{} pods ready, {} objects in the store, {} events, clock {} s",
        ready(&sim),
        sim.store.len(),
        sim.log.len(),
        sim.now / 1000
    );

    // A snapshot as the session takes one: the log lent out while cloning
    // (until cow14 the session cloned it too, then dropped the copy).
    let mut best = Duration::MAX;
    let mut kept = 0;
    let mut allocated = 0;
    for _ in 0..rounds {
        let live0 = counting::live();
        let alloc0 = counting::allocated();
        let t = Instant::now();
        let log = std::mem::take(&mut sim.log);
        let copy = sim.clone();
        sim.log = log;
        best = best.min(t.elapsed());
        kept = counting::live() - live0;
        allocated = counting::allocated() - alloc0;
        drop(copy);
    }
    println!(
        "snapshot: {best:.1?} (best of {rounds}), keeps {}, allocates {}",
        mib(kept),
        mib(allocated)
    );

    let mut best = Duration::MAX;
    let mut kept = 0;
    for _ in 0..rounds {
        let live0 = counting::live();
        let t = Instant::now();
        let copy = sim.store.clone();
        best = best.min(t.elapsed());
        kept = counting::live() - live0;
        drop(copy);
    }
    println!("store clone: {best:.1?}, keeps {}", mib(kept));

    // What a snapshot keeps apart (what dropping it frees) once the live
    // cluster has moved on by 400 events (the session's first snapshot
    // interval), then by 2,000, during a rolling update that rewrites
    // the pods one by one.
    let patch = r#"kubectl patch statefulset web -p '{"spec":{"template":{"metadata":{"annotations":{"rev":"2"}}}}}'"#;
    let out = sim.input(Input::Kubectl {
        line: patch.into(),
        files: vec![],
    });
    println!("{}", out.unwrap_or_else(|e| e).trim_end());
    let mut deltas = Vec::new();
    for n in [400, 2_000] {
        let log = std::mem::take(&mut sim.log);
        let copy = sim.clone();
        sim.log = log;
        let events0 = sim.log.len();
        while sim.log.len() < events0 + n && sim.now < 12 * 3_600_000 {
            sim.advance(1_000);
        }
        let before = counting::live();
        drop(copy);
        deltas.push(format!(
            "{} after {} events",
            mib(before - counting::live()),
            sim.log.len() - events0
        ));
    }
    println!("the snapshot keeps apart {}", deltas.join("; "));
}
