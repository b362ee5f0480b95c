//! The journal: what was done to a simulation (inputs, controller steps,
//! clock moves), recorded by the session layer as it drives the engine, and
//! replayed to rebuild the simulation exactly. The engine below records
//! nothing; replay drives it without recording anew.

use super::Input;
use crate::sim::engine::{Sim, StepRun};
use crate::sim::world::Config;
use serde::{Deserialize, Serialize};

/// One entry of the journal: a run of controller steps, a clock move,
/// or an input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum JournalEntry {
    Steps(u64),
    AdvanceTo(u64),
    Input(Input),
}

/// A simulation and the journal of how it got where it is. Its inputs,
/// steps and clock moves are journaled; it derefs to its [`Sim`] for
/// reading (`store`, `log`, `now`, `trace_hash`).
#[derive(Clone, Debug)]
pub struct Journaled {
    sim: Sim,
    journal: Vec<JournalEntry>,
}

impl crate::sim::heap::Heap for Journaled {
    /// The simulation's (see `Sim`'s) and the journal's.
    fn heap(&self) -> usize {
        self.sim.heap() + self.journal.heap()
    }
}

impl std::ops::Deref for Journaled {
    type Target = Sim;
    fn deref(&self) -> &Sim {
        &self.sim
    }
}

impl Journaled {
    pub fn new(seed: u64) -> Journaled {
        Journaled::with_config(seed, Config::default())
    }

    pub fn with_config(seed: u64, config: Config) -> Journaled {
        Journaled::start(Sim::with_config(seed, config))
    }

