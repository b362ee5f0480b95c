//! Panels a first visit does not need at once (issue 12): the feature gates,
//! the lessons, storage, network, events and the chart; and the editor's
//! check of its text (`editor.rs`), with the YAML parser. A release build's
//! `.wasm` is split in two (`scripts/split.sh`, `public/split.js`); the first
//! part holds what a first visit runs, and the profile that decides it
//! (`scripts/split-profile.mjs`) holds the rest back, so these panels' code
//! is in the rest. Until the rest is linked each shows its title and that it
//! is loading, or, when the rest could not be fetched, which file is missing.
//! An unsplit build (`trunk serve`) and a page that runs the simulation at
//! mount (the rest linked before the app starts) show them at once.

use super::i18n::{self, Key as K};
use super::Ui;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Where the rest of the code stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    /// Being fetched.
    Loading,
    /// Linked (or the build is not split).
    Ready,
    /// Could not be fetched: the file's name.
    Failed(String),
}

/// A global of `split.js`, if set.
fn global(name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(&window(), &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined())
}

/// Where the rest of the code stands now.
fn now() -> Code {
    let split = document()
        .query_selector("script[data-ordinal-boot]")
        .ok()
        .flatten()
        .and_then(|b| b.get_attribute("data-split"));
    if split.is_none() || global("ordinalRestLinked").is_some_and(|v| v.is_truthy()) {
        Code::Ready
    } else if let Some(file) = global("ordinalRestFailed").and_then(|v| v.as_string()) {
        Code::Failed(file)
    } else {
        Code::Loading
    }
}

/// The state of the rest of the code, kept up to date by `split.js`'s events.
pub fn code() -> RwSignal<Code> {
    let code = RwSignal::new(now());
    if code.get_untracked() != Code::Ready {
        // The listeners live as long as the page (one app per page): the
        // handle only removes them when asked.
        for event in ["ordinal:rest-linked", "ordinal:rest-failed"] {
            let _ = window_event_listener_untyped(event, move |_| code.set(now()));
        }
    }
    code
}

/// Shows `children` once the rest of the code is linked; until then a panel
/// titled `title` (`data-panel=name`) that says it is loading, or which file
/// did not come, above `sketch`: a panel above the editor draws its static
/// outline there, so the editor does not jump when the panel comes.
#[component]
pub fn Later(
    ui: Ui,
    name: &'static str,
    title: K,
    #[prop(optional, into)] sketch: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let fallback = move || {
        let sketch = sketch.clone();
        let status = move || match ui.code.get() {
            Code::Failed(file) => {
                i18n::translate(ui.lang.get(), &super::lazy::missing_banner(&[file]))
            }
            _ => ui.tf(K::Loading, &[ui.t(title)]),
        };
        view! {
            <section class="panel later" aria-busy="true" data-testid="later" data-panel=name>
                <div class="panel-head">
                    <h2>{ui.tr(title)}</h2>
                    <span class="muted" role="status">
                        {status}
                    </span>
                </div>
                {sketch.run()}
            </section>
        }
    };
    view! {
        <Show when=move || ui.code.with(|c| *c == Code::Ready) fallback>
            {children()}
        </Show>
    }
}

/// `Ui::loading`'s entry while actions wait for the rest of the code: the
/// status shows it in the page's language of the moment (`K::RestOfCode`),
/// not the one it had when the first action was queued.
pub const WAITING: &str = "\u{0}rest-of-code";

/// One piece of work kept until the rest of the code is linked, however often
/// it is asked for meanwhile (the first save, the first link): unlike
/// `Ui::waits_for_rest`, which queues every action, requests merge into one.
#[derive(Clone, Copy)]
pub struct Deferred<T: Send + Sync + 'static>(StoredValue<Option<T>>);

impl<T: Send + Sync + 'static> Deferred<T> {
    pub fn new() -> Self {
        Deferred(StoredValue::new(None))
    }

    /// Whether it must wait (the rest is not linked); if so, `merge` folds
    /// this request into what already waits.
    pub fn waits(self, code: RwSignal<Code>, merge: impl FnOnce(Option<T>) -> T) -> bool {
        if code.with_untracked(|c| *c == Code::Ready) {
            return false;
        }
        self.0.update_value(|d| *d = Some(merge(d.take())));
        true
    }

    /// Runs `run` with what waited once the rest is linked.
    pub fn on_ready(self, code: RwSignal<Code>, run: impl Fn(T) + 'static) {
        Effect::new(move |_| {
            if code.with(|c| *c != Code::Ready) {
                return;
            }
            if let Some(v) = self.0.try_update_value(Option::take).flatten() {
                run(v);
            }
        });
    }
}

/// What waits for the rest of the code, in the order it was asked for.
pub type Waiting = StoredValue<Vec<Box<dyn FnOnce()>>, LocalStorage>;

impl Ui {
    /// Whether `act` had to wait for the rest of the code: while it is on its
    /// way, a page action (Apply, an example, a console line, a fault, the
    /// host's messages) waits, runs once it is linked after whatever waited
    /// before it, and "Loading the rest of the code…" shows meanwhile. Run at
    /// once, the action would reach a stub, and a stub fetches the whole rest
    /// synchronously (from its start, beside the fetch under way): on a slow
    /// link the page would freeze for seconds. `quick` is for what the first
    /// part does alone (the profile's own first command, `get`), which runs
    /// at once unless something waits before it. Once the rest could not be
    /// fetched, everything runs at once: a stub tries once more, and names
    /// the missing file if it fails.
    pub fn waits_for_rest(self, quick: bool, act: impl FnOnce() + 'static) -> bool {
        let loading = self.code.with_untracked(|c| *c == Code::Loading);
        let queued = self.waiting.with_value(|w| !w.is_empty());
        if !loading || (quick && !queued) {
            return false;
        }
        if !queued {
            self.loading.update(|l| l.push(WAITING.to_string()));
        }
        self.waiting.update_value(|w| w.push(Box::new(act)));
        true
    }
}

/// Runs what waited for the rest once it is linked (or could not be had).
pub fn run_waiting(ui: Ui) {
    Effect::new(move |_| {
        if ui.code.with(|c| *c == Code::Loading) {
            return;
        }
        let acts = ui
            .waiting
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if acts.is_empty() {
            return;
        }
        ui.loading.update(|l| l.retain(|w| w != WAITING));
        for act in acts {
            act();
        }
    });
}
