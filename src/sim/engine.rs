//! The engine: virtual clock, an ordered queue of controller syncs, one
//! seeded RNG and the event log. What drove it (the journal that makes
//! replay possible) is the session layer's (`session::journal`).
//!
//! A step pops the earliest `(time, seq)` entry and runs that controller's
//! sync once; the writes it returns are applied through the API rules in
//! `api.rs`, each becoming an [`Event`]. Any applied write queues every
//! controller again (level-triggered, like informers waking workers), and a
//! controller can ask to be woken at a later time (kubelet timers, probes).
//!
//! Keyed controllers (see [`controllers::Keyed`]) sync only their dirty
//! keys: the engine maps each store change to the keys it concerns, per
//! controller, as upstream's informer event handlers fill work queues, and
//! keeps per key the time it asked to be woken. The queue of controller
//! steps is the same as for a full sync, and so is what each step writes;
//! under `debug_assertions` every keyed step is checked against a full sync.

use super::api::Write;
use super::controllers::{self, Ctx, Keys, Out};
use super::object::{Key, Kind};
use super::sort;
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
    /// The DNS records as of the last step, per Service, to log changes.
    dns: super::dns::Zone,
    /// What the records were computed from; most steps change neither
    /// Services nor Endpoints, and then the zone is not recomputed.
    dns_fingerprint: Option<u64>,
    queue: BTreeSet<(u64, u64, usize)>,
    /// Earliest queued time per controller, so a burst of writes queues a
    /// controller once.
    queued_at: Vec<Option<u64>>,
    seq: u64,
    steps: u64,
    /// Per controller (as in `controllers::ALL`): its keyed form and work.
    keyed: Vec<Option<KeyedWork>>,
    /// The faults and config the keyed work was last routed against: any
    /// change to them makes every key dirty.
    seen: Option<(Faults, Config)>,
    /// A step whose writes are not all applied yet ([`Sim::step_within`]).
    partial: Option<Box<Partial>>,
    /// Changes not yet routed that a key's settling writes made
    /// ([`controllers::Out::settle`]): they do not queue that key again.
    echoes: Vec<Echo>,
}

/// A change (its position among the store's pending changes) that keyed
/// controller `controller` made settling `key`.
#[derive(Clone, Debug)]
struct Echo {
    change: usize,
    controller: usize,
    key: Key,
}

/// What [`Sim::step_within`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRun {
    /// Nothing was queued.
    Idle,
    /// A step ran to its end.
    Done,
    /// A step's writes are partly applied; the next call goes on.
    Paused,
}

/// A controller step paused between two of its writes.
#[derive(Clone, Debug)]
struct Partial {
    controller: usize,
    writes: std::vec::IntoIter<Write>,
    /// How many of the writes are applied.
    applied: usize,
    /// The keys whose writes settle them, with those writes' positions.
    settled: Vec<(std::ops::Range<usize>, Key)>,
    changed: bool,
    waiting: Vec<(Key, Option<(String, String)>)>,
    wake: Option<u64>,
}

/// One keyed controller's work: the keys dirty since its last sync, when
/// each key asked to be woken, and whether it needs a full sync.
#[derive(Clone, Debug)]
struct KeyedWork {
    keyed: controllers::Keyed,
    full: bool,
    /// Pushed as routes find them (repeats and all): a push is a move,
    /// where a tree insert compared the key down the tree. Sorted and
    /// deduplicated once per sync.
    dirty: Vec<Key>,
    timers: BTreeMap<Key, u64>,
}

impl std::fmt::Debug for controllers::Keyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyed")
    }
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

impl crate::sim::heap::Heap for KeyedWork {
    fn heap(&self) -> usize {
        self.dirty.heap() + self.timers.heap()
    }
}

impl crate::sim::heap::Heap for Sim {
    /// What a copy of this simulation owns apart from the objects it
    /// shares (an upper estimate, see `sim::heap`), the event log's
    /// contents excepted.
    fn heap(&self) -> usize {
        use std::mem::size_of;
        self.world.heap()
            + self.waiting.heap()
            + self.dns.heap()
            + self.queue.heap()
            + self.queued_at.capacity() * size_of::<Option<u64>>()
            + self.keyed.heap()
            + self.seen.heap()
    }
}

impl Sim {
    pub fn new(seed: u64) -> Sim {
        Sim::with_config(seed, Config::default())
    }

