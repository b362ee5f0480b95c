//! What a redraw needs to know: whether anything a panel draws could have
//! changed. Playing bumps `Ui::version` every frame, but most frames at a
//! high speed move only the clock; a panel that reads the store or the log
//! tracks a [`Stamp`] instead, and recomputes only when it moved.

use super::Ui;
use leptos::prelude::*;
use std::cell::Cell;

thread_local! {
    static EPOCH: Cell<u64> = const { Cell::new(0) };
}

/// Something other than play changed the session (an input, a scrub, a
/// reset): every stamp moves, whatever the counters say.
pub fn bump() {
    EPOCH.with(|e| e.set(e.get() + 1));
}

pub fn epoch() -> u64 {
    EPOCH.with(|e| e.get())
}

/// The store's resource version and the log's length, with the epoch:
/// every write bumps the first, every event (faults, waiting notes, DNS
/// changes) the second, so equal stamps mean equal store and log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub epoch: u64,
    pub resource_version: u64,
    pub events: usize,
}

/// A memo of the session's stamp, updated every redraw, notifying only
/// when it changed. Read it with `get` (a memo only follows its sources
/// once it has run; `track` alone does not run it).
pub fn stamp(ui: Ui) -> Memo<Stamp> {
    Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| Stamp {
            epoch: epoch(),
            resource_version: s.store.resource_version(),
            events: s.log.len(),
        })
    })
}
