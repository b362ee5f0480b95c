//! Random command sequences (seeded, so failures reproduce) must keep the
//! StatefulSet and volume invariants upstream guarantees.

mod common;
use common::*;
use ordinal::sim::engine::{Action, Sim};
use ordinal::sim::object::{Kind, ValueExt};
use ordinal::sim::podutil;
use std::collections::{BTreeMap, BTreeSet};

/// A tiny deterministic generator for the command mix (SplitMix64).
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ordinal_of(name: &str) -> Option<usize> {
    name.strip_prefix("web-")?.parse().ok()
}

fn ready_set(sim: &Sim) -> BTreeSet<usize> {
    sim.store
        .list_ns(Kind::Pod, "default")
        .filter(|p| podutil::is_running_and_ready(p) && !podutil::is_terminating(p))
        .filter_map(|p| ordinal_of(&p.meta.name))
        .collect()
}

fn check_volumes(sim: &Sim, ctx: &str) {
    let mut bound_to: BTreeMap<String, String> = BTreeMap::new();
    for pvc in sim.store.list(Kind::PersistentVolumeClaim) {
        if let Some(pv) = pvc.spec().str_at("volumeName") {
            if let Some(other) = bound_to.insert(pv.to_string(), pvc.meta.name.clone()) {
                panic!("{ctx}: PV {pv} bound to both {other} and {}", pvc.meta.name);
            }
        }
    }
    for pv in sim.store.list(Kind::PersistentVolume) {
        if pv.status().str_at("phase") == Some("Bound") {
            let claim = pv.spec().str_at("claimRef.name").unwrap_or("");
            assert!(
                bound_to.get(&pv.meta.name).is_none_or(|c| c == claim),
                "{ctx}: PV {} claimRef {claim} disagrees with its claim",
                pv.meta.name
            );
        }
    }
}

fn random_session(seed: u64, steps: usize) {
    let mut g = Gen(seed);
    let mut sim = sim();
    apply(&mut sim, WEB);
    let mut user_deleted_claims: BTreeSet<String> = BTreeSet::new();
    for i in 0..steps {
        let ctx = format!("seed {seed} command {i}");
        let names = pod_names(&sim);
        let pick = |g: &mut Gen| {
            names
                .get(g.below(names.len().max(1) as u64) as usize)
                .cloned()
        };
        match g.below(10) {
            0 | 1 => {
                let n = g.below(6);
                let _ = kubectl(
                    &mut sim,
                    &format!("kubectl scale statefulset web --replicas={n}"),
                );
            }
            2 => {
                if let Some(p) = pick(&mut g) {
                    let _ = kubectl(&mut sim, &format!("kubectl delete pod {p}"));
                }
            }
            3 => {
                if let Some(p) = pick(&mut g) {
                    let _ = sim.input(ordinal::sim::Input::Fault(format!("pod {p} force-delete")));
                }
            }
            4 => {
                if let Some(p) = pick(&mut g) {
                    let verb = if g.below(2) == 0 { "unready" } else { "ready" };
                    let _ = sim.input(ordinal::sim::Input::Fault(format!("pod {p} {verb}")));
                }
            }
            5 => {
                let n = format!("node-{}", 1 + g.below(3));
                let verb = if g.below(2) == 0 { "fail" } else { "recover" };
                let _ = sim.input(ordinal::sim::Input::Fault(format!("node {n} {verb}")));
            }
            6 => {
                let k = g.below(6);
                let name = format!("www-web-{k}");
                if kubectl(&mut sim, &format!("kubectl delete pvc {name} --wait=false")).is_ok() {
                    user_deleted_claims.insert(name);
                }
            }
            _ => {}
        }
        // Run the clock step by step, checking OrderedReady's rule at each
        // pod creation: every lower ordinal was Running and Ready.
        let until = sim.now + g.below(20_000) + 500;
        while sim.next_time().is_some_and(|t| t <= until) {
            let before = ready_set(&sim);
            let mark = sim.log.len();
            sim.step();
            for e in &sim.log[mark..] {
                if e.action == Action::Added && e.kind == Kind::Pod {
                    let k = ordinal_of(&e.name).unwrap();
                    for j in 0..k {
                        assert!(
                            before.contains(&j),
                            "{ctx}: web-{k} created while web-{j} was not Running and Ready"
                        );
                    }
                }
                if e.action == Action::Deleted && e.kind == Kind::PersistentVolumeClaim {
                    assert!(
                        user_deleted_claims.contains(&e.name),
                        "{ctx}: claim {} deleted though nobody asked",
                        e.name
                    );
                }
            }
            check_volumes(&sim, &ctx);
        }
        sim.advance_to(until);
    }
    // Pods and their creations alternate with deletions: never two at once.
    let mut alive: BTreeSet<String> = BTreeSet::new();
    for e in sim.log.iter().filter(|e| e.kind == Kind::Pod) {
        match e.action {
            Action::Added => assert!(
                alive.insert(e.name.clone()),
                "seed {seed}: {} created twice",
                e.name
            ),
            Action::Deleted => assert!(
                alive.remove(&e.name),
                "seed {seed}: {} deleted while absent",
                e.name
            ),
            _ => {}
        }
    }
}

#[test]
fn random_sessions_keep_the_invariants() {
    for seed in 0..12 {
        random_session(seed, 40);
    }
}
