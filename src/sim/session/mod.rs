//! The session: the one door the faces use. It holds the live `Sim`
//! (as a [`Journaled`]: with the journal of what drove it) and
//! what a person does with a session beyond single inputs: console lines,
//! playing time forward, scrubbing back through history (from snapshots),
//! branching off the past, resetting, and saving (local storage, share
//! links, `.ordinal.json` files). The page and the CLI keep none of this.

pub mod host;
mod input;
pub mod journal;
pub mod saved;
pub mod script;

use crate::sim::engine::{Config, Sim, StepRun};
use crate::sim::kubectl::{self, Watch};
pub use input::Input;
pub use journal::{JournalEntry, Journaled};
use saved::Saved;
use script::Directive;

/// Take a snapshot every this many events (at first; see `MAX_SNAPSHOTS`).
const SNAPSHOT_EVERY: usize = 400;
/// Snapshots kept at most. Past it every other one is dropped (the newest
/// stays) and the interval doubles, so memory stays bounded and scrub cost
/// grows only with the logarithm of the session's length.
const MAX_SNAPSHOTS: usize = 48;
/// The most heap bytes the snapshots may hold together (an upper estimate,
/// see [`Session::snapshot_bytes`]). Past it they are thinned the same way,
/// down to the newest one if need be.
pub const MAX_SNAPSHOT_BYTES: usize = 48 << 20;

/// A copy of the simulation at one point of its history, without its log:
/// the log is append-only, so the head's log prefix restores it.
#[derive(Clone)]
struct Snapshot {
    log_len: usize,
    sim: Journaled,
    /// What keeping it adds to keeping the snapshot before it (an upper
    /// estimate of heap bytes): its own copy of everything but the
    /// objects, and the objects the one before does not share.
    bytes: usize,
}

/// What a console line printed, in the order a terminal shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    /// `cmd` (the echo), `out`, `err` or `note`.
    pub class: &'static str,
    /// As a terminal shows it (English).
    pub text: String,
    /// When the line is a note of the session's own rather than what
    /// kubectl or the cluster printed: which one, so a face can word it in
    /// its language (`text` is its English).
    pub note: Option<Note>,
}

impl Printed {
    pub fn new(class: &'static str, text: impl Into<String>) -> Printed {
        Printed {
            class,
            text: text.into(),
            note: None,
        }
    }

    /// A session note, with its English as the text.
    pub fn note(class: &'static str, note: Note) -> Printed {
        Printed {
            class,
            text: note.to_string(),
            note: Some(note),
        }
    }
}

/// A console note of the session's own: what happened to the session, not
/// what kubectl or the cluster printed (that stays as a terminal shows it).
/// `Display` is its English, as the CLI and an English page say it; the
/// page words it in its chosen language through its string table, so no UI
/// language lives in the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The page's Apply (or Delete) of the editor's manifests.
    EditorBuffer { delete: bool },
    /// `?example=ID&apply=1` applied the example.
    ApplyExample(String),
    /// An embedding host page sent `ordinal:apply`.
    ApplyFromHost,
    /// A fresh session with the same seed.
    SessionReset,
    /// Scrubbed: the session replayed to this many events.
    ReplayedTo(usize),
    /// A session file or link opened (its name).
    Opened(String),
    /// A lesson's own cluster started (the lesson's id).
    LessonStarted(String),
    /// A lesson opened on the session as it is (the lesson's id).
    LessonOnCurrent(String),
    /// A feature gate switched (`Name=true`): the cluster restarted with
    /// it and the session was replayed.
    GateChanged(String),
    /// A `get -w` watch runs in the console until stopped.
    Watching,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::EditorBuffer { delete: false } => write!(f, "# apply editor buffer"),
            Note::EditorBuffer { delete: true } => write!(f, "# delete editor buffer"),
            Note::ApplyExample(id) => write!(f, "# apply example {id}"),
            Note::ApplyFromHost => write!(f, "# apply (from the host page)"),
            Note::SessionReset => write!(f, "# session reset"),
            Note::ReplayedTo(n) => write!(f, "# timeline: session replayed to event {n}"),
            Note::Opened(name) => write!(f, "# opened {name}"),
            Note::LessonStarted(id) => write!(f, "# lesson \"{id}\" started"),
            Note::LessonOnCurrent(id) => write!(
                f,
                "# lesson \"{id}\" opened on the current session (Reset lesson starts its own cluster)"
            ),
            Note::GateChanged(gate) => write!(
                f,
                "# feature gate {gate}: the cluster restarted with it and the session was replayed"
            ),
            Note::Watching => write!(f, "(watching: Ctrl+C or the Stop button ends it)"),
        }
    }
}

