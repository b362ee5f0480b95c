//! The world: what the simulated cluster is at one instant. The store, the
//! virtual clock, the seeded RNG, the event log, injected faults and the
//! files on volumes. The API rules (`api.rs`), the simulated processes
//! (`apps/`) and cluster bootstrap work on a `&mut World`; the engine
//! (`engine.rs`) holds one and drives it, as turmoil keeps its `World`
//! apart from the `Sim` that steps it.

use super::object::{Key, Kind};
use super::store::Store;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Cluster shape and timings. Everything here is part of a session's
/// identity: the same config, seed and inputs give the same trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub nodes: usize,
    /// Allocatable CPU per node in millicores.
    pub node_cpu_milli: i64,
    /// Allocatable memory per node in bytes.
    pub node_memory_bytes: i64,
    pub node_max_pods: i64,
    pub timings: Timings,
    /// Feature gates set away from v1.31's defaults (empty: the defaults).
    /// Absent from sessions saved before gates existed.
    #[serde(default)]
    pub feature_gates: super::features::FeatureGates,
}

/// Virtual durations in milliseconds. Plausible defaults; configurable so
/// a lesson can slow down what it wants to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Image pull per container (jittered by up to +50% per pod).
    pub image_pull_ms: u64,
    /// From "Started" to the process being up (probe targets answer).
    pub container_start_ms: u64,
    /// How long an init container runs to completion.
    pub init_container_ms: u64,
    /// How long a container takes to exit after SIGTERM (capped by the grace period).
    pub container_stop_ms: u64,
    /// Dynamic provisioning of a volume.
    pub provision_ms: u64,
    /// `node-monitor-grace-period`: a silent node turns NotReady after this.
    pub node_monitor_grace_ms: u64,
    /// Delay between a change and controllers reacting to it.
    pub controller_delay_ms: u64,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            image_pull_ms: 2_000,
            container_start_ms: 1_000,
            init_container_ms: 2_000,
            container_stop_ms: 2_000,
            provision_ms: 1_000,
            node_monitor_grace_ms: 40_000,
            controller_delay_ms: 0,
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            nodes: 3,
            node_cpu_milli: 4_000,
            node_memory_bytes: 8 * 1024 * 1024 * 1024,
            node_max_pods: 110,
            timings: Timings::default(),
            feature_gates: Default::default(),
        }
    }
}

/// Injected faults that persist until healed. One-shot faults (a crash, a
/// deletion) are applied as writes and leave only events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// Pods (by uid) whose readiness probe fails until healed.
    pub unready_pods: BTreeSet<String>,
    /// Nodes whose kubelet has stopped (machine down).
    pub failed_nodes: BTreeSet<String>,
    /// StorageClasses whose provisioner fails.
    pub broken_classes: BTreeSet<String>,
    /// When each readiness fault began and (once healed) ended, by pod uid,
    /// so the kubelet counts failed probes against `failureThreshold` and
    /// successes against `successThreshold` (see `faults::set_readiness_fault`).
    #[serde(default)]
    pub readiness_fault_window: BTreeMap<String, (u64, Option<u64>)>,
}

/// What happened to the thing an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// An object was created.
    Added,
    /// An object changed (status included).
    Modified,
    /// An object left the store.
    Deleted,
    /// A Kubernetes Event as `kubectl get events` shows it.
    Recorded,
    /// A DNS record appeared or disappeared (see `message`).
    Dns,
    /// A fault was injected or healed.
    Fault,
    /// A user input (kubectl line, Apply) entered the simulation.
    Input,
}

/// One entry of the log: the source of the timeline, the Events list and
/// the UI's animation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the log.
    pub seq: u64,
    /// Virtual milliseconds.
    pub time: u64,
    pub action: Action,
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// Kubernetes' reason word (`SuccessfulCreate`, `Scheduled`, ...) or,
    /// for store changes, `Added`/`Modified`/`Deleted`: a word of the
    /// simulation's own, not copied per entry.
    pub reason: std::borrow::Cow<'static, str>,
    pub message: String,
    pub warning: bool,
    /// Which component wrote it (`statefulset-controller`, `kubelet`, ...):
    /// a name of the simulation's own, not copied per entry.
    pub source: std::borrow::Cow<'static, str>,
    /// A short summary of the object before and after a change (a pod's
    /// phase, readiness and kubectl STATUS when it says more, as in
    /// `Pending (ContainerCreating)`; a claim's phase), where useful.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Event {
    pub fn key(&self) -> Key {
        Key::new(self.kind, &self.namespace, &self.name)
    }
}

