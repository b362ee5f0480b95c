//! Controllers: each is a pure sync over the store that returns writes,
//! like upstream's reconcile loops. The engine applies the writes (through
//! the API rules) and logs them; faults are injected there, never here.

pub use super::api::{Propagation, Write};
use super::object::{Key, Kind, Object};
use super::store::{Change, Store};
use super::world::{Config, Faults};
use std::collections::BTreeMap;

pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod gc;
pub mod kubelet;
pub mod namespace;
pub mod nodes;
pub mod ref_manager;
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
    /// When each deleted node left (see `World::departed_nodes`).
    pub departed_nodes: &'a BTreeMap<String, u64>,
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
    /// Keyed syncs only: each key synced, whether it wrote anything, and
    /// when it asked to be woken (see [`Out::key_begin`]). A sync may sync
    /// more keys than it was given (see the kubelet's shared pulls).
    pub keys: Vec<KeyResult>,
    /// The key being synced asked to be retried a while after *now*
    /// ([`Out::retry_at`]): its next sync wakes later, so it stays dirty.
    retrying: bool,
    /// The key being synced wrote what settles it ([`Out::settle`]).
    settles: bool,
}

/// What one key's sync came to, for the engine's dirty sets.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResult {
    pub key: Key,
    /// It wrote something (an object, an Event) or retries: it stays dirty.
    pub emitted: bool,
    /// It wrote, and its writes settle it ([`Out::settle`]): once they
    /// are applied, it is clean.
    pub settled: bool,
    /// Its writes, as positions in [`Out::writes`].
    pub writes: std::ops::Range<usize>,
    pub wake_at: Option<u64>,
}

/// Where a key's sync started in an [`Out`].
pub struct KeyMark {
    writes: usize,
    wake_at: Option<u64>,
    retrying: bool,
    settles: bool,
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
        reason: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) {
        self.writes.push(Write::Event {
            regarding: regarding.key(),
            warning,
            reason: reason.into(),
            message: message.into(),
        });
    }
    pub fn wake(&mut self, at: u64) {
        self.wake_at = Some(self.wake_at.map_or(at, |w| w.min(at)));
    }
    /// A wake counted from now (a retry with back-off): every sync of the
    /// key pushes it later, so a keyed sync keeps the key dirty.
    pub fn retry_at(&mut self, at: u64) {
        self.retrying = true;
        self.wake(at);
    }
    /// The key's result may change with time alone, with no timer to say
    /// when (an availability counted against `minReadySeconds`): a keyed
    /// sync keeps it dirty, and the wake-up is left as it is.
    pub fn unsettled(&mut self) {
        self.retrying = true;
    }
    /// The writes of the key being synced settle it: a sync of the key
    /// against the store with them applied (and nothing else changed)
    /// would write nothing. The engine then does not run that sync for
    /// them: not because the key wrote, nor for their own changes coming
    /// back through the controller's route (upstream's handlers queue a
    /// controller's own status writes; that sync finds nothing to do). A
    /// refused write leaves the key dirty as before. The suite's shadow
    /// full syncs check every such claim.
    pub fn settle(&mut self) {
        self.settles = true;
    }
    /// What the key begun at `mark` has written so far.
    pub fn written_since(&self, mark: &KeyMark) -> &[Write] {
        &self.writes[mark.writes..]
    }
    /// Starts one key's sync: its writes and wake are told apart from the
    /// rest of the pass until [`Out::key_end`].
    pub fn key_begin(&mut self) -> KeyMark {
        KeyMark {
            writes: self.writes.len(),
            wake_at: self.wake_at.take(),
            retrying: std::mem::take(&mut self.retrying),
            settles: std::mem::take(&mut self.settles),
        }
    }
    /// Ends one key's sync begun with `mark`, noting what it came to.
    pub fn key_end(&mut self, mark: KeyMark, key: impl FnOnce() -> Key) {
        let wake_at = self.wake_at;
        let wrote = self.writes.len() > mark.writes;
        self.keys.push(KeyResult {
            key: key(),
            emitted: wrote || self.retrying,
            settled: wrote && self.settles && !self.retrying,
            writes: mark.writes..self.writes.len(),
            wake_at,
        });
        self.retrying = mark.retrying;
        self.settles = mark.settles;
        if let Some(w) = mark.wake_at {
            self.wake(w);
        }
    }
}