    pub fn with_config(seed: u64, config: Config) -> Sim {
        let mut world = World::new(seed, config);
        world.store.track_changes();
        super::cluster::bootstrap(&mut world);
        let mut sim = Sim {
            world,
            waiting: BTreeMap::new(),
            dns: super::dns::Zone::default(),
            dns_fingerprint: None,
            queue: BTreeSet::new(),
            queued_at: vec![None; controllers::ALL.len()],
            seq: 0,
            steps: 0,
            keyed: controllers::ALL
                .iter()
                .map(|(name, _)| {
                    controllers::keyed(name).map(|keyed| KeyedWork {
                        keyed,
                        full: true,
                        dirty: Vec::new(),
                        timers: BTreeMap::new(),
                    })
                })
                .collect(),
            seen: None,
            partial: None,
            echoes: Vec::new(),
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

    /// Virtual time of the next queued sync: now, while a step's writes
    /// are still being applied (see [`Sim::step_within`]).
    pub fn next_time(&self) -> Option<u64> {
        if self.partial.is_some() {
            return Some(self.now);
        }
        self.queue.first().map(|&(t, _, _)| t)
    }

    pub fn pending(&self) -> bool {
        self.partial.is_some() || !self.queue.is_empty()
    }

    /// Runs the next queued controller sync (or finishes the one whose
    /// writes [`Sim::step_within`] left half applied). Returns false when
    /// nothing is queued.
    pub fn step(&mut self) -> bool {
        self.step_within(&mut || false) != StepRun::Idle
    }

    /// Whether any controller sync is queued.
    pub(crate) fn has_work(&self) -> bool {
        self.pending()
    }

    /// True between a [`Sim::step_within`] that ran out of time and the
    /// call that finishes its step.
    pub fn mid_step(&self) -> bool {
        self.partial.is_some()
    }

    /// [`Sim::step`] in slices: the sync runs whole, but its writes are
    /// applied one at a time, and after each one `out_of_time()` may pause
    /// the step (a page's frame budget: a sync of 300 pods writes hundreds
    /// of objects). The next call goes on with the same step. A step is
    /// the same however it is sliced, and nothing else runs in between:
    /// the clock stays, and every other way of driving the simulation
    /// ([`Sim::step`], the clock's moves, an input) first finishes it, so
    /// the trace does not depend on the slicing.
    pub fn step_within(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> StepRun {
        if self.partial.is_none() && !self.begin_step() {
            return StepRun::Idle;
        }
        if self.continue_step(out_of_time) {
            StepRun::Done
        } else {
            StepRun::Paused
        }
    }

    /// Finishes a step that [`Sim::step_within`] paused (if any).
    pub fn finish_step(&mut self) {
        if self.partial.is_some() {
            self.continue_step(&mut || false);
        }
    }

    /// Pops the next queued sync and runs it; its writes wait in `partial`.
    fn begin_step(&mut self) -> bool {
        let Some((at, seq, c)) = self.queue.pop_first() else {
            return false;
        };
        let _ = seq;
        self.queued_at[c] = None;
        self.now = self.now.max(at);
        self.run_step(c);
        true
    }

    /// Runs controller `c`'s sync; its writes wait in `partial`.
    fn run_step(&mut self, c: usize) {
        self.steps += 1;
        let (_, sync) = controllers::ALL[c];
        let (out, wake) = if self.keyed[c].is_some() {
            self.keyed_out(c)
        } else {
            let out = self.sync_once(sync);
            let wake = out.wake_at;
            (out, wake)
        };
        let settled = out
            .keys
            .iter()
            .filter(|r| r.settled)
            .map(|r| (r.writes.clone(), r.key.clone()))
            .collect();
        self.partial = Some(Box::new(Partial {
            controller: c,
            writes: out.writes.into_iter(),
            applied: 0,
            settled,
            changed: false,
            waiting: out.waiting,
            wake,
        }));
    }

    /// Applies the pending step's writes until `out_of_time()`; true when
    /// the step is done (then, as `apply_out` does: the queue and DNS,
    /// the waiting notes, and the controller's own wake-up).
    fn continue_step(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let Some(mut p) = self.partial.take() else {
            return true;
        };
        let (name, _) = controllers::ALL[p.controller];
        while let Some(w) = p.writes.next() {
            let i = p.applied;
            p.applied += 1;
            match p.settled.iter().position(|(r, _)| r.contains(&i)) {
                None => p.changed |= super::api::apply_write(&mut self.world, name, w),
                Some(s) => p.changed |= self.apply_settling(p.controller, &p.settled[s].1, name, w),
            }
            if p.writes.len() > 0 && out_of_time() {
                self.partial = Some(p);
                return false;
            }
        }
        if p.changed {
            self.touch();
            self.refresh_dns();
        }
        self.note_all_waiting(p.waiting);
        if let Some(t) = p.wake {
            self.enqueue(p.controller, t.max(self.now));
        }
        true
    }

    /// Applies a write of keyed controller `c` that settles `key`
    /// ([`controllers::Out::settle`]): its change of the object it writes
    /// is an echo, which does not queue `key` again; a refused write
    /// leaves `key` dirty, as a key that wrote is. Whether it changed
    /// anything.
    fn apply_settling(&mut self, c: usize, key: &Key, source: &'static str, w: Write) -> bool {
        let object = match &w {
            Write::Create(o) | Write::Update(o) => Some(o.key()),
            Write::Delete { key, .. } => Some(key.clone()),
            Write::Event { .. } => None,
        };
        let before = self.world.store.pending_changes();
        match super::api::apply_write_checked(&mut self.world, source, w) {
            Ok(changed) => {
                // Only the one change of the object written: any other is
                // not what the controller declared settled.
                let store = &self.world.store;
                if store.pending_changes() == before + 1
                    && object.is_some_and(|o| store.pending_change_key(before) == Some(&o))
                {
                    self.echoes.push(Echo {
                        change: before,
                        controller: c,
                        key: key.clone(),
                    });
                }
                changed
            }
            Err(_) => {
                if let Some(w) = self.keyed[c].as_mut() {
                    w.dirty.push(key.clone());
                }
                false
            }
        }
    }

    /// Maps the store's changes since the last call to the keys of every
    /// keyed controller; a change of faults or config dirties every key.
    fn route_changes(&mut self) {
        let changes = self.world.store.take_changes();
        let echoes = std::mem::take(&mut self.echoes);
        let seen = (&self.world.faults, &self.world.config);
        if self.seen.as_ref().is_none_or(|(f, c)| (f, c) != seen) {
            self.seen = Some((self.world.faults.clone(), self.world.config.clone()));
            for w in self.keyed.iter_mut().flatten() {
                w.full = true;
            }
        }
        let store = &self.world.store;
        // Each change's object as it is now, looked up once for all the
        // routes (upstream's handlers get `old, new` the same way).
        for (i, ch) in changes.iter().enumerate() {
            let new = store.get_key(&ch.key);
            for (c, w) in self.keyed.iter_mut().enumerate() {
                let Some(w) = w else { continue };
                if w.full {
                    continue;
                }
                let echo = echoes
                    .iter()
                    .find(|e| e.controller == c && e.change == i)
                    .map(|e| &e.key);
                let dirty = &mut w.dirty;
                (w.keyed.route)(store, ch, new, &mut |k| {
                    if echo == Some(&k) {
                        return;
                    }
                    // Most repeats are of the last key or the one before (an
                    // owner pushed for the object before and after, a set
                    // after each of its pods).
                    if !dirty.iter().rev().take(2).any(|d| *d == k) {
                        dirty.push(k);
                    }
                });
            }
        }
    }

    /// One step of keyed controller `c`: syncs its dirty keys and those
    /// whose timers are due; returns its writes and when it asks to be
    /// woken (the caller applies the writes).
    fn keyed_out(&mut self, c: usize) -> (Out, Option<u64>) {
        self.route_changes();
        let now = self.now;
        let Some(w) = self.keyed[c].as_mut() else {
            return (Out::default(), None);
        };
        let full = std::mem::take(&mut w.full);
        let mut keys = std::mem::take(&mut w.dirty);
        if full {
            keys.clear();
            w.timers.clear();
        } else {
            keys.extend(
                w.timers
                    .iter()
                    .filter(|(_, &t)| t <= now)
                    .map(|(k, _)| k.clone()),
            );
            // Routes push in store order mostly, so the sort finds long runs.
            sort::sort(&mut keys);
            keys.dedup();
            for k in &keys {
                w.timers.remove(k);
            }
        }
        let sync = w.keyed.sync;
        let ctx = Ctx {
            store: &self.world.store,
            now,
            config: &self.world.config,
            faults: &self.world.faults,
            departed_nodes: &self.world.departed_nodes,
        };
        let mut out = Out::default();
        sync(
            &ctx,
            if full { Keys::All } else { Keys::Only(&keys) },
            &mut out,
        );
        for r in &out.keys {
            // A key that settled is clean once its writes are applied
            // (`apply_settling` makes it dirty if one is refused).
            if r.emitted && !r.settled {
                w.dirty.push(r.key.clone());
            }
            match r.wake_at {
                Some(t) => w.timers.insert(r.key.clone(), t),
                None => w.timers.remove(&r.key),
            };
        }
        let wake = w.timers.values().copied().chain(out.wake_at).min();
        #[cfg(debug_assertions)]
        self.shadow_check(c, &out, wake);
        (out, wake)
    }

    /// The shadow check: a full sync of the same controller against the
    /// same store must write exactly what the keyed sync wrote, ask for the
    /// same wake-up, and find every set waiting on what it was.
    #[cfg(debug_assertions)]
    fn shadow_check(&self, c: usize, keyed: &Out, wake: Option<u64>) {
        let (name, sync) = controllers::ALL[c];
        let full = self.sync_once(sync);
        if let Some(w) = &self.keyed[c] {
            if std::env::var_os("KEYED_DEBUG").is_some() && wake != full.wake_at {
                for k in w.timers.keys() {
                    let ctx = Ctx {
                        store: &self.world.store,
                        now: self.now,
                        config: &self.world.config,
                        faults: &self.world.faults,
                        departed_nodes: &self.world.departed_nodes,
                    };
                    let one = [k.clone()];
                    let mut o = Out::default();
                    (w.keyed.sync)(&ctx, Keys::Only(&one), &mut o);
                    eprintln!(
                        "DEBUG {k}: {:?} wake {:?} keys {:?}",
                        o.writes.len(),
                        o.wake_at,
                        o.keys
                    );
                    eprintln!(
                        "DEBUG obj {:?}",
                        self.world.store.get_key(k).map(|o| o.to_value())
                    );
                }
                eprintln!("DEBUG full keys {:?}", full.keys);
            }
        }
        assert_eq!(
            keyed.writes, full.writes,
            "{name}: a keyed sync at {} wrote otherwise than a full sync",
            self.now
        );
        assert_eq!(
            wake,
            full.wake_at,
            "{name}: a keyed sync at {} woke otherwise than a full sync (timers {:?})",
            self.now,
            self.keyed[c].as_ref().map(|w| &w.timers)
        );
        for (k, v) in &full.waiting {
            let now = keyed
                .waiting
                .iter()
                .rev()
                .find(|(kk, _)| kk == k)
                .map(|(_, v)| v.as_ref())
                .unwrap_or(self.waiting.get(k));
            assert_eq!(now, v.as_ref(), "{name}: waiting for {k} at {}", self.now);
        }
    }

    /// What one controller sync would write against the store as it is now.
    pub fn sync_once(&self, sync: controllers::SyncFn) -> Out {
        let ctx = Ctx {
            store: &self.store,
            now: self.now,
            config: &self.config,
            faults: &self.faults,
            departed_nodes: &self.departed_nodes,
        };
        let mut out = Out::default();
        sync(&ctx, &mut out);
        out
    }

    /// Runs one controller sync and applies its writes as `source`,
    /// returning when it asked to be woken. The queue is left alone, so
    /// tests can drive a controller by hand.
    pub fn run_sync(&mut self, source: &'static str, sync: controllers::SyncFn) -> Option<u64> {
        let out = self.sync_once(sync);
        let wake = out.wake_at;
        self.apply_out(source, out);
        wake
    }

    /// Applies a sync's writes as `source` and notes what it waits on.
    fn apply_out(&mut self, source: &'static str, out: Out) {
        self.apply_writes(source, out.writes);
        self.note_all_waiting(out.waiting);
    }

    /// Notes what a sync found each owner waiting on, then forgets the
    /// owners that are gone.
    fn note_all_waiting(&mut self, waiting: Vec<(Key, Option<(String, String)>)>) {
        for (owner, blocked) in waiting {
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
    pub(crate) fn apply_writes(&mut self, source: &'static str, writes: Vec<Write>) {
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
        let (removed, added) = self.dns.refresh(&self.world.store);
        // Each record's text is the message and the before or after:
        // written once, copied once.
        for r in &removed {
            let key = r.service_key();
            let text = r.to_string();
            self.world.record(
                Action::Dns,
                &key,
                "Removed",
                text.clone(),
                false,
                "kube-dns",
                Some(text),
                None,
            );
        }
        for r in &added {
            let key = r.service_key();
            let text = r.to_string();
            self.world.record(
                Action::Dns,
                &key,
                "Added",
                text.clone(),
                false,
                "kube-dns",
                None,
                Some(text),
            );
        }
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

#[cfg(test)]
mod tests;
