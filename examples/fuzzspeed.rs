//! Times the fuzz targets' entry functions natively: every file of
//! `fuzz/corpus/<target>/` through `ordinal::sim::fuzzing`, reporting µs per
//! input (mean and median), the implied executions per second and the
//! slowest inputs. Not a test: run it by hand in release, with the fuzz
//! build's settings (see docs/fuzzspeed.md):
//!
//! ```sh
//! cargo run --release --example fuzzspeed -- [target ...] [--rounds N] [--top K] [--corpus DIR]
//! ```
//!
//! The base cluster some targets clone is built before the clock starts.
//!
//! `--dump FILE` writes instead what the entries compute for each corpus
//! file (diagnostics, command output, trace hashes), to compare two
//! builds: a speed-up must leave that file byte-identical.

use ordinal::sim::fuzzing::TARGETS;
use ordinal::sim::object::{Key, Kind};
use ordinal::sim::session::{saved::Saved, Session};
use ordinal::sim::sort;
use ordinal::sim::{apps, engine::Sim, kubectl, lessons, manifest};
use std::fmt::Write;
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

fn main() {
    let mut names: Vec<String> = Vec::new();
    let mut rounds = 1usize;
    let mut top = 5usize;
    let mut dump: Option<String> = None;
    let mut corpus: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--top" => top = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--dump" => dump = args.next(),
            "--corpus" => corpus = args.next().map(PathBuf::from),
            _ => names.push(a),
        }
    }
    let root = corpus.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus"));
    if let Some(out) = dump {
        let mut text = String::new();
        for (name, _) in TARGETS {
            if !names.is_empty() && !names.iter().any(|n| n == name) {
                continue;
            }
            for path in files(&root.join(name)) {
                let data = std::fs::read(&path).unwrap();
                let file = path.file_name().unwrap_or_default().to_string_lossy();
                let _ = writeln!(text, "== {name} {file}\n{}", observe(name, &data));
            }
        }
        std::fs::write(out, text).unwrap();
        return;
    }
    // Warm the shared base cluster (a OnceLock) outside the timings.
    ordinal::sim::fuzzing::run("kubectl", b"version");
    for (name, entry) in TARGETS {
        if !names.is_empty() && !names.iter().any(|n| n == name) {
            continue;
        }
        let inputs: Vec<(PathBuf, Vec<u8>)> = files(&root.join(name))
            .into_iter()
            .map(|p| {
                let d = std::fs::read(&p).unwrap();
                (p, d)
            })
            .collect();
        let mut times: Vec<(Duration, &Path)> = Vec::new();
        let mut total = Duration::ZERO;
        for (path, data) in &inputs {
            let mut best = Duration::MAX;
            for _ in 0..rounds {
                let start = Instant::now();
                entry(data);
                best = best.min(start.elapsed());
            }
            total += best;
            times.push((best, path));
        }
        if times.is_empty() {
            continue;
        }
        sort::sort(&mut times);
        let mean = total.as_secs_f64() * 1e6 / times.len() as f64;
        let median = times[times.len() / 2].0.as_secs_f64() * 1e6;
        println!(
            "{name:9} {:5} inputs  mean {mean:9.1} µs  median {median:9.1} µs  ({:.0} exec/s)",
            times.len(),
            1e6 / mean
        );
        for (d, p) in times.iter().rev().take(top) {
            println!(
                "    {:9.1} µs  {}",
                d.as_secs_f64() * 1e6,
                p.file_name().unwrap_or_default().to_string_lossy()
            );
        }
    }
}

/// The base cluster of `ordinal::sim::fuzzing` (the `web` StatefulSet running).
fn base() -> Sim {
    let mut sim = Sim::new(1);
    let web = ordinal::sim::examples::by_id("web")
        .and_then(|e| e.yaml())
        .unwrap_or("");
    let _ = sim.input(ordinal::sim::session::Input::Manifest {
        text: web.to_string(),
        delete: false,
    });
    sim.advance_to(120_000);
    sim
}

/// What the target `name` computes for `data`, as text.
fn observe(name: &str, data: &[u8]) -> String {
    let t = String::from_utf8_lossy(data);
    match name {
        "manifest" => [
            manifest::FieldValidation::Warn,
            manifest::FieldValidation::Strict,
        ]
        .iter()
        .map(|m| {
            let p = manifest::parse_with(&t, *m);
            format!("{:?}\n{:?}\n", p, p.kubectl_errors())
        })
        .collect(),
        "kubectl" => {
            let line = t.lines().next().unwrap_or("");
            let mut sim = base();
            let completion = kubectl::complete(&sim, line);
            let files = t
                .split_once('\n')
                .map(|(_, rest)| vec![("-".to_string(), rest.to_string())])
                .unwrap_or_default();
            let out = kubectl::run(&mut sim, &format!("kubectl {line}"), &files);
            format!("{completion:?}\n{out:?}\n{}", sim.trace_hash())
        }
        "shell" => {
            let (script, stdin) = t.split_once('\n').unwrap_or((&t, ""));
            let mut sim = base();
            let pod = Key::new(Kind::Pod, "default", "web-0");
            let argv = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
            let out = apps::exec_with_stdin(&mut sim, &pod, None, &argv, stdin);
            format!("{out:?}\n{}", sim.trace_hash())
        }
        "saved" => match Saved::open(&t) {
            Ok(saved) if saved.config.nodes <= 50 && saved.replay_steps() <= 100_000 => {
                let session = Session::open(&saved);
                format!("{}\n{}", session.trace_hash(), saved.to_link())
            }
            Ok(_) => "big".into(),
            Err(e) => format!("{e:?}"),
        },
        "lesson" => {
            let parsed = lessons::parse::parse("fuzz.yaml", &t);
            let extra = parsed
                .as_ref()
                .ok()
                .map(|l| (lessons::run::solution(l), lessons::run::editor_text(l)));
            let blocks = lessons::markdown::parse(&t);
            format!(
                "{parsed:?}\n{extra:?}\n{blocks:?}\n{:?}",
                lessons::markdown::to_plain(&blocks)
            )
        }
        other => {
            ordinal::sim::fuzzing::run(other, data);
            String::new()
        }
    }
}
