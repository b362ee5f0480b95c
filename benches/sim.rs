//! Simulation throughput: a 1,000-replica `Parallel` StatefulSet with PVCs
//! and a 300-replica `OrderedReady` one, from apply to all Ready and back
//! to zero. Prints wall time, the thread's CPU time (Linux; wall time on a
//! shared machine mostly measures the load) and events per second (native).
//! `benches/scripts/{par,ord}.script` are the same workloads for
//! `ordinal run --nodes 40`.
//!
//! Then scrubbing: sessions of about 5,000 events (a 20-pod set scaled to 5
//! and back, and the page's measured session: 100 pods on 4 nodes scaled to
//! 1 and back), restored at ten points from the session's snapshots (and,
//! for comparison, replayed from the start).
//!
//! `cargo bench --bench sim` (add `-- quick` for a smaller run, `-- par`,
//! `-- ord` or `-- scrub` for one part only). Each StatefulSet run also times the
//! session's lifecycle chart (model and SVG).

// The simulation allocates and frees a great deal (JSON maps): mimalloc
// takes about a quarter off the CPU of a run against glibc's malloc
// (docs/perf14.md), asked for a plain block where one is aligned enough
// (src/alloc.rs). Transparent huge pages off: with them, fresh pages were
// zeroed 2 MiB at a time and the memory peak grew by a fifth.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: ordinal::alloc::Allocator = ordinal::alloc::Allocator;

use ordinal::sim::engine::{Config, Sim};
use ordinal::sim::examples::workloads::web_statefulset as manifest;
use ordinal::sim::object::{Kind, ValueExt};
use ordinal::sim::session::Input;
use ordinal::sim::session::{Journaled, Session};
use std::time::Instant;

/// CPU time this thread has used (Linux; `None` elsewhere): on a machine
/// shared with other work, wall time says more about the load than about
/// the simulation, so each run prints both.
fn cpu_time() -> Option<std::time::Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(ns))
}

fn cpu_since(start: Option<std::time::Duration>) -> String {
    match (start, cpu_time()) {
        (Some(a), Some(b)) => format!("{:.2?}", b.saturating_sub(a)),
        _ => "?".into(),
    }
}

fn count_pods(sim: &Sim) -> usize {
    sim.store.list(Kind::Pod).count()
}

fn ready(sim: &Sim, name: &str) -> i64 {
    sim.store
        .get(Kind::StatefulSet, "default", name)
        .and_then(|s| s.status().i64_at("readyReplicas"))
        .unwrap_or(0)
}

/// Runs the clock in 1 s slices until `done` or the virtual bound.
fn run_until(sim: &mut Sim, bound_ms: u64, done: impl Fn(&Sim) -> bool) -> bool {
    let end = sim.now + bound_ms;
    while sim.now < end {
        if done(sim) {
            return true;
        }
        sim.advance(1_000);
    }
    done(sim)
}

fn bench(name: &str, replicas: usize, policy: &str) {
    let nodes = replicas.div_ceil(100).max(3);
    let config = Config {
        nodes,
        ..Config::default()
    };
    let mut sim = Sim::with_config(42, config);
    let start = Instant::now();
    let cpu0 = cpu_time();
    let events0 = sim.log.len();
    let steps0 = sim.steps_taken();
    let text = manifest(name, replicas, policy);
    if let Err(e) = sim.input(Input::Manifest {
        text,
        delete: false,
    }) {
        println!("{name}: apply failed: {e}");
        return;
    }
    let up = run_until(&mut sim, 6 * 3_600_000, |s| {
        ready(s, name) == replicas as i64
    });
    let t_up = start.elapsed();
    let cpu_up = cpu_since(cpu0);
    if std::env::var_os("ORDINAL_PROFILE").is_some() {
        profile_controllers(&sim);
    }
    let virtual_up = sim.now;
    let line = format!("kubectl scale statefulset {name} --replicas=0");
    let _ = sim.input(Input::Kubectl {
        line,
        files: vec![],
    });
    let down = run_until(&mut sim, 6 * 3_600_000, |s| count_pods(s) == 0);
    let total = start.elapsed();
    let cpu_total = cpu_since(cpu0);
    let events = sim.log.len() - events0;
    println!(
        "{name}: {replicas} replicas {policy}: up={up} in {:.2?} (cpu {cpu_up}, virtual {}s), down={down}; total {:.2?} (cpu {cpu_total}), {events} events, {:.0} events/s, {} controller steps, {} PVCs kept",
        t_up,
        virtual_up / 1000,
        total,
        events as f64 / total.as_secs_f64(),
        sim.steps_taken() - steps0,
        sim.store.list(Kind::PersistentVolumeClaim).count(),
    );
    chart_times(name, &sim);
}

