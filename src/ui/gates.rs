//! The cluster's feature gates: which of the v1.31 gates Ordinal models
//! are on, which differ from v1.31's defaults, and a checkbox per gate.
//! The rules (names, defaults, locked gates) and what a change does
//! (`Session::set_feature_gate`: the session replayed on the new config)
//! live in the core; this only renders them and passes the click on.

use super::i18n::Key as K;
use super::Ui;
use crate::sim::features::Gate;
use leptos::prelude::*;

/// Every gate with its state in the live session, in name order.
fn states(ui: Ui) -> Vec<(&'static Gate, bool)> {
    ui.with_sim(|s| s.config.feature_gates.states())
}

/// The gates away from v1.31's defaults (`Name=bool`), empty for none.
fn away(ui: Ui) -> Vec<String> {
    ui.with_sim(|s| s.config.feature_gates.non_default())
}

impl Ui {
    /// Turns a gate on or off: the cluster restarts with it and the
    /// session's history is replayed (the core refuses locked gates).
    pub fn set_gate(self, name: &'static str, on: bool) {
        self.playing.set(false);
        let r = self
            .session
            .try_update_value(|s| s.set_feature_gate(name, on));
        match r {
            Some(Ok(())) => {
                self.note(
                    "note",
                    crate::sim::session::Note::GateChanged(format!("{name}={on}")),
                );
                self.changed();
                self.save();
            }
            // Locked gates' checkboxes are disabled, so this is only a
            // refusal the core adds later; say it in the console.
            Some(Err(e)) => self.print("err", e),
            None => {}
        }
    }
}

/// What `Gates` shows closed, under its heading, at the gates' defaults:
/// drawn while it waits for the rest of the code (`super::later`). A page
/// that starts with gates away from them links the rest before it starts.
pub fn sketch(ui: Ui) -> impl IntoView {
    view! {
        <p class="muted">{ui.tr(K::GatesDefaults)}</p>
        <details>
            <summary>{ui.tr(K::GatesChange)}</summary>
        </details>
    }
}

#[component]
pub fn Gates(ui: Ui) -> impl IntoView {
    let rows = Memo::new(move |_| {
        ui.version.track();
        states(ui)
    });
    let summary = Memo::new(move |_| {
        ui.version.track();
        away(ui)
    });
    view! {
        <section class="panel gates" aria-labelledby="gates-h" data-testid="gates">
            <h2 id="gates-h">{ui.tr(K::FeatureGates)}</h2>
            <p class="muted" data-testid="gates-summary" role="status">
                {move || {
                    let away = summary.get();
                    if away.is_empty() {
                        ui.t(K::GatesDefaults).to_string()
                    } else {
                        ui.tf(K::GatesAway, &[&away.join(", ")])
                    }
                }}
            </p>
            <details class="gates-list">
                <summary>{ui.tr(K::GatesChange)}</summary>
                <p class="muted">{ui.tr(K::GatesNote)}</p>
                <ul>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|(g, on)| {
                                let id = format!("gate-{}", g.name);
                                let default = ui.t(if g.default { K::GateOn } else { K::GateOff });
                                let mut detail = ui.tf(K::GateDefault, &[g.stage, default]);
                                if g.locked {
                                    detail = format!("{detail} · {}", ui.t(K::GateLocked));
                                }
                                view! {
                                    <li>
                                        <input
                                            type="checkbox"
                                            id=id.clone()
                                            data-testid=id.clone()
                                            prop:checked=on
                                            disabled=g.locked
                                            on:change=move |ev| ui.set_gate(g.name, event_target_checked(&ev))
                                        />
                                        <label for=id>
                                            <code>{g.name}</code>
                                            " "
                                            <span class="muted">{detail}</span>
                                        </label>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
        </section>
    }
}