/// Something the faces show that the API keeps no record of: a
/// controller waiting on a pod, an eviction a PodDisruptionBudget refused.
/// Notes come from the same steps and inputs as the log, so a replay
/// gives the same notes; they are not part of the trace hash.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// How many log events there were when it was noted.
    pub seq: u64,
    /// Virtual milliseconds.
    pub time: u64,
    pub what: NoteKind,
    /// The pod it is about (the one waited on, the one not evicted).
    pub pod: Key,
    /// The controller's or the API server's words.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A controller began waiting on `pod` for the object `owner` (a
    /// StatefulSet's `waiting for web-0 to be Running and Ready`).
    Waiting { owner: Key },
    /// The controller stopped waiting for `owner`.
    WaitOver { owner: Key },
    /// An eviction of `pod` was refused (a PodDisruptionBudget, 429).
    EvictionRefused,
}

type Rng = rand_pcg::Pcg64Mcg;

/// The PersistentVolume controller's name as an event source.
pub const PV_CONTROLLER: &str = "persistentvolume-controller";
/// Its `resyncPeriod`: the controller manager's `PVClaimBinderSyncPeriod`
/// (`--pvclaimbinder-sync-period`, 15 s by default), every claim and
/// volume synced again (`pv_controller_base.go`'s `resync`).
pub const PV_CONTROLLER_RESYNC_MS: u64 = 15_000;

/// How many recent Kubernetes Events a repeat is looked for among
/// (client-go's `maxLruCacheEntries`).
const EVENT_CACHE: u64 = 4096;

/// A recorded Event's place, packed in one `u64` for
/// [`World::last_recorded`]: how many Events came before it, and its `seq`
/// in the log, 32 bits each (a session of 2^32 log entries would need
/// hundreds of gigabytes).
struct Recorded;

impl Recorded {
    fn pack(nth: u64, seq: u64) -> Option<u64> {
        Some(u64::from(u32::try_from(nth).ok()?) << 32 | u64::from(u32::try_from(seq).ok()?))
    }

    fn unpack(v: u64) -> (u64, u64) {
        (v >> 32, v & u64::from(u32::MAX))
    }
}

/// The cluster's state, apart from the work queue that moves it.
#[derive(Clone, Debug)]
pub struct World {
    pub seed: u64,
    pub config: Config,
    pub store: Store,
    /// Virtual milliseconds since the session began.
    pub now: u64,
    pub faults: Faults,
    /// Files on volumes, by PersistentVolume name then path: what survives
    /// a pod's death is here, not in the pod.
    pub volume_data: BTreeMap<String, BTreeMap<String, String>>,
    /// Small per-pod state of simulated processes (keyed by pod uid), for
    /// what lives in a container and dies with it.
    pub container_data: BTreeMap<String, BTreeMap<String, String>>,
    pub log: Vec<Event>,
    /// Repeats of a recorded Kubernetes Event, by the `seq` of the event
    /// first logged: (times seen in all, virtual time of the last). As
    /// client-go's event correlator does, a repeat bumps the count and the
    /// last timestamp of the Event instead of logging a new one.
    pub event_counts: BTreeMap<u64, (u32, u64)>,
    /// The last Kubernetes Event recorded for each object, so that finding
    /// a repeat is a look-up rather than a scan of the log: how many Events
    /// were recorded before it in the high half, its `seq` in the low half
    /// ([`Recorded`]; a map of pairs would be a map type of its own, 291
    /// bytes of the page's first load). It follows `log`: a snapshot's
    /// copy matches the log prefix it is restored with.
    last_recorded: BTreeMap<Key, u64>,
    /// How many Kubernetes Events have been recorded (repeats not counted).
    events_recorded: u64,
    /// What the faces show beside the log (controller waits, refused
    /// evictions); see [`Note`].
    pub notes: Vec<Note>,
    /// When each deleted Node left the store (until one of that name is
    /// created again): pod GC's quarantine counts from it, the memory that
    /// upstream's `nodeQueue.AddAfter(quarantineTime)` keeps in process.
    pub departed_nodes: BTreeMap<String, u64>,
    rng: Rng,
}