    /// Starts journaling `sim` from where it stands: a replay of the
    /// journal starts from a fresh `Sim` of the same seed and config, so
    /// `sim` should be fresh too.
    pub fn start(sim: Sim) -> Journaled {
        Journaled {
            sim,
            journal: Vec::new(),
        }
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The simulation itself, for changes that are not journaled (a
    /// snapshot's log restored from the head's, a test's setup).
    pub(crate) fn sim_mut(&mut self) -> &mut Sim {
        &mut self.sim
    }

    pub fn into_sim(self) -> Sim {
        self.sim
    }

    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    // ---- driving, journaled ---------------------------------------------

    /// Applies a user input (see [`Sim::input`]) and journals it. The
    /// steps a blocking command runs replay as part of the input, so they
    /// are not journaled apart.
    pub fn input(&mut self, input: Input) -> Result<String, String> {
        // A step paused half way ends (and is journaled) first.
        self.finish_step();
        self.journal.push(JournalEntry::Input(input.clone()));
        self.sim.input(input)
    }

    /// Runs the next queued controller sync. Returns false when nothing is queued.
    pub fn step(&mut self) -> bool {
        if !self.sim.step() {
            return false;
        }
        self.journal_step();
        true
    }

    /// [`Journaled::step`] in slices (see [`Sim::step_within`]): a step
    /// is journaled when it is done, so a journal never holds half a step.
    pub fn step_within(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> StepRun {
        let run = self.sim.step_within(out_of_time);
        if run == StepRun::Done {
            self.journal_step();
        }
        run
    }

    /// Finishes (and journals) a step that `step_within` paused.
    pub fn finish_step(&mut self) {
        if self.sim.mid_step() {
            self.step();
        }
    }

    fn journal_step(&mut self) {
        match self.journal.last_mut() {
            Some(JournalEntry::Steps(n)) => *n += 1,
            _ => self.journal.push(JournalEntry::Steps(1)),
        }
    }

    /// Moves the clock forward by `ms`, running every sync that falls due.
    pub fn advance(&mut self, ms: u64) {
        self.advance_to(self.sim.now.saturating_add(ms));
    }

    pub fn advance_to(&mut self, t: u64) {
        while self.sim.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        if t > self.sim.now {
            self.sim.advance_to(t);
            self.journal.push(JournalEntry::AdvanceTo(t));
        }
    }

    /// Two clock moves in a row become one (as [`super::saved::compact`]
    /// has it): playing a quiet cluster moves the clock every frame, and
    /// the journal, copied into every snapshot, would grow with wall time.
    /// Returns whether it merged (the session then drops snapshots taken
    /// between the two moves).
    pub(crate) fn merge_clock_moves(&mut self) -> bool {
        let j = &mut self.journal;
        let n = j.len();
        if n < 2 {
            return false;
        }
        let t = match (&j[n - 2], &j[n - 1]) {
            (JournalEntry::AdvanceTo(a), JournalEntry::AdvanceTo(b)) => (*a).max(*b),
            _ => return false,
        };
        j.pop();
        j[n - 2] = JournalEntry::AdvanceTo(t);
        true
    }

    /// Runs until nothing is queued or `max_steps` steps have run (see
    /// [`Sim::settle`]). Returns true when it settled.
    pub fn settle(&mut self, max_steps: u64) -> bool {
        for _ in 0..max_steps {
            if !self.step() {
                return true;
            }
        }
        !self.sim.pending()
    }

    /// Runs due work for up to `ms` of virtual time, stopping early when
    /// the queue is empty. Returns the virtual time reached.
    pub fn settle_for(&mut self, ms: u64) -> u64 {
        let end = self.sim.now.saturating_add(ms);
        while let Some(t) = self.sim.next_time() {
            if t > end {
                break;
            }
            self.step();
        }
        self.sim.now
    }

    // ---- replay -----------------------------------------------------------

    /// Rebuilds a session from its seed, config and journal. With
    /// `stop_at_event`, replay stops as soon as the log holds that many
    /// events; the journal then holds only what was replayed, so new inputs
    /// start a new branch of history from that point.
    pub fn replay(
        seed: u64,
        config: Config,
        journal: &[JournalEntry],
        stop_at_event: Option<usize>,
    ) -> Journaled {
        Journaled::with_config(seed, config).resume(journal, stop_at_event, &mut |_| {})
    }

    /// Goes on replaying `journal` from where this stands: its own journal
    /// must be a prefix of `journal` (its last `Steps` may be partly run),
    /// as a snapshot taken along the same history has. `checkpoint` sees
    /// it after each step and entry (the session snapshots there).
    pub fn resume(
        mut self,
        journal: &[JournalEntry],
        stop_at_event: Option<usize>,
        checkpoint: &mut dyn FnMut(&mut Journaled),
    ) -> Journaled {
        let done = |s: &Journaled| stop_at_event.is_some_and(|n| s.sim.log.len() >= n);
        // A `Steps` entry the snapshot was taken in the middle of goes on
        // where it stopped. Entries are journaled as they replay, so a
        // checkpoint carries the journal that led to it.
        let mut start = self.journal.len();
        let mut partial = false;
        if let (Some(JournalEntry::Steps(m)), Some(JournalEntry::Steps(n))) = (
            self.journal.last(),
            start.checked_sub(1).and_then(|i| journal.get(i)),
        ) {
            if m < n {
                partial = true;
                start -= 1;
            }
        }
        'outer: for entry in journal.get(start..).unwrap_or_default() {
            if done(&self) {
                break;
            }
            match entry {
                JournalEntry::Steps(n) => {
                    if !std::mem::take(&mut partial) {
                        self.journal.push(JournalEntry::Steps(0));
                    }
                    loop {
                        let ran = match self.journal.last() {
                            Some(JournalEntry::Steps(ran)) => *ran,
                            _ => break 'outer,
                        };
                        if ran >= *n {
                            break;
                        }
                        if done(&self) {
                            break 'outer;
                        }
                        if !self.sim.has_work() {
                            // Nothing left to run: the remaining steps
                            // would do nothing (a damaged or hand-made
                            // journal can ask for billions).
                            if let Some(JournalEntry::Steps(ran)) = self.journal.last_mut() {
                                *ran = *n;
                            }
                            break;
                        }
                        if let Some(JournalEntry::Steps(ran)) = self.journal.last_mut() {
                            *ran += 1;
                        }
                        self.sim.step();
                        checkpoint(&mut self);
                    }
                }
                JournalEntry::AdvanceTo(t) => {
                    self.sim.now = self.sim.now.max(*t);
                    self.journal.push(entry.clone());
                }
                JournalEntry::Input(i) => {
                    let _ = self.sim.input(i.clone());
                    self.journal.push(entry.clone());
                    checkpoint(&mut self);
                }
            }
        }
        self
    }
}

impl crate::sim::heap::Heap for JournalEntry {
    fn heap(&self) -> usize {
        match self {
            JournalEntry::Input(i) => i.heap(),
            JournalEntry::Steps(_) | JournalEntry::AdvanceTo(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubectl(line: &str) -> Input {
        Input::Kubectl {
            line: line.into(),
            files: Vec::new(),
        }
    }

    #[test]
    fn inputs_steps_and_clock_moves_are_journaled_and_replay_the_same() {
        let mut j = Journaled::new(5);
        j.input(kubectl("kubectl create deployment web --image=nginx"))
            .unwrap();
        assert!(j.step() && j.step());
        let t = j.now + 100;
        j.advance_to(t);
        assert_eq!(j.now, t);
        let before = j.now;
        // A blocking command runs the clock inside its input: the journal
        // holds the input alone, not the steps it ran.
        j.input(kubectl(
            "kubectl rollout status deployment web --timeout=60s",
        ))
        .unwrap();
        assert!(j.now > before);
        let e = j.journal();
        assert_eq!(
            e[0],
            JournalEntry::Input(kubectl("kubectl create deployment web --image=nginx"))
        );
        assert!(matches!(e[1], JournalEntry::Steps(n) if n >= 2));
        assert_eq!(e[e.len() - 2], JournalEntry::AdvanceTo(t));
        assert!(matches!(e[e.len() - 1], JournalEntry::Input(_)));
        // Steps in a row are one entry.
        assert!(e
            .windows(2)
            .all(|w| !matches!(w, [JournalEntry::Steps(_), JournalEntry::Steps(_)])));

        let r = Journaled::replay(5, Config::default(), j.journal(), None);
        assert_eq!(r.journal(), j.journal());
        assert_eq!(r.trace_hash(), j.trace_hash());
        // The engine alone journals nothing: driving the replayed `Sim`
        // directly leaves the journal as it was.
        let mut bare = r.into_sim();
        let mut again = Journaled::start(bare.clone());
        bare.advance(10_000);
        again.advance(10_000);
        assert_eq!(bare.trace_hash(), again.trace_hash());
        assert!(matches!(
            again.journal().last(),
            Some(JournalEntry::AdvanceTo(_))
        ));
    }
}