impl Out {
    /// Ends one key's sync like [`Out::key_end`], but notes the key only
    /// when it wrote, retries or asked for a wake-up. For a controller that
    /// keeps no timers per key (the scheduler), a clean key's note says
    /// nothing the engine needs, and a pass over a thousand pending pods
    /// need not make a thousand.
    pub fn key_end_if_busy(&mut self, mark: KeyMark, key: impl FnOnce() -> Key) {
        if self.writes.len() > mark.writes || self.retrying || self.wake_at.is_some() {
            self.key_end(mark, key);
        } else {
            self.retrying = mark.retrying;
            self.settles = mark.settles;
            self.wake_at = mark.wake_at;
        }
    }
}

/// Which keys a keyed sync covers: every key of its kinds (a full sync)
/// or only these.
#[derive(Clone, Copy)]
pub enum Keys<'a> {
    All,
    /// Sorted, each key once.
    Only(&'a [Key]),
}

impl Keys<'_> {
    pub fn has(&self, key: &Key) -> bool {
        match self {
            Keys::All => true,
            Keys::Only(set) => set.binary_search(key).is_ok(),
        }
    }
}

impl<'a> Keys<'a> {
    /// The objects of `kind` to sync, in store order: every one for a full
    /// sync, else those of the keys that still exist.
    pub fn objects<'s>(&self, store: &'s Store, kind: Kind) -> Vec<&'s Object> {
        match self {
            Keys::All => store.list(kind).collect(),
            Keys::Only(set) => set
                .iter()
                .filter(|k| k.kind == kind)
                .filter_map(|k| store.get_key(k))
                .collect(),
        }
    }
}

/// A route: the store, the change, the changed object as it is now (`None`
/// when it is gone), and where to push the keys it concerns.
pub type Route = fn(&Store, &Change, Option<&Object>, &mut dyn FnMut(Key));

/// A controller that syncs per key, as upstream's work queues do: `route`
/// maps a store change (its key, the object before, and the object now, as
/// upstream's event handlers get `old, new`) to the keys it concerns (a pod
/// to its owner, ...), and `sync` syncs the keys asked for. `sync(ctx, Keys::All, out)` is the
/// full sync, and for the keys it is given a keyed sync writes exactly what
/// the full sync writes for them; a key whose last sync wrote nothing and
/// whose inputs have not changed writes nothing (the engine checks both
/// under `debug_assertions`).
#[derive(Clone, Copy)]
pub struct Keyed {
    pub route: Route,
    pub sync: fn(&Ctx, Keys, &mut Out),
}

/// The keyed form of a controller in [`ALL`], by name.
pub fn keyed(name: &str) -> Option<Keyed> {
    match name {
        "garbage-collector" => Some(Keyed {
            route: gc::route,
            sync: gc::sync_keys,
        }),
        "statefulset-controller" => Some(Keyed {
            route: statefulset::route,
            sync: statefulset::sync_keys,
        }),
        "endpoint-controller" => Some(Keyed {
            route: endpoints::route,
            sync: endpoints::sync_keys,
        }),
        "persistentvolume-controller" => Some(Keyed {
            route: volume::route,
            sync: volume::sync_keys,
        }),
        "pvc-protection-controller" => Some(Keyed {
            route: volume::route_pvc_protection,
            sync: volume::sync_pvc_protection_keys,
        }),
        "pv-protection-controller" => Some(Keyed {
            route: volume::route_pv_protection,
            sync: volume::sync_pv_protection_keys,
        }),
        "node-lifecycle-controller" => Some(Keyed {
            route: nodes::route,
            sync: nodes::sync_keys,
        }),
        "replication-controller" => Some(Keyed {
            route: replication::route,
            sync: replication::sync_keys,
        }),
        "deployment-controller" => Some(Keyed {
            route: deployment::route,
            sync: deployment::sync_keys,
        }),
        "daemonset-controller" => Some(Keyed {
            route: daemonset::route,
            sync: daemonset::sync_keys,
        }),
        "disruption-controller" => Some(Keyed {
            route: disruption::route,
            sync: disruption::sync_keys,
        }),
        "default-scheduler" => Some(Keyed {
            route: scheduler::route,
            sync: scheduler::sync_keys,
        }),
        "kubelet" => Some(Keyed {
            route: kubelet::route,
            sync: kubelet::sync_keys,
        }),
        _ => None,
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