impl World {
    /// An empty world: no objects, the clock at 0, the RNG seeded.
    pub fn new(seed: u64, config: Config) -> World {
        World {
            seed,
            config,
            store: Store::default(),
            now: 0,
            faults: Faults::default(),
            volume_data: BTreeMap::new(),
            container_data: BTreeMap::new(),
            log: Vec::new(),
            event_counts: BTreeMap::new(),
            last_recorded: BTreeMap::new(),
            events_recorded: 0,
            notes: Vec::new(),
            departed_nodes: BTreeMap::new(),
            rng: Rng::seed_from_u64(seed),
        }
    }

    // ---- randomness -------------------------------------------------

    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A uid in the API server's UUID shape.
    pub fn new_uid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// A suffix as the API server appends to `generateName` (5 characters
    /// from its consonant-and-digit alphabet).
    pub fn random_suffix(&mut self, len: usize) -> String {
        const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len)
            .map(|_| ALPHANUMS[(self.next_u64() % ALPHANUMS.len() as u64) as usize] as char)
            .collect()
    }

    // ---- the log ----------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &mut self,
        action: Action,
        key: &Key,
        reason: impl Into<std::borrow::Cow<'static, str>>,
        message: String,
        warning: bool,
        source: &'static str,
        before: Option<String>,
        after: Option<String>,
    ) {
        // An Event comes through `record_event`, which keeps its object's
        // last Event up to date.
        self.log.push(Event {
            seq: self.log.len() as u64,
            time: self.now,
            action,
            kind: key.kind,
            namespace: key.namespace.clone(),
            name: key.name.clone(),
            reason: reason.into(),
            message,
            warning,
            source: source.into(),
            before,
            after,
        });
    }

    /// A Kubernetes Event. A repeat of the last one recorded for the same
    /// object is dropped, as the event recorder aggregates repeats.
    pub fn record_event(
        &mut self,
        key: &Key,
        warning: bool,
        reason: impl Into<std::borrow::Cow<'static, str>>,
        message: String,
        source: &'static str,
    ) {
        let reason = reason.into();
        // The last Event of this object, if it says the same and is among
        // the last 4,096 Events: client-go's correlator finds a repeat in an
        // LRU cache of that many (`maxLruCacheEntries`). Ordinal compares
        // with the object's last Event only. A window of log entries (every
        // write is one) missed the repeats of a large rollout: a thousand
        // pods stopping logged each pod's Killing three times.
        let window = self.events_recorded.saturating_sub(EVENT_CACHE);
        // One search of the object's entry, for the repeat and the update.
        let last = self.last_recorded.get_mut(key);
        let repeat = last
            .as_deref()
            .map(|&v| Recorded::unpack(v))
            .filter(|&(nth, _)| nth >= window)
            .and_then(|(_, seq)| self.log.get(seq as usize))
            .filter(|e| e.reason == reason && e.message == message)
            .map(|e| e.seq);
        if let Some(seq) = repeat {
            // Controllers re-derive their events on every pass; several
            // passes at one instant are one occurrence.
            let now = self.now;
            let first_time = self.log[seq as usize].time;
            let c = self.event_counts.entry(seq).or_insert((1, first_time));
            // The PV controller says a claim's waiting events again on
            // each sync, and upstream syncs it on its changes and every
            // 15 s resync; Ordinal's passes come with any change in the
            // cluster, so a repeat counts once per resync period.
            let resynced = source != PV_CONTROLLER || now >= c.1 + PV_CONTROLLER_RESYNC_MS;
            if c.1 != now && resynced {
                *c = (c.0 + 1, now);
            }
            return;
        }
        // Most objects have had an Event before: their entry is updated in
        // place rather than the key copied for an insert that replaces.
        let seq = self.log.len() as u64;
        match (Recorded::pack(self.events_recorded, seq), last) {
            (Some(v), Some(l)) => *l = v,
            (Some(v), None) => {
                self.last_recorded.insert(key.clone(), v);
            }
            // Past 2^32 log entries no repeat is looked for (an older
            // Event is not the object's last).
            (None, _) => {
                self.last_recorded.remove(key);
            }
        }
        self.events_recorded += 1;
        self.record(
            Action::Recorded,
            key,
            reason,
            message,
            warning,
            source,
            None,
            None,
        );
    }

    /// How many times a recorded Kubernetes Event was seen and when last
    /// (its `count` and `lastTimestamp`).
    pub fn event_count(&self, e: &Event) -> (u32, u64) {
        self.event_counts
            .get(&e.seq)
            .copied()
            .unwrap_or((1, e.time))
    }

    /// Adds a [`Note`] at the current time.
    pub(crate) fn note(&mut self, what: NoteKind, pod: Key, message: String) {
        self.notes.push(Note {
            seq: self.log.len() as u64,
            time: self.now,
            what,
            pod,
            message,
        });
    }
}
// Heap estimates of the world (sim::heap; counted for snapshots).
impl crate::sim::heap::Heap for Faults {
    fn heap(&self) -> usize {
        self.unready_pods.heap()
            + self.failed_nodes.heap()
            + self.broken_classes.heap()
            + self.readiness_fault_window.heap()
    }
}

