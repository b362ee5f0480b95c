//! Fixtures shared by the core's unit tests: one place for driving
//! controllers by hand and for the objects tests build, instead of a copy
//! per test module. Compiled for tests only.

use crate::sim::controllers::SyncFn;
use crate::sim::engine::Sim;

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