/// The lifecycle chart of the whole session (every pod and claim, up and
/// down): model and SVG, collapsed as the page first shows it and fully
/// expanded. The best of 5 runs each.
fn chart_times(name: &str, sim: &Sim) {
    use ordinal::sim::chart;
    for (label, opts) in [
        ("collapsed", chart::Options::default()),
        (
            "expanded",
            chart::Options {
                max_rows: usize::MAX,
                ..chart::Options::default()
            },
        ),
    ] {
        let (mut build, mut render) = (std::time::Duration::MAX, std::time::Duration::MAX);
        let mut bytes = 0;
        let mut rows = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let c = chart::build(sim, &opts);
            build = build.min(t.elapsed());
            let t = Instant::now();
            let svg = chart::render(&c, &chart::SvgOptions::default());
            render = render.min(t.elapsed());
            bytes = svg.len();
            rows = c.groups.iter().map(|g| g.rows.len()).sum::<usize>();
        }
        println!(
            "  {name} chart {label}: {rows} rows, model {build:.2?}, SVG {render:.2?} ({} KiB) over {} events",
            bytes / 1024,
            sim.log.len()
        );
    }
}

/// Time of one sync of each controller over the current store: shows
/// which reconcile dominates when every write wakes every controller.
fn profile_controllers(sim: &Sim) {
    use ordinal::sim::controllers::{Ctx, Out, ALL};
    for (name, sync) in ALL {
        let t = Instant::now();
        let mut writes = 0;
        for _ in 0..10 {
            let ctx = Ctx {
                store: &sim.store,
                now: sim.now,
                config: &sim.config,
                faults: &sim.faults,
                departed_nodes: &sim.departed_nodes,
            };
            let mut out = Out::default();
            sync(&ctx, &mut out);
            writes += out.writes.len();
        }
        println!(
            "  {name:<30} {:>10.2?} per sync, {} writes",
            t.elapsed() / 10,
            writes / 10
        );
    }
}

/// Scrub time at ten points of a session of about `target` events: from
/// the nearest snapshot, against a replay from the start. The session
/// scales a `high`-replica Parallel set to `low` and back every `every_ms`
/// of virtual time (the page's measured session, `tests/e2e/scrub-measure.mjs`,
/// is 100 pods on 4 nodes scaled to 1 and back every two minutes).
fn bench_scrub(target: usize, high: usize, low: usize, nodes: usize, every_ms: u64) {
    let config = Config {
        nodes,
        ..Config::default()
    };
    let mut s = Session::new(42, config.clone());
    s.input(Input::Manifest {
        text: manifest("scrub", high, "Parallel"),
        delete: false,
    })
    .expect("apply");
    let mut replicas = high;
    while s.sim().log.len() < target {
        s.advance(every_ms);
        replicas = if replicas == high { low } else { high };
        let _ = s.input(Input::Kubectl {
            line: format!("kubectl scale sts scrub --replicas={replicas}"),
            files: vec![],
        });
    }
    let total = s.position().1;
    let journal = s.journal().to_vec();
    let mut worst = std::time::Duration::ZERO;
    let mut worst_replay = std::time::Duration::ZERO;
    let mut line = String::new();
    let mut worst_cpu = std::time::Duration::ZERO;
    for k in 1..=10 {
        let i = total * k / 10 - 1;
        let t = Instant::now();
        let c = cpu_time();
        s.scrub_to(i);
        let d = t.elapsed();
        if let (Some(a), Some(b)) = (c, cpu_time()) {
            worst_cpu = worst_cpu.max(b.saturating_sub(a));
        }
        worst = worst.max(d);
        let t = Instant::now();
        let r = Journaled::replay(42, config.clone(), &journal, Some(i));
        worst_replay = worst_replay.max(t.elapsed());
        assert_eq!(r.trace_hash(), s.trace_hash(), "scrub to {i}");
        line.push_str(&format!(" {}%={d:.1?}", k * 10));
    }
    println!(
        "scrub, {high}/{low} pods on {nodes} nodes: {total} events, {} snapshots; from snapshots:{line}; worst {worst:.1?} (cpu {worst_cpu:.1?}) (replay from the start: worst {worst_replay:.1?})",
        s.snapshot_count()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |w: &str| args.iter().any(|a| a == w);
    let quick = has("quick");
    // `-- par`: only the Parallel run; `-- ord`: only the OrderedReady run
    // (each with its chart timings); `-- scrub`: only scrubbing.
    let (mut parallel, mut ordered) = if quick { (100, 30) } else { (1_000, 300) };
    // `-- replicas=N`: both StatefulSet runs at N replicas (how a cost grows
    // with the set's size).
    if let Some(n) = args
        .iter()
        .find_map(|a| a.strip_prefix("replicas=")?.parse().ok())
    {
        (parallel, ordered) = (n, n);
    }
    let only = ["par", "ord", "scrub"].into_iter().find(|w| has(w));
    if only.is_none_or(|w| w == "par") {
        bench("par", parallel, "Parallel");
    }
    if only.is_none_or(|w| w == "ord") {
        bench("ord", ordered, "OrderedReady");
    }
    if only.is_none_or(|w| w == "scrub") {
        let target = if quick { 1_000 } else { 5_000 };
        bench_scrub(target, 20, 5, Config::default().nodes, 30_000);
        bench_scrub(target, 100, 1, 4, 120_000);
    }
}
