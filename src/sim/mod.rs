//! The simulation core: a deterministic model of the parts of a Kubernetes
//! cluster that stateful workloads touch. Pure Rust: no web crate may be
//! named under `src/sim/` (see `tests/boundary.rs`).

pub mod api;
pub mod apps;
pub mod chart;
pub mod cluster;
pub mod controllers;
pub mod defaults;
pub mod dns;
pub mod engine;
pub mod eviction;
pub mod examples;
pub mod faults;
pub mod features;
pub mod fields;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod heap;
pub mod kubectl;
pub mod lessons;
pub mod manifest;
pub mod markup;
pub mod nodeaffinity;
pub mod nodeutil;
pub mod object;
pub mod podutil;
pub mod quantity;
pub mod selector;
pub mod session;
pub mod sort;
pub mod store;
pub mod subsets;
#[cfg(test)]
pub(crate) mod testutil;
pub mod wellknown;
pub mod world;

pub use engine::Sim;
pub use object::{Key, Kind, Object};
pub use session::{Input, JournalEntry};
pub use world::{Action, Config, Event, Note, NoteKind, World};

/// The core's version, shown by the UI and `ordinal --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use wellknown::KUBERNETES_VERSION;

/// One line naming the core, for the faces to show.
pub fn version_string() -> String {
    format!("ordinal-sim {VERSION} (Kubernetes {KUBERNETES_VERSION} behaviour)")
}
