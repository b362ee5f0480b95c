//! The engine: virtual clock, an ordered queue of controller syncs, one
//! seeded RNG and the event log. What drove it (the journal that makes
//! replay possible) is the session layer's (`session::journal`).
//!
//! A step pops the earliest `(time, seq)` entry and runs that controller's
//! sync once; the writes it returns are applied through the API rules in
//! `api.rs`, each becoming an [`Event`]. Any applied write queues every
//! controller again (level-triggered, like informers waking workers), and a
//! controller can ask to be woken at a later time (kubelet timers, probes).

use super::api::Write;
use super::controllers::{self, Ctx, Out};
use super::object::{Key, Kind};
pub use super::world::{Action, Config, Event, Faults, Note, NoteKind, Timings, World};
use std::collections::{BTreeMap, BTreeSet};

/// The world and the work queue that moves it: a step runs one queued
/// controller sync and applies its writes to the world. `Sim` derefs to
/// its [`World`], so `sim.store`, `sim.now` and `sim.log` read the world.
#[derive(Clone, Debug)]
pub struct Sim {
    pub world: World,
    /// What each controller-owned object is waiting on now, to note changes.
    waiting: BTreeMap<Key, (String, String)>,
    /// The DNS records as of the last step, to log changes.
    pub(crate) dns_records: BTreeSet<super::dns::Record>,
    /// What the records were computed from; most steps change neither
    /// Services nor Endpoints, and then the zone is not recomputed.
    dns_fingerprint: Option<u64>,
    queue: BTreeSet<(u64, u64, usize)>,
    /// Earliest queued time per controller, so a burst of writes queues a
    /// controller once.
    queued_at: Vec<Option<u64>>,
    seq: u64,
    steps: u64,
}

impl std::ops::Deref for Sim {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl std::ops::DerefMut for Sim {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

impl Sim {
    pub fn new(seed: u64) -> Sim {
        Sim::with_config(seed, Config::default())
    }

    pub fn with_config(seed: u64, config: Config) -> Sim {
        let mut world = World::new(seed, config);
        super::cluster::bootstrap(&mut world);
        let mut sim = Sim {
            world,
            waiting: BTreeMap::new(),
            dns_records: BTreeSet::new(),
            dns_fingerprint: None,
            queue: BTreeSet::new(),
            queued_at: vec![None; controllers::ALL.len()],
            seq: 0,
            steps: 0,
        };
        sim.touch();
        sim
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
        self.step_inner()
    }

    /// Whether any controller sync is queued.
    pub(crate) fn has_work(&self) -> bool {
        !self.queue.is_empty()
    }

    pub(crate) fn step_inner(&mut self) -> bool {
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

    /// Applies controller writes through the API rules, logging each.
    pub(crate) fn apply_writes(&mut self, source: &str, writes: Vec<Write>) {
        let mut changed = false;
        for w in writes {
            changed |= super::api::apply_write(&mut self.world, source, w);
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
            self.world.record(
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
            self.world.record(
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

    pub fn steps_taken(&self) -> u64 {
        self.steps
    }

    /// What each owner's controller waited on at its last sync (the pod and
    /// why), as the `Waiting` notes in the log said: read by the faces.
    pub fn waiting(&self) -> &BTreeMap<Key, (String, String)> {
        &self.waiting
    }

    /// A stable fingerprint of the session's trace: the event log and every
    /// object (in store order) as JSON, plus the clock, hashed with 64-bit
    /// FNV-1a and printed as 16 hex digits. Written out here rather than
    /// taken from `std::hash`, whose output may differ between Rust versions
    /// and targets; this is what proves native and wasm runs agree.
    pub fn trace_hash(&self) -> String {
        let mut h = super::hash::Fnv64a::new();
        let mut feed = |bytes: &[u8]| h.write(bytes);
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
        format!("{:016x}", h.finish())
    }
}
