//! The chart's words (`crate::sim::chart::ChartWords`) in the page's
//! language, from the i18n table. Names no web crate: `tests/i18n.rs`
//! compiles it natively and checks that the English is the core's own.

use super::i18n::{t, Key, Lang};
use crate::sim::chart::{ChartWords, MarkKind, Phase};

/// The i18n key of a phase's name.
pub fn phase_key(p: Phase) -> Key {
    match p {
        Phase::Pending => Key::PhasePending,
        Phase::Creating => Key::PhaseCreating,
        Phase::Running => Key::PhaseRunning,
        Phase::Ready => Key::PhaseReady,
        Phase::Terminating => Key::PhaseTerminating,
        Phase::Succeeded => Key::PhaseSucceeded,
        Phase::Failed => Key::PhaseFailed,
        Phase::Available => Key::PhaseAvailable,
        Phase::Bound => Key::PhaseBound,
        Phase::Released => Key::PhaseReleased,
        Phase::Lost => Key::PhaseLost,
    }
}

/// The i18n key of a mark kind's name.
pub fn mark_key(k: MarkKind) -> Key {
    match k {
        MarkKind::Input => Key::MarkCommand,
        MarkKind::Fault => Key::MarkFault,
        MarkKind::Wait => Key::MarkWait,
        MarkKind::EvictionRefused => Key::MarkRefused,
    }
}

/// The chart's words in `lang`.
pub fn chart_words(lang: Lang) -> ChartWords {
    let s = |k: Key| t(lang, k).to_string();
    ChartWords {
        title: s(Key::ChartTitle),
        desc: s(Key::ChartDesc),
        commands: s(Key::ChartCommands),
        mark: s(Key::ChartMarkTip),
        mark_until: s(Key::ChartMarkUntil),
        span: s(Key::ChartSpanTip),
        now: s(Key::ChartNow),
        replaced: s(Key::ChartReplaced),
        collapsed: s(Key::ChartCollapsed),
        phases: Phase::ALL.map(|p| s(phase_key(p))),
        marks: MarkKind::ALL.map(|k| s(mark_key(k))),
    }
}
