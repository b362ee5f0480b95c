//! The engine: virtual clock, an ordered queue of controller syncs, one
//! seeded RNG, the event log and the journal that makes replay possible.
//!
//! A step pops the earliest `(time, seq)` entry and runs that controller's
//! sync once; the writes it returns are applied through the API rules in
//! `api.rs`, each becoming an [`Event`]. Any applied write queues every
//! controller again (level-triggered, like informers waking workers), and a
//! controller can ask to be woken at a later time (kubelet timers, probes).

use super::controllers::{self, Ctx, Out, Write};
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
    /// for store changes, `Added`/`Modified`/`Deleted`.
    pub reason: String,
    pub message: String,
    pub warning: bool,
    /// Which component wrote it (`statefulset-controller`, `kubelet`, ...).
    pub source: String,
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

/// What the user (or a script) did. The journal of these, with steps and
/// clock moves between them, replays a session exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// A kubectl command line, with the contents of files it named.
    Kubectl {
        line: String,
        files: Vec<(String, String)>,
    },
    /// Apply (or delete, when `delete`) a manifest buffer, as the editor does.
    Manifest { text: String, delete: bool },
    /// Inject or heal a fault (`fault pod web-1 delete`, ...).
    Fault(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum JournalEntry {
    Steps(u64),
    AdvanceTo(u64),
    Input(Input),
}

type Rng = rand_pcg::Pcg64Mcg;

#[derive(Clone, Debug)]
pub struct Sim {
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
    /// What the faces show beside the log (controller waits, refused
    /// evictions); see [`Note`].
    pub notes: Vec<Note>,
    /// What each controller-owned object is waiting on now, to note changes.
    waiting: BTreeMap<Key, (String, String)>,
    /// The DNS records as of the last step, to log changes.
    pub(crate) dns_records: BTreeSet<super::dns::Record>,
    /// What the records were computed from; most steps change neither
    /// Services nor Endpoints, and then the zone is not recomputed.
    dns_fingerprint: Option<u64>,
    rng: Rng,
    queue: BTreeSet<(u64, u64, usize)>,
    /// Earliest queued time per controller, so a burst of writes queues a
    /// controller once.
    queued_at: Vec<Option<u64>>,
    seq: u64,
    steps: u64,
    journal: Vec<JournalEntry>,
    /// While replaying, inputs are not journaled twice.
    replaying: bool,
}

impl Sim {
    pub fn new(seed: u64) -> Sim {
        Sim::with_config(seed, Config::default())
    }

    pub fn with_config(seed: u64, config: Config) -> Sim {
        let mut sim = Sim {
            seed,
            config,
            store: Store::default(),
            now: 0,
            faults: Faults::default(),
            volume_data: BTreeMap::new(),
            container_data: BTreeMap::new(),
            log: Vec::new(),
            event_counts: BTreeMap::new(),
            notes: Vec::new(),
            waiting: BTreeMap::new(),
            dns_records: BTreeSet::new(),
            dns_fingerprint: None,
            rng: Rng::seed_from_u64(seed),
            queue: BTreeSet::new(),
            queued_at: vec![None; controllers::ALL.len()],
            seq: 0,
            steps: 0,
            journal: Vec::new(),
            replaying: false,
        };
        super::cluster::bootstrap(&mut sim);
        sim
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
        reason: &str,
        message: String,
        warning: bool,
        source: &str,
        before: Option<String>,
        after: Option<String>,
    ) {
        let seq = self.log.len() as u64;
        self.log.push(Event {
            seq,
            time: self.now,
            action,
            kind: key.kind,
            namespace: key.namespace.clone(),
            name: key.name.clone(),
            reason: reason.to_string(),
            message,
            warning,
            source: source.to_string(),
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
        reason: &str,
        message: String,
        source: &str,
    ) {
        let repeat = self
            .log
            .iter()
            .rev()
            .take(500)
            .find(|e| e.action == Action::Recorded && e.key() == *key)
            .filter(|e| e.reason == reason && e.message == message)
            .map(|e| e.seq);
        if let Some(seq) = repeat {
            // Controllers re-derive their events on every pass; several
            // passes at one instant are one occurrence.
            let now = self.now;
            let first_time = self.log[seq as usize].time;
            let c = self.event_counts.entry(seq).or_insert((1, first_time));
            if c.1 != now {
                *c = (c.0 + 1, now);
            }
        } else {
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
    }

    /// How many times a recorded Kubernetes Event was seen and when last
    /// (its `count` and `lastTimestamp`).
    pub fn event_count(&self, e: &Event) -> (u32, u64) {
        self.event_counts
            .get(&e.seq)
            .copied()
            .unwrap_or((1, e.time))
    }

    // ---- the queue ----------------------------------------------------

    /// Queues every controller at `now + controller_delay`.
    pub(crate) fn touch(&mut self) {
        let at = self.now + self.config.timings.controller_delay_ms;
        for i in 0..controllers::ALL.len() {
            self.enqueue(i, at);
        }
    }

    fn enqueue(&mut self, controller: usize, at: u64) {
        if let Some(t) = self.queued_at[controller] {
            if t <= at {
                return;
            }
            self.queue.retain(|&(_, _, c)| c != controller);
        }
        self.seq += 1;
        self.queue.insert((at, self.seq, controller));
        self.queued_at[controller] = Some(at);
    }

    /// Virtual time of the next queued sync.
    pub fn next_time(&self) -> Option<u64> {
        self.queue.first().map(|&(t, _, _)| t)
    }

    pub fn pending(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Runs the next queued controller sync. Returns false when nothing is queued.
    pub fn step(&mut self) -> bool {
        if !self.step_inner() {
            return false;
        }
        if !self.replaying {
            match self.journal.last_mut() {
                Some(JournalEntry::Steps(n)) => *n += 1,
                _ => self.journal.push(JournalEntry::Steps(1)),
            }
        }
        true
    }

    /// Whether any controller sync is queued.
    fn has_work(&self) -> bool {
        !self.queue.is_empty()
    }

    fn step_inner(&mut self) -> bool {
        let Some((at, seq, c)) = self.queue.pop_first() else {
            return false;
        };
        let _ = seq;
        self.queued_at[c] = None;
        self.now = self.now.max(at);
        self.steps += 1;
        let (name, sync) = controllers::ALL[c];
        if let Some(t) = self.run_sync(name, sync) {
            self.enqueue(c, t.max(self.now));
        }
        true
    }

    /// What one controller sync would write against the store as it is now.
    pub fn sync_once(&self, sync: controllers::SyncFn) -> Out {
        let ctx = Ctx {
            store: &self.store,
            now: self.now,
            config: &self.config,
            faults: &self.faults,
        };
        let mut out = Out::default();
        sync(&ctx, &mut out);
        out
    }

    /// Runs one controller sync and applies its writes as `source`,
    /// returning when it asked to be woken. The queue is left alone, so
    /// tests can drive a controller by hand.
    pub fn run_sync(&mut self, source: &str, sync: controllers::SyncFn) -> Option<u64> {
        let out = self.sync_once(sync);
        self.apply_writes(source, out.writes);
        for (owner, blocked) in out.waiting {
            self.note_waiting(owner, blocked);
        }
        // An owner that is gone waits for nothing.
        let gone: Vec<Key> = self
            .waiting
            .keys()
            .filter(|k| self.store.get_key(k).is_none())
            .cloned()
            .collect();
        for k in gone {
            self.note_waiting(k, None);
        }
        out.wake_at
    }

    /// Notes a change in what `owner`'s controller waits on.
    fn note_waiting(&mut self, owner: Key, blocked: Option<(String, String)>) {
        if self.waiting.get(&owner) == blocked.as_ref() {
            return;
        }
        let (pod, what, message) = match (&blocked, self.waiting.get(&owner)) {
            (Some((pod, why)), _) => (
                pod.clone(),
                NoteKind::Waiting {
                    owner: owner.clone(),
                },
                why.clone(),
            ),
            (None, Some((pod, why))) => (
                pod.clone(),
                NoteKind::WaitOver {
                    owner: owner.clone(),
                },
                format!("no longer {why}"),
            ),
            (None, None) => return,
        };
        let pod = Key::new(Kind::Pod, &owner.namespace, &pod);
        self.note(what, pod, message);
        match blocked {
            Some(b) => self.waiting.insert(owner, b),
            None => self.waiting.remove(&owner),
        };
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

    /// Applies controller writes through the API rules, logging each.
    pub(crate) fn apply_writes(&mut self, source: &str, writes: Vec<Write>) {
        let mut changed = false;
        for w in writes {
            changed |= super::api::apply_write(self, source, w);
        }
        if changed {
            self.touch();
            self.refresh_dns();
        }
    }

    /// Recomputes the DNS view and logs each record that came or went.
    pub(crate) fn refresh_dns(&mut self) {
        let fp = super::dns::fingerprint(&self.store);
        if self.dns_fingerprint == Some(fp) {
            return;
        }
        self.dns_fingerprint = Some(fp);
        let now = super::dns::records(&self.store);
        if now == self.dns_records {
            return;
        }
        let old = std::mem::take(&mut self.dns_records);
        for r in old.difference(&now) {
            let key = r.service_key();
            self.record(
                Action::Dns,
                &key,
                "Removed",
                r.to_string(),
                false,
                "kube-dns",
                Some(r.to_string()),
                None,
            );
        }
        for r in now.difference(&old) {
            let key = r.service_key();
            self.record(
                Action::Dns,
                &key,
                "Added",
                r.to_string(),
                false,
                "kube-dns",
                None,
                Some(r.to_string()),
            );
        }
        self.dns_records = now;
    }

    /// Moves the clock forward by `ms`, running every sync that falls due.
    pub fn advance(&mut self, ms: u64) {
        self.advance_to(self.now.saturating_add(ms));
    }

    pub fn advance_to(&mut self, t: u64) {
        while self.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        if t > self.now {
            self.now = t;
            if !self.replaying {
                self.journal.push(JournalEntry::AdvanceTo(t));
            }
        }
    }

    /// Runs until nothing is queued or `max_steps` steps have run. Returns
    /// true when it settled. Controllers that wake themselves (probes) may
    /// keep a queue forever; `settle_for` bounds by time instead.
    pub fn settle(&mut self, max_steps: u64) -> bool {
        for _ in 0..max_steps {
            if !self.step() {
                return true;
            }
        }
        !self.pending()
    }

    /// Runs due work for up to `ms` of virtual time, stopping early when
    /// the queue is empty. Returns the virtual time reached.
    pub fn settle_for(&mut self, ms: u64) -> u64 {
        let end = self.now.saturating_add(ms);
        while let Some(t) = self.next_time() {
            if t > end {
                break;
            }
            self.step();
        }
        self.now
    }

    // ---- inputs and replay ---------------------------------------------

    /// Journals an input. The faces call this through `Sim::input`.
    pub(crate) fn journal_input(&mut self, input: &Input) {
        if !self.replaying {
            self.journal.push(JournalEntry::Input(input.clone()));
        }
    }

    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    pub fn steps_taken(&self) -> u64 {
        self.steps
    }

    /// A stable fingerprint of the session's trace: the event log and every
    /// object (in store order) as JSON, plus the clock, hashed with 64-bit
    /// FNV-1a and printed as 16 hex digits. Written out here rather than
    /// taken from `std::hash`, whose output may differ between Rust versions
    /// and targets; this is what proves native and wasm runs agree.
    pub fn trace_hash(&self) -> String {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h = OFFSET;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(PRIME);
            }
        };
        feed(
            serde_json::to_string(&self.log)
                .unwrap_or_default()
                .as_bytes(),
        );
        for o in self.store.iter() {
            feed(b"\n");
            feed(
                serde_json::to_string(&o.to_value())
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
        feed(format!("\nnow={}", self.now).as_bytes());
        format!("{h:016x}")
    }

    /// Rebuilds a session from its seed, config and journal. With
    /// `stop_at_event`, replay stops as soon as the log holds that many
    /// events; the journal then holds only what was replayed, so new inputs
    /// start a new branch of history from that point.
    pub fn replay(
        seed: u64,
        config: Config,
        journal: &[JournalEntry],
        stop_at_event: Option<usize>,
    ) -> Sim {
        Sim::resume(
            Sim::with_config(seed, config),
            journal,
            stop_at_event,
            &mut |_| {},
        )
    }

    /// Goes on replaying `journal` from where `sim` stands: its own journal
    /// must be a prefix of `journal` (its last `Steps` may be partly run),
    /// as a snapshot taken along the same history has. `checkpoint` sees
    /// the sim after each step and entry (the session snapshots there).
    pub fn resume(
        mut sim: Sim,
        journal: &[JournalEntry],
        stop_at_event: Option<usize>,
        checkpoint: &mut dyn FnMut(&Sim),
    ) -> Sim {
        sim.replaying = true;
        let done = |s: &Sim| stop_at_event.is_some_and(|n| s.log.len() >= n);
        // A `Steps` entry the snapshot was taken in the middle of goes on
        // where it stopped. Entries are journaled as they replay, so a
        // checkpoint's sim carries the journal that led to it.
        let mut start = sim.journal.len();
        let mut partial = false;
        if let (Some(JournalEntry::Steps(m)), Some(JournalEntry::Steps(n))) = (
            sim.journal.last(),
            start.checked_sub(1).and_then(|i| journal.get(i)),
        ) {
            if m < n {
                partial = true;
                start -= 1;
            }
        }
        'outer: for entry in journal.get(start..).unwrap_or_default() {
            if done(&sim) {
                break;
            }
            match entry {
                JournalEntry::Steps(n) => {
                    if !std::mem::take(&mut partial) {
                        sim.journal.push(JournalEntry::Steps(0));
                    }
                    loop {
                        let ran = match sim.journal.last() {
                            Some(JournalEntry::Steps(ran)) => *ran,
                            _ => break 'outer,
                        };
                        if ran >= *n {
                            break;
                        }
                        if done(&sim) {
                            break 'outer;
                        }
                        if !sim.has_work() {
                            // Nothing left to run: the remaining steps
                            // would do nothing (a damaged or hand-made
                            // journal can ask for billions).
                            if let Some(JournalEntry::Steps(ran)) = sim.journal.last_mut() {
                                *ran = *n;
                            }
                            break;
                        }
                        if let Some(JournalEntry::Steps(ran)) = sim.journal.last_mut() {
                            *ran += 1;
                        }
                        sim.step_inner();
                        checkpoint(&sim);
                    }
                }
                JournalEntry::AdvanceTo(t) => {
                    sim.now = sim.now.max(*t);
                    sim.journal.push(entry.clone());
                }
                JournalEntry::Input(i) => {
                    let _ = sim.input(i.clone());
                    sim.journal.push(entry.clone());
                    checkpoint(&sim);
                }
            }
        }
        sim.replaying = false;
        sim
    }

    /// Applies a user input: the only way in for the faces. The returned
    /// text is what a terminal would show; `Err` for a failed command.
    pub fn input(&mut self, input: Input) -> Result<String, String> {
        self.journal_input(&input);
        // Inputs are about no object in particular; the UI shows them by action.
        let key = Key::new(Kind::Namespace, "", "");
        let label = match &input {
            Input::Kubectl { line, .. } => line.clone(),
            Input::Manifest { delete: false, .. } => "apply manifest".to_string(),
            Input::Manifest { delete: true, .. } => "delete manifest".to_string(),
            Input::Fault(f) => format!("fault {f}"),
        };
        self.record(
            Action::Input,
            &key,
            "Input",
            label,
            false,
            "user",
            None,
            None,
        );
        // Commands that run the clock themselves (`rollout status`, `run`,
        // `drain` retries) replay as part of their input, so their steps
        // are not journaled separately.
        let was_replaying = std::mem::replace(&mut self.replaying, true);
        let result = match input {
            Input::Kubectl { line, files } => super::kubectl::run(self, &line, &files),
            Input::Manifest { text, delete } => super::kubectl::apply_text(self, &text, delete),
            Input::Fault(spec) => super::faults::inject(self, &spec),
        };
        self.replaying = was_replaying;
        self.touch();
        self.refresh_dns();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(seed: u64) -> Sim {
        let mut sim = Sim::new(seed);
        let _ = sim.input(Input::Kubectl {
            line: "kubectl create deployment web --image=nginx --replicas=2".into(),
            files: Default::default(),
        });
        sim.settle_for(30_000);
        sim
    }

    #[test]
    fn trace_hash_is_stable_and_follows_the_seed() {
        let a = session(7);
        let b = session(7);
        let h = a.trace_hash();
        assert_eq!(h.len(), 16);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(h, b.trace_hash());
        // Replaying the journal gives the same trace.
        let r = Sim::replay(7, Config::default(), a.journal(), None);
        assert_eq!(r.log.len(), a.log.len());
        assert_eq!(h, r.trace_hash());
        // Another seed gives other uids and generated names.
        assert_ne!(h, session(8).trace_hash());
        // So does a different history under the same seed.
        let mut c = session(7);
        let _ = c.input(Input::Kubectl {
            line: "kubectl scale deployment web --replicas=3".into(),
            files: Default::default(),
        });
        assert_ne!(h, c.trace_hash());
    }

    #[test]
    fn uids_and_suffixes_come_from_the_seed() {
        let mut a = Sim::new(7);
        let mut b = Sim::new(7);
        assert_eq!(a.new_uid(), b.new_uid());
        assert_eq!(a.random_suffix(5), b.random_suffix(5));
        let mut c = Sim::new(8);
        assert_ne!(a.new_uid(), c.new_uid());
        let uid = a.new_uid();
        assert_eq!(uid.len(), 36);
        assert_eq!(&uid[14..15], "4");
    }
}
