//! Controllers: each is a pure sync over the store that returns writes,
//! like upstream's reconcile loops. The engine applies the writes (through
//! the API rules) and logs them; faults are injected there, never here.

use super::engine::{Config, Faults};
use super::object::{Key, Object};
use super::store::Store;

pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod gc;
pub mod kubelet;
pub mod nodes;
pub mod replication;
pub mod scheduler;
pub mod statefulset;
pub mod volume;

/// What a controller sees: the store at this instant and the clock.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub now: u64,
    pub config: &'a Config,
    pub faults: &'a Faults,
}

/// How a deletion treats dependents (`--cascade`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// Create; `meta.generate_name` is honoured, uid, resourceVersion and
    /// creationTimestamp are stamped by the API layer.
    Create(Object),
    /// Replace an existing object (spec, status, metadata). A no-op update
    /// is dropped without an event.
    Update(Object),
    /// Delete. `grace_seconds: None` uses the object's own default (a
    /// pod's `terminationGracePeriodSeconds`); `Some(0)` removes at once.
    /// `uid` guards against deleting a newer object of the same name.
    Delete {
        key: Key,
        grace_seconds: Option<i64>,
        propagation: Propagation,
        uid: Option<String>,
    },
    /// A Kubernetes Event about an object.
    Event {
        regarding: Key,
        warning: bool,
        reason: String,
        message: String,
    },
}

#[derive(Debug, Default)]
pub struct Out {
    pub writes: Vec<Write>,
    /// Earliest virtual time this controller wants to run again even if
    /// nothing changes (timers: image pulls, probes, grace periods).
    pub wake_at: Option<u64>,
    /// What the controller found itself waiting on, per object it synced
    /// (a StatefulSet: the pod and why), or `None` when it is not waiting.
    /// Not a write: the engine keeps it as a note for the faces.
    pub waiting: Vec<(Key, Option<(String, String)>)>,
}

impl Out {
    pub fn create(&mut self, o: Object) {
        self.writes.push(Write::Create(o));
    }
    pub fn update(&mut self, o: Object) {
        self.writes.push(Write::Update(o));
    }
    pub fn delete(&mut self, o: &Object) {
        self.writes.push(Write::Delete {
            key: o.key(),
            grace_seconds: None,
            propagation: Propagation::Background,
            uid: Some(o.meta.uid.clone()),
        });
    }
    pub fn event(
        &mut self,
        regarding: &Object,
        warning: bool,
        reason: &str,
        message: impl Into<String>,
    ) {
        self.writes.push(Write::Event {
            regarding: regarding.key(),
            warning,
            reason: reason.to_string(),
            message: message.into(),
        });
    }
    pub fn wake(&mut self, at: u64) {
        self.wake_at = Some(self.wake_at.map_or(at, |w| w.min(at)));
    }
}

pub type SyncFn = fn(&Ctx, &mut Out);

/// Every controller, in the order a tie in time runs them.
pub const ALL: &[(&str, SyncFn)] = &[
    ("garbage-collector", gc::sync),
    ("statefulset-controller", statefulset::sync),
    ("replication-controller", replication::sync),
    ("deployment-controller", deployment::sync),
    ("daemonset-controller", daemonset::sync),
    ("persistentvolume-controller", volume::sync),
    ("pvc-protection-controller", volume::sync_pvc_protection),
    ("pv-protection-controller", volume::sync_pv_protection),
    ("default-scheduler", scheduler::sync),
    ("kubelet", kubelet::sync),
    ("endpoint-controller", endpoints::sync),
    ("node-lifecycle-controller", nodes::sync),
    ("disruption-controller", disruption::sync),
];

/// Test driver: runs the given controllers in rounds until a round changes
/// nothing, returning the last wake-up any of them asked for. Panics after
/// `max_rounds`, since a controller that never settles is a bug.
#[cfg(test)]
pub(crate) fn converge(
    sim: &mut super::engine::Sim,
    syncs: &[(&str, SyncFn)],
    max_rounds: usize,
) -> Option<u64> {
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