impl crate::sim::heap::Heap for Config {
    fn heap(&self) -> usize {
        self.feature_gates.heap()
    }
}

impl crate::sim::heap::Heap for NoteKind {
    fn heap(&self) -> usize {
        match self {
            NoteKind::Waiting { owner } | NoteKind::WaitOver { owner } => owner.heap(),
            NoteKind::EvictionRefused => 0,
        }
    }
}

impl crate::sim::heap::Heap for Note {
    fn heap(&self) -> usize {
        self.what.heap() + self.pod.heap() + self.message.heap()
    }
}

impl crate::sim::heap::Heap for World {
    /// All but the objects' `Arc` targets (see [`Store::heap_private`])
    /// and the event log's contents (a snapshot keeps no log): its
    /// capacity only.
    ///
    /// [`Store::heap_private`]: crate::sim::store::Store::heap_private
    fn heap(&self) -> usize {
        self.config.heap()
            + self.store.heap_private()
            + self.faults.heap()
            + self.volume_data.heap()
            + self.container_data.heap()
            + self.log.capacity() * size_of::<Event>()
            + self.event_counts.heap()
            + self.last_recorded.heap()
            + self.notes.heap()
            + self.departed_nodes.heap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(w: &World, name: &str) -> Vec<(u64, u32)> {
        w.log
            .iter()
            .filter(|e| e.action == Action::Recorded && e.name == name)
            .map(|e| (e.seq, w.event_count(e).0))
            .collect()
    }

    /// A repeat is found among the last 4,096 Events however many writes
    /// were logged between (a large rollout logs thousands), and is a new
    /// Event once that many others came after it.
    #[test]
    fn a_repeat_is_counted_among_the_last_4096_events_whatever_was_logged_between() {
        let mut w = World::new(1, Config::default());
        let pod = |n: usize| Key::new(Kind::Pod, "default", &format!("p-{n}"));
        let kill = |w: &mut World, n: usize| {
            w.record_event(
                &pod(n),
                false,
                "Killing",
                "Stopping container c".into(),
                "kubelet",
            )
        };
        kill(&mut w, 0);
        // Writes and other pods' Events: more log entries than Events.
        for n in 1..2_000 {
            let k = pod(n);
            w.record(
                Action::Modified,
                &k,
                "Modified",
                "updated".into(),
                false,
                "kubelet",
                None,
                None,
            );
            kill(&mut w, n);
        }
        w.now = 1_000;
        kill(&mut w, 0);
        assert_eq!(recorded(&w, "p-0"), [(0, 2)], "counted, not logged again");

        for n in 2_000..2_000 + EVENT_CACHE as usize {
            kill(&mut w, n);
        }
        w.now = 2_000;
        kill(&mut w, 0);
        let p0 = recorded(&w, "p-0");
        assert_eq!(p0.len(), 2, "out of the cache: a new Event {p0:?}");
        assert_eq!(p0[1].1, 1);
    }
}