#[derive(Clone)]
pub struct Session {
    sim: Journaled,
    /// While scrubbed back: the session at its latest point, so the user
    /// can go forward again. Acting while scrubbed drops it (a new branch).
    head: Option<Journaled>,
    snapshots: Vec<Snapshot>,
    snapshot_every: usize,
    /// [`MAX_SNAPSHOT_BYTES`] unless a test asks for less.
    snapshot_budget: usize,
    watch: Option<Watch>,
    /// The example the editor holds (part of what a share link restores).
    pub example: String,
}

impl Session {
    pub fn new(seed: u64, config: Config) -> Session {
        Session::from_sim(Journaled::with_config(seed, config))
    }

    fn from_sim(sim: Journaled) -> Session {
        Session {
            sim,
            head: None,
            snapshots: Vec::new(),
            snapshot_every: SNAPSHOT_EVERY,
            snapshot_budget: MAX_SNAPSHOT_BYTES,
            watch: None,
            example: String::new(),
        }
    }

    /// Rebuilds a saved session (local storage, a share link, a file), at
    /// its saved scrub position when it has one.
    pub fn open(saved: &Saved) -> Session {
        let mut s = Session::from_sim(Journaled::with_config(saved.seed, saved.config.clone()));
        let base = s.sim.clone();
        let mut snaps = std::mem::take(&mut s.snapshots);
        let mut every = s.snapshot_every;
        s.sim = base.resume(&saved.journal, None, &mut |sim| {
            maybe_snapshot(&mut snaps, &mut every, MAX_SNAPSHOT_BYTES, sim)
        });
        s.snapshots = snaps;
        s.snapshot_every = every;
        s.example = saved.example.clone();
        // A session saved while scrubbed reopens at that point, even one
        // with as many events as the end (but an earlier clock).
        if let Some(p) = saved.position {
            if p <= s.sim.log.len() {
                s.rewind_to(p);
            }
        }
        s
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The journal that replays the session to where it stands.
    pub fn journal(&self) -> &[JournalEntry] {
        self.sim.journal()
    }

    pub fn seed(&self) -> u64 {
        self.sim.seed
    }

    /// The same seed and config, no history.
    pub fn reset(&mut self) {
        let example = std::mem::take(&mut self.example);
        *self = Session::new(self.sim.seed, self.sim.config.clone());
        self.example = example;
    }

    /// Sets one feature gate (refused as `--feature-gates` refuses it:
    /// unknown or locked). The cluster's configuration changes, so the
    /// session is rebuilt on the new one: its journal is replayed from the
    /// start, as if the cluster had always run with that gate, and it
    /// reopens where the timeline was. Nothing happens if the gate already
    /// has that value.
    pub fn set_feature_gate(&mut self, name: &str, on: bool) -> Result<(), String> {
        let mut config = self.sim.config.clone();
        config.feature_gates.set(name, on)?;
        if config != self.sim.config {
            self.reconfigure(config);
        }
        Ok(())
    }

    /// Rebuilds the session on another cluster configuration, replaying
    /// its journal (see [`Session::set_feature_gate`]).
    pub fn reconfigure(&mut self, config: Config) {
        let mut saved = self.saved(None);
        saved.config = config;
        *self = Session::open(&saved);
    }

    // ---- acting -------------------------------------------------------

    /// Acting while scrubbed back starts a new branch of history: the later
    /// history and the snapshots taken in it are dropped.
    fn branch(&mut self) {
        if self.head.take().is_some() {
            let at = self.sim.log.len();
            // A snapshot at exactly this length may lie after this point
            // (steps that logged nothing), so only strictly earlier ones stay.
            self.snapshots.retain(|s| s.log_len < at);
        }
    }

    fn after_change(&mut self) {
        maybe_snapshot(
            &mut self.snapshots,
            &mut self.snapshot_every,
            self.snapshot_budget,
            &mut self.sim,
        );
    }

    /// Sends one input into the simulation; the text is what a terminal
    /// would show (`Err` for a failed command).
    /// A live watch keeps running (the page's Apply does not end it).
    pub fn input(&mut self, input: Input) -> Result<String, String> {
        self.branch();
        let r = self.sim.input(input);
        self.after_change();
        r
    }

    /// Runs a console line: `kubectl ...` (the word may be left out),
    /// `sleep 10s` or `fault ...`, as scripts take them. A `get -w` starts a
    /// live watch whose lines [`Session::watch_lines`] gives.
    pub fn line(&mut self, line: &str) -> Vec<Printed> {
        // A new line ends the watch that held the terminal.
        self.watch = None;
        let t = line.trim();
        let directive = match script::parse_line(t) {
            Ok(d) => d,
            // Console lines may leave out `kubectl`.
            Err(_) if !t.starts_with("sleep") && !t.starts_with("fault") => {
                Directive::Kubectl(format!("kubectl {t}"))
            }
            Err(e) => {
                return vec![
                    Printed::new("cmd", format!("$ {t}")),
                    Printed::new("err", e),
                ]
            }
        };
        let mut out = Vec::new();
        let mut print = |class, text: String| out.push(Printed::new(class, text));
        match directive {
            Directive::Nothing => {}
            Directive::Sleep(ms) => {
                print("cmd", format!("$ {t}"));
                self.advance(ms);
            }
            Directive::Fault(spec) => {
                print("cmd", format!("# fault {spec}"));
                match self.input(Input::Fault(spec)) {
                    Ok(o) if o.is_empty() => {}
                    Ok(o) => print("out", o),
                    Err(e) => print("err", e),
                }
            }
            Directive::Kubectl(cmd) => {
                print("cmd", format!("$ {t}"));
                let args = cmd.trim_start_matches("kubectl").trim().to_string();
                let r = self.input(Input::Kubectl {
                    line: args.clone(),
                    files: Vec::new(),
                });
                match r {
                    Ok(o) => {
                        if !o.trim_end().is_empty() {
                            print("out", o.trim_end().to_string());
                        }
                        // The face says that a watch runs (`watching()`), in its words.
                        self.watch = kubectl::watch_request(&self.sim, &args);
                    }
                    Err(e) => print("err", e.trim_end().to_string()),
                }
            }
        }
        out
    }

    /// New lines for a live watch since it last looked.
    pub fn watch_lines(&mut self) -> Vec<String> {
        match &mut self.watch {
            Some(w) => kubectl::watch_lines(&self.sim, w, 0),
            None => Vec::new(),
        }
    }

    pub fn watching(&self) -> bool {
        self.watch.is_some()
    }

    pub fn stop_watch(&mut self) {
        self.watch = None;
    }

    /// Finishes a step that `advance_sliced` left half applied (every
    /// other action does so first anyway): a face calls it before it reads
    /// a trace hash or stops playing.
    pub fn finish_step(&mut self) {
        if self.sim.mid_step() {
            self.sim.finish_step();
            self.after_change();
        }
    }

    /// Runs the next controller sync (or finishes one left half applied).
    pub fn step(&mut self) -> bool {
        self.branch();
        let r = self.sim.step();
        self.after_change();
        r
    }

    /// Moves the clock forward by `ms`, running every sync that falls due.
    pub fn advance(&mut self, ms: u64) {
        self.advance_within(ms, &mut || false);
    }

    /// Runs the syncs due in the next `ms` of virtual time, but stops as
    /// soon as `out_of_time()` says so (a frame's wall-clock budget): the
    /// clock then stays at the last sync run, so the simulation falls behind
    /// real time rather than freezing the page. True when it fell behind.
    /// Steps run whole (see [`Session::advance_sliced`]).
    pub fn advance_within(&mut self, ms: u64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        self.advance_by(ms, out_of_time, false)
    }

    /// [`Session::advance_within`], but a step that writes much (a sync of
    /// hundreds of pods) is itself sliced: its writes stop when out of time
    /// and go on at the next call ([`Journaled::step_within`]); the clock
    /// waits meanwhile. However the work is sliced, the journal and the
    /// trace are the same. (The page does not use it yet: docs/frames8.md.)
    pub fn advance_sliced(&mut self, ms: u64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        self.advance_by(ms, out_of_time, true)
    }

    fn advance_by(&mut self, ms: u64, out_of_time: &mut dyn FnMut() -> bool, sliced: bool) -> bool {
        self.branch();
        // The clock waits for a step paused half way: it goes on first.
        let target = self.sim.now.saturating_add(ms);
        while self.sim.next_time().is_some_and(|t| t <= target) {
            if sliced {
                if self.sim.step_within(out_of_time) == StepRun::Paused {
                    return true;
                }
            } else {
                self.sim.step();
            }
            self.after_change();
            if out_of_time() {
                return true;
            }
        }
        self.sim.advance_to(target);
        if self.sim.merge_clock_moves() {
            // A snapshot taken just after the first of the merged moves
            // would resume after the merged one, at the earlier time.
            let n = self.sim.journal().len();
            self.snapshots.retain(|s| s.sim.journal().len() < n);
        }
        false
    }

    // ---- time travel ----------------------------------------------------

    /// The event count here and at the latest point of history.
    pub fn position(&self) -> (usize, usize) {
        let at = self.sim.log.len();
        let total = self.head.as_ref().map_or(at, |h| h.log.len());
        (at, total.max(at))
    }

    pub fn scrubbed(&self) -> bool {
        self.head.is_some()
    }

    /// Time travel: the session as it was when its log held `index` events
    /// (exactly what replaying the journal from the start up to there
    /// gives), restored from the nearest earlier snapshot. Scrubbing to the
    /// end (or past it) returns to the latest point.
    pub fn scrub_to(&mut self, index: usize) {
        self.finish_step();
        self.watch = None;
        if index >= self.position().1 {
            if let Some(h) = self.head.take() {
                self.sim = h;
            }
            return;
        }
        self.rewind_to(index);
    }

    /// The session as replay first reaches `index` events, kept as a
    /// scrubbed point even when that is as many events as the head has
    /// (the head may have run further without events: its clock moved).
    fn rewind_to(&mut self, index: usize) {
        self.watch = None;
        let head = self.head.as_ref().unwrap_or(&self.sim);
        // Strictly earlier: replay from the start stops at the first point
        // whose log reaches `index`, and every point before a snapshot with
        // fewer events has fewer still.
        let base = match self.snapshots.iter().rev().find(|s| s.log_len < index) {
            Some(s) => {
                let mut sim = s.sim.clone();
                sim.sim_mut().log = head.log[..s.log_len].to_vec();
                sim
            }
            None => Journaled::with_config(head.seed, head.config.clone()),
        };
        let sim = base.resume(head.journal(), Some(index), &mut |_| {});
        let old = std::mem::replace(&mut self.sim, sim);
        if self.head.is_none() {
            self.head = Some(old);
        }
    }

    /// Snapshots held, for reports.
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// Heap bytes the snapshots hold beyond the live session, an upper
    /// estimate (`sim::heap`): each snapshot's own copy of the simulation
    /// but the objects, plus the objects it does not share with the
    /// snapshot before it. Objects shared with the live session are
    /// counted too. At most [`MAX_SNAPSHOT_BYTES`] but for one snapshot
    /// larger than that alone.
    pub fn snapshot_bytes(&self) -> usize {
        self.snapshots.iter().map(|s| s.bytes).sum()
    }

    /// Bounds the snapshots' bytes below [`MAX_SNAPSHOT_BYTES`] from the
    /// next snapshot on (the bound a test can reach in a short session; a
    /// reset or reopened session has the default again).
    pub fn set_snapshot_budget(&mut self, bytes: usize) {
        self.snapshot_budget = bytes.min(MAX_SNAPSHOT_BYTES);
    }

    /// The bound [`Session::snapshot_bytes`] keeps to.
    pub fn snapshot_budget(&self) -> usize {
        self.snapshot_budget
    }

    // ---- saving ----------------------------------------------------------

    /// The session as saved: seed, config, the journal of the whole history
    /// (the head's, when scrubbed back) and the scrub position.
    pub fn saved(&self, editor: Option<String>) -> Saved {
        let head = self.head.as_ref().unwrap_or(&self.sim);
        Saved {
            version: saved::VERSION,
            seed: head.seed,
            config: head.config.clone(),
            journal: saved::compact(head.journal()),
            example: self.example.clone(),
            editor,
            position: self.head.as_ref().map(|_| self.sim.log.len()),
        }
    }

    pub fn trace_hash(&self) -> String {
        self.sim.trace_hash()
    }
}

fn maybe_snapshot(
    snaps: &mut Vec<Snapshot>,
    every: &mut usize,
    budget: usize,
    sim: &mut Journaled,
) {
    let last = snaps.last().map_or(0, |s| s.log_len);
    let len = sim.log.len();
    if len < last + *every {
        return;
    }
    // A snapshot holds no log (scrubbing takes the head's): lend the log
    // out while cloning rather than copy it and drop the copy. The store's
    // objects are shared with the live cluster until either writes them.
    let log = std::mem::take(&mut sim.sim_mut().log);
    let copy = sim.clone();
    sim.sim_mut().log = log;
    let bytes = added_bytes(&copy, snaps.last().map(|s| &s.sim));
    snaps.push(Snapshot {
        log_len: len,
        sim: copy,
        bytes,
    });
    let total = |snaps: &[Snapshot]| snaps.iter().map(|s| s.bytes).sum::<usize>();
    while snaps.len() > MAX_SNAPSHOTS || snaps.len() > 1 && total(snaps) > budget {
        thin(snaps);
        *every *= 2;
    }
}

/// Drops every other snapshot, counting back from the newest (which
/// stays): the ones left are still evenly spaced, at twice the interval,
/// so the longest replay a scrub needs doubles and no more.
fn thin(snaps: &mut Vec<Snapshot>) {
    let n = snaps.len();
    let mut i = 0;
    snaps.retain(|_| {
        i += 1;
        (n - i) % 2 == 0
    });
    // Each now follows another one: what it adds is measured again.
    for i in 0..snaps.len() {
        let (before, rest) = snaps.split_at_mut(i);
        rest[0].bytes = added_bytes(&rest[0].sim, before.last().map(|s| &s.sim));
    }
}

/// What keeping `snap` adds to keeping `prev` (see [`Snapshot::bytes`]).
fn added_bytes(snap: &Journaled, prev: Option<&Journaled>) -> usize {
    use crate::sim::heap::Heap;
    std::mem::size_of::<Snapshot>()
        + snap.heap()
        + snap.store.objects_heap_beyond(prev.map(|p| &p.sim().store))
}

#[cfg(test)]
mod tests;
