//! Fixtures shared by the core's unit tests: one place for driving
//! controllers by hand and for the objects tests build, instead of a copy
//! per test module. Compiled for tests only.

use crate::sim::api;
use crate::sim::controllers::SyncFn;
use crate::sim::engine::Sim;
use crate::sim::object::{rfc3339, set_at, Kind, Object};
use serde_json::{json, Value};

/// Test driver: runs the given controllers in rounds until a round changes
/// nothing, returning the last wake-up any of them asked for. Panics after
/// `max_rounds`, since a controller that never settles is a bug.
pub(crate) fn converge(sim: &mut Sim, syncs: &[(&str, SyncFn)], max_rounds: usize) -> Option<u64> {
    let mut wake = None;
    for _ in 0..max_rounds {
        let rv = sim.store.resource_version();
        for (name, f) in syncs {
            if let Some(t) = sim.run_sync(name, *f) {
                wake = Some(t);
            }
        }
        if sim.store.resource_version() == rv {
            return wake;
        }
    }
    panic!("controllers did not converge in {max_rounds} rounds");
}

/// A pod object with `spec` in the default namespace, not yet created.
pub(crate) fn pod(name: &str, spec: Value) -> Object {
    let mut p = Object::new(Kind::Pod, "default", name);
    p.body.insert("spec".into(), spec);
    p
}

/// Creates an object from its JSON through the API rules.
pub(crate) fn apply(sim: &mut Sim, v: Value) -> Object {
    let o = Object::from_value(&v).unwrap();
    api::create(sim, o, "test").unwrap()
}

/// Runs the given controllers until nothing changes.
pub(crate) fn run_with(sim: &mut Sim, syncs: &[SyncFn]) {
    let named: Vec<(&str, SyncFn)> = syncs.iter().map(|f| ("test-controller", *f)).collect();
    converge(sim, &named, 200);
}

/// Plays the kubelet for a pod: on node-1, Running and Ready now.
pub(crate) fn make_running_and_ready(sim: &mut Sim, name: &str) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    set_at(p.spec_mut(), "nodeName", json!("node-1"));
    p.body.insert(
        "status".into(),
        json!({"phase": "Running", "conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(sim.now)}]}),
    );
    api::update(sim, p, "kubelet").unwrap();
}
