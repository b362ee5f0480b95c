//! The input door: a user's input dispatched to the clients (kubectl,
//! manifests, faults), and replay of a journal of them. This lives above
//! the clients, so the engine below never names kubectl or faults; the
//! methods stay on `Sim` for the faces and tests that call them.

use crate::sim::engine::{Input, JournalEntry, Sim};
use crate::sim::object::{Key, Kind};
use crate::sim::world::{Action, Config};

impl Sim {
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
            Input::Kubectl { line, files } => crate::sim::kubectl::run(self, &line, &files),
            Input::Manifest { text, delete } => {
                crate::sim::kubectl::apply_text(self, &text, delete)
            }
            Input::Fault(spec) => crate::sim::faults::inject(self, &spec),
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
    use crate::sim::engine::Sim;

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
