//! The input door: a user's input dispatched to the clients (kubectl,
//! manifests, faults). This lives above the clients, so the engine below
//! never names kubectl or faults. Journaling the input is
//! [`Journaled::input`](super::journal::Journaled::input)'s; this only
//! dispatches, as replay does too.

use crate::sim::engine::Sim;
use crate::sim::object::{Key, Kind};
use crate::sim::world::Action;
use serde::{Deserialize, Serialize};

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

impl Sim {
    /// Applies a user input, unjournaled: the faces go through
    /// [`Journaled::input`](super::journal::Journaled::input) (a
    /// `Session`), which journals it and calls this; replay calls it too.
    /// The returned text is what a terminal would show; `Err` for a failed
    /// command.
    pub fn input(&mut self, input: Input) -> Result<String, String> {
        // A step paused half way (`step_within`) ends before anything else.
        self.finish_step();
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
        // `drain` retries) replay as part of their input: the journal
        // (`Journaled::input`) holds the input, not their steps.
        let result = match input {
            Input::Kubectl { line, files } => crate::sim::kubectl::run(self, &line, &files),
            Input::Manifest { text, delete } => {
                crate::sim::kubectl::apply_text(self, &text, delete)
            }
            Input::Fault(spec) => crate::sim::faults::inject(self, &spec),
        };
        self.touch();
        self.refresh_dns();
        result
    }
}

impl crate::sim::heap::Heap for Input {
    fn heap(&self) -> usize {
        match self {
            Input::Kubectl { line, files } => line.heap() + files.heap(),
            Input::Manifest { text, .. } => text.heap(),
            Input::Fault(f) => f.heap(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::session::Journaled;
    use crate::sim::world::Config;

    fn session(seed: u64) -> Journaled {
        let mut sim = Journaled::new(seed);
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
        let r = Journaled::replay(7, Config::default(), a.journal(), None);
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
