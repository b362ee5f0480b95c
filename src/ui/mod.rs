//! The Leptos face of Ordinal: one `Sim`, a version signal bumped after
//! each change, and views derived from the sim's store and log through
//! memos. Every action goes through the core's `Session` (input, step,
//! advance, scrub, save); no Kubernetes rule lives here.

mod bridge;
mod chart;
mod chart_words;
mod console;
mod editor;
mod embed;
mod embed_api;
mod fresh;
mod gates;
pub(crate) mod i18n;
mod later;
mod lazy;
mod lessons;
mod model;
mod perf;
mod persist;
mod robust;
mod rows;
mod share;
mod views;

use crate::sim::session::{Note, Printed, Session};
use crate::sim::{Input, Sim};
use i18n::{Key as K, Lang};
use later::Later;
use leptos::html;
use leptos::prelude::*;

/// What the address allows, for the panels to read (`use_context`): set
/// by embed mode, read by the editor (kept here so neither imports the other).
#[derive(Clone, Copy, Debug, Default)]
pub struct Mode {
    pub readonly: bool,
}

/// True when the editor may not be changed (`readonly=1`).
pub fn readonly() -> bool {
    use_context::<Mode>().is_some_and(|m| m.readonly)
}

/// Speeds offered, as multiples of real time.
const SPEEDS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
const DEFAULT_SEED: u64 = 1;
/// Save the session at most this often (wall ms) while playing.
const SAVE_EVERY_MS: f64 = 2_000.0;
/// Wall-clock budget (ms) for simulation work in one frame.
const FRAME_WORK_MS: f64 = 8.0;

/// One line of console output.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub id: u64,
    pub class: &'static str,
    pub text: String,
    /// A session note, shown in the page's language (`text` is its English).
    pub note: Option<Note>,
}

/// The page's state: handles only, so it is `Copy` into every closure.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The core's session: the simulation, its history, snapshots and watch.
    pub session: StoredValue<Session>,
    /// Bumped after every change to the sim; memos track it.
    pub version: RwSignal<u64>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<f64>,
    pub text: RwSignal<String>,
    pub example: RwSignal<String>,
    pub banners: RwSignal<Vec<String>>,
    pub console: RwSignal<Vec<Line>>,
    pub editor_ref: NodeRef<html::Textarea>,
    pub theme: RwSignal<String>,
    /// The page's language; every view reads its words through `t`.
    pub lang: RwSignal<Lang>,
    /// Fraction of a virtual millisecond carried between frames.
    carry: StoredValue<f64>,
    /// The simulation could not keep up with the chosen speed.
    pub behind: RwSignal<bool>,
    frames: StoredValue<u64>,
    last_save: StoredValue<f64>,
    line_id: StoredValue<u64>,
    /// What is being fetched (`lazy`), shown as a status while it loads.
    pub loading: RwSignal<Vec<String>>,
    /// Bumped by each choice of example: a fetch that lands after a later
    /// choice does not replace it.
    choice: StoredValue<u64>,
    /// Console lines waiting for files they name (`lazy`), run in order.
    queue: StoredValue<Vec<String>>,
    draining: StoredValue<bool>,
    /// Whether the rest of the code (a split build's second part) is linked:
    /// `later::Later` panels wait for it.
    pub code: RwSignal<later::Code>,
    /// Page actions waiting for the rest of the code (`later::waits_for_rest`).
    waiting: later::Waiting,
    /// A save asked for before the rest of the code was linked (`save`).
    unsaved: later::Deferred<()>,
}

/// Whether a console line is the one the split's profile types, `get pods`
/// (`kubectl get pods` too): the first part answers it alone. Any other line
/// may need the rest: another kind's printer, `-o yaml`, a watch.
fn first_part_answers(line: &str) -> bool {
    crate::sim::kubectl::command_words(line).is_ok_and(|w| w == ["get", "pods"])
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

impl Ui {
    /// Reads the live simulation.
    pub fn with_sim<R>(self, f: impl FnOnce(&Sim) -> R) -> R {
        self.session.with_value(|s| f(s.sim()))
    }

    /// The page's text for `key` in the chosen language (tracked).
    pub fn t(self, key: K) -> &'static str {
        i18n::t(self.lang.get(), key)
    }

    /// The reactive text of `key` for a view. One closure type serves
    /// every key, so the views' code is not repeated per string.
    pub fn tr(self, key: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || i18n::t(self.lang.get(), key)
    }

    /// `t` with `{0}`, `{1}`, ... filled in.
    pub fn tf(self, key: K, args: &[&str]) -> String {
        i18n::tf(self.lang.get(), key, args)
    }

    /// The user switched language: remember it, and drop a `?lang=` that
    /// would override it on the next load.
    pub fn set_lang(self, lang: Lang) {
        self.lang.set(lang);
        persist::set(persist::LANG_KEY, lang.code());
        if let Ok(url) = web_sys::Url::new(&window().location().href().unwrap_or_default()) {
            if url.search_params().get("lang").is_some() {
                url.search_params().delete("lang");
                if let Ok(h) = window().history() {
                    let _ = h.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&url.href()),
                    );
                }
            }
        }
    }

    /// Marks the sim changed: views recompute, live watches print.
    pub fn changed(self) {
        fresh::bump();
        self.redraw();
    }

    /// Play moved the sim: live watches print, and views whose data
    /// changed (see `fresh::Stamp`) recompute.
    fn redraw(self) {
        let lines = self
            .session
            .try_update_value(|s| s.watch_lines())
            .unwrap_or_default();
        for l in lines {
            self.print("watch", l);
        }
        self.version.update(|v| *v += 1);
    }

    pub fn print(self, class: &'static str, text: String) {
        self.show(Printed::new(class, text));
    }

    /// A session note, worded in the page's language (and re-worded when
    /// it changes).
    pub fn note(self, class: &'static str, note: Note) {
        self.show(Printed::note(class, note));
    }

    /// A line the session printed, its note (if any) kept for the console.
    pub fn show(self, p: Printed) {
        let id = self.line_id.get_value();
        self.line_id.set_value(id + 1);
        let Printed { class, text, note } = p;
        let lang = self.lang.get_untracked();
        self.console.update(|c| {
            console::push_bounded(
                c,
                Line {
                    id,
                    class,
                    text,
                    note,
                },
                lang,
            )
        });
    }

    /// Sends one input into the session and reports its output.
    pub fn input(self, input: Input) -> Result<String, String> {
        let r = self
            .session
            .try_update_value(|s| s.input(input))
            .unwrap_or(Err("no session".into()));
        self.changed();
        self.save();
        r
    }

    pub fn watching(self) -> bool {
        self.session.with_value(|s| s.watching())
    }

    pub fn stop_watch(self) {
        self.session.update_value(|s| s.stop_watch());
    }

    pub fn apply(self, delete: bool) {
        if self.waits_for_rest(false, move || self.apply(delete)) {
            return;
        }
        let text = self.text.get_untracked();
        self.note("cmd", Note::EditorBuffer { delete });
        match self.input(Input::Manifest { text, delete }) {
            Ok(out) => self.print("out", out),
            Err(e) => self.print("err", e),
        }
    }

    /// A console line: kubectl (the word may be left out), or the script
    /// words `sleep 10s` and `fault ...`, so every page action can be typed.
    /// A line naming a docs file the page has not fetched yet
    /// (`kubectl apply -f https://k8s.io/examples/...`) waits for it; the
    /// lines after it wait their turn.
    pub fn kubectl(self, line: String) {
        let quick = first_part_answers(&line);
        let l = line.clone();
        if self.waits_for_rest(quick, move || self.kubectl(l)) {
            return;
        }
        self.queue.update_value(|q| q.push(line));
        if !self.draining.get_value() {
            self.drain();
        }
    }

    fn drain(self) {
        loop {
            let Some(line) = self
                .queue
                .try_update_value(|q| (!q.is_empty()).then(|| q.remove(0)))
                .flatten()
            else {
                self.draining.set_value(false);
                return;
            };
            if lazy::unfetched_files_of(&line).is_empty() {
                self.run_line(line);
                continue;
            }
            self.draining.set_value(true);
            let l = line.clone();
            lazy::line_then(
                self,
                &l,
                Box::new(move || {
                    self.run_line(line);
                    self.drain();
                }),
            );
            return;
        }
    }

    fn run_line(self, line: String) {
        let (printed, watching) = self
            .session
            .try_update_value(|s| (s.line(&line), s.watching()))
            .unwrap_or_default();
        for p in printed {
            self.show(p);
        }
        if watching {
            self.note("note", Note::Watching);
        }
        self.changed();
        self.save();
    }

    pub fn fault(self, spec: String) {
        self.kubectl(format!("fault {spec}"));
    }

    pub fn step(self) {
        if self.waits_for_rest(false, move || self.step()) {
            return;
        }
        self.session.update_value(|s| {
            s.step();
        });
        self.changed();
        self.save();
    }

    pub fn advance(self, ms: u64) {
        if self.waits_for_rest(false, move || self.advance(ms)) {
            return;
        }
        self.session.update_value(|s| s.advance(ms));
        self.changed();
    }

    pub fn reset(self) {
        if self.waits_for_rest(false, move || self.reset()) {
            return;
        }
        self.playing.set(false);
        self.session.update_value(|s| s.reset());
        self.note("note", Note::SessionReset);
        self.changed();
        self.save();
    }

    /// Time travel: the session as it was at `index` events.
    pub fn scrub_to(self, index: usize) {
        if self.waits_for_rest(false, move || self.scrub_to(index)) {
            return;
        }
        self.playing.set(false);
        // Timed (`<html data-perf>`, "scrub"): tests/e2e/scrub-measure.mjs reads it.
        let at = self.session.try_update_value(|s| {
            perf::time("scrub", || s.scrub_to(index));
            s.position().0
        });
        self.note("note", Note::ReplayedTo(at.unwrap_or(0)));
        self.changed();
    }

    pub fn save(self) {
        // The session's JSON writer is in the rest of the code (issue 12).
        // Before it is linked the only change a first visit makes is a
        // `get pods` (every other action waits for it), saved once it is;
        // if it never comes, nothing else can change.
        if self.unsaved.waits(self.code, |_| ()) {
            return;
        }
        let mut saved = self.session.with_value(|s| s.saved(None));
        saved.example = self.example.get_untracked();
        persist::save_session(&saved);
        self.last_save.set_value(now_ms());
    }

    /// Saves, then publishes the live session's trace fingerprint on
    /// `<html data-trace-hash data-trace-events>`, so a test can replay the
    /// saved session natively (`ordinal replay`) and compare. On demand
    /// only: hashing the whole log is too dear for every save.
    pub fn publish_trace(self) {
        if self.waits_for_rest(false, move || self.publish_trace()) {
            return;
        }
        self.session.update_value(|s| s.finish_step());
        self.save();
        let (hash, events) = self
            .session
            .with_value(|s| (s.trace_hash(), s.sim().log.len()));
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-trace-hash", &hash);
            let _ = root.set_attribute("data-trace-events", &events.to_string());
        }
    }

    /// Puts an example into the editor; one whose files are not at hand is
    /// fetched first (a later choice wins over a fetch still under way).
    pub fn load_example(self, id: &str) {
        let own = id.to_string();
        if self.waits_for_rest(false, move || self.load_example(&own)) {
            return;
        }
        let ticket = self.choice.get_value() + 1;
        self.choice.set_value(ticket);
        let put = move |id: &str, yaml: String| {
            self.text.set(yaml.clone());
            self.example.set(id.to_string());
            persist::set(persist::EDITOR_KEY, &yaml);
        };
        if let Some(yaml) = bridge::example_yaml(id) {
            put(id, yaml);
            return;
        }
        let id = id.to_string();
        let need = bridge::example_missing(&id);
        lazy::examples_then(
            self,
            &id.clone(),
            need,
            Box::new(move |fetched| {
                if self.choice.get_value() != ticket {
                    return;
                }
                match fetched.ok().and_then(|()| bridge::example_yaml(&id)) {
                    Some(yaml) => put(&id, yaml),
                    None => lazy::report(self, &lazy::example_urls(&bridge::example_missing(&id))),
                }
            }),
        );
    }

    /// Puts the caret at the start of a 1-based line of the editor.
    pub fn focus_line(self, line: usize) {
        if let Some(t) = self.editor_ref.get_untracked() {
            let text = self.text.get_untracked();
            let pos: usize = text
                .split('\n')
                .take(line.saturating_sub(1))
                .map(|l| l.encode_utf16().count() + 1)
                .sum();
            let _ = t.focus();
            let _ = t.set_selection_range(pos as u32, pos as u32);
        }
    }

    pub fn play(self) {
        if self.playing.get_untracked() || self.waits_for_rest(false, move || self.play()) {
            return;
        }
        self.playing.set(true);
        let start = now_ms();
        request_animation_frame(move || frame(self, start));
    }
}

/// One animation frame of play: virtual time moves by dt × speed; the
/// views redraw once per frame, however many syncs ran.
fn frame(ui: Ui, last: f64) {
    if !ui.playing.get_untracked() {
        // A step left half applied ends now: paused, the page shows whole steps.
        if ui.session.with_value(|s| s.sim().mid_step()) {
            ui.session.update_value(|s| s.finish_step());
            ui.redraw();
        }
        ui.save();
        return;
    }
    let now = now_ms();
    // A background tab or a long frame must not jump the clock by minutes.
    let dt = (now - last).clamp(0.0, 100.0);
    let exact = dt * ui.speed.get_untracked() + ui.carry.get_value();
    let ms = exact.floor();
    ui.carry.set_value(exact - ms);
    if ms >= 1.0 {
        let t0 = perf::now();
        let deadline = t0 + FRAME_WORK_MS;
        let behind = ui
            .session
            .try_update_value(|s| s.advance_within(ms as u64, &mut || perf::now() > deadline))
            .unwrap_or(false);
        perf::span("sim", t0);
        if behind != ui.behind.get_untracked() {
            ui.behind.set(behind);
        }
        ui.redraw();
    }
    let n = ui.frames.get_value() + 1;
    ui.frames.set_value(n);
    if n % 20 == 0 {
        perf::publish();
    }
    if now - ui.last_save.get_value() > SAVE_EVERY_MS {
        ui.save();
    }
    request_animation_frame(move || frame(ui, now));
}

#[component]
fn Banners(ui: Ui) -> impl IntoView {
    view! {
        <div class="banners" role="status" aria-live="polite">
            {move || {
                ui.loading.with(|l| {
                    (!l.is_empty()).then(|| {
                        let what = l
                            .iter()
                            .map(|w| match w.as_str() {
                                later::WAITING => ui.t(K::RestOfCode),
                                w => w,
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! { <p class="loading" data-testid="loading">{ui.tf(K::Loading, &[&what])}</p> }
                    })
                })
            }}
            {move || {
                ui.banners
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| {
                        view! {
                            <div class="banner" data-testid="banner">
                                <span>{move || i18n::translate(ui.lang.get(), &b)}</span>
                                <button
                                    aria-label=ui.tr(K::Dismiss)
                                    on:click=move |_| ui.banners.update(|v| { if i < v.len() { v.remove(i); } })
                                >
                                    "×"
                                </button>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

#[component]
fn TimeBar(ui: Ui) -> impl IntoView {
    let clock = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| model::clock(s.now))
    });
    let position = Memo::new(move |_| {
        ui.version.track();
        ui.session.with_value(|s| s.position())
    });
    let at_event = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| {
            s.log
                .last()
                .map(|e| format!("{} {} {}", model::clock(e.time), e.reason, e.name))
                .unwrap_or_default()
        })
    });
    let speed_str = move || {
        let s = ui.speed.get();
        if s < 1.0 {
            format!("{s}×")
        } else {
            format!("{}×", s as u64)
        }
    };
    view! {
        <div class="timebar" role="group" aria-label=ui.tr(K::TimeControls)>
            <button
                class="primary"
                data-testid="play"
                aria-pressed=move || ui.playing.get().to_string()
                on:click=move |_| if ui.playing.get_untracked() { ui.playing.set(false) } else { ui.play() }
            >
                {move || ui.t(if ui.playing.get() { K::Pause } else { K::Play })}
            </button>
            <button data-testid="step" on:click=move |_| ui.step() title=ui.tr(K::StepTitle)>{ui.tr(K::Step)}</button>
            // For tests and devtools: `document.querySelector('[data-testid=publish-trace]').click()`.
            <button hidden data-testid="publish-trace" on:click=move |_| ui.publish_trace()>"Publish trace"</button>
            <button data-testid="advance" on:click=move |_| ui.advance(1000) title=ui.tr(K::AdvanceTitle)>"+1s"</button>
            <label class="speed">
                {ui.tr(K::Speed)}" "
                <select
                    data-testid="speed"
                    aria-label=ui.tr(K::Speed)
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            ui.speed.set(v)
                        }
                    }
                >
                    {SPEEDS
                        .iter()
                        .map(|s| {
                            let s = *s;
                            view! {
                                <option value=s.to_string() selected=move || ui.speed.get() == s>
                                    {if s < 1.0 { format!("{s}×") } else { format!("{}×", s as u64) }}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <output class="clock" data-testid="clock" aria-label=ui.tr(K::VirtualClock)>{move || clock.get()}</output>
            <Show when=move || ui.behind.get() && ui.playing.get()>
                <span class="behind" title=ui.tr(K::SlowedTitle)>{ui.tr(K::Slowed)}</span>
            </Show>
            <span class="sr-only">{speed_str}</span>
            <label class="timeline">
                <span class="muted">{ui.tr(K::Timeline)}</span>
                <input
                    type="range"
                    data-testid="timeline"
                    aria-label=ui.tr(K::TimelineAria)
                    min="0"
                    max=move || position.get().1.to_string()
                    prop:max=move || position.get().1.to_string()
                    prop:value=move || position.get().0.to_string()
                    on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            ui.scrub_to(i)
                        }
                    }
                />
                <span class="muted pos" data-testid="timeline-pos">
                    {move || { let (a, t) = position.get(); format!("{a}/{t}") }}
                </span>
            </label>
            <span class="at-event muted" title=ui.tr(K::LatestEvent)>{move || at_event.get()}</span>
            <button data-testid="reset" on:click=move |_| ui.reset() title=ui.tr(K::ResetTitle)>{ui.tr(K::Reset)}</button>
            <button
                data-testid="theme"
                title=ui.tr(K::ThemeAria)
                on:click=move |_| {
                    ui.theme.update(|t| {
                        *t = match t.as_str() {
                            "auto" => "dark".into(),
                            "dark" => "light".into(),
                            _ => "auto".into(),
                        }
                    })
                }
            >
                {move || {
                    let name = match ui.theme.get().as_str() {
                        "dark" => ui.t(K::ThemeDark),
                        "light" => ui.t(K::ThemeLight),
                        _ => ui.t(K::ThemeAuto),
                    };
                    ui.tf(K::Theme, &[name])
                }}
            </button>
        </div>
        <Show when=move || { ui.version.track(); ui.session.with_value(|s| s.scrubbed()) }>
            <p class="scrubbed" role="status">{ui.tr(K::Scrubbed)}</p>
        </Show>
    }
}

#[component]
fn Examples(ui: Ui) -> impl IntoView {
    let list = bridge::examples();
    let current = move || {
        let id = ui.example.get();
        bridge::examples().into_iter().find(|e| e.id == id)
    };
    view! {
        <section class="panel examples" aria-labelledby="examples-h">
            <h2 id="examples-h">{ui.tr(K::Examples)}</h2>
            <div class="example-list" role="list">
                {list
                    .into_iter()
                    .map(|ex| {
                        let id = ex.id.clone();
                        let id2 = ex.id.clone();
                        let ex2 = ex.clone();
                        let title = move || {
                            let lang = ui.lang.get();
                            let original = if ex2.modern { "" } else { i18n::t(lang, K::Original) };
                            format!("{}{original}", ex2.title_in(lang))
                        };
                        let ex3 = ex.clone();
                        let busy_id = ex.id.clone();
                        view! {
                            <button
                                role="listitem"
                                class="example"
                                class:current=move || ui.example.get() == id2
                                data-testid=format!("example-{id}")
                                title=move || ex3.description_in(ui.lang.get()).to_string()
                                aria-busy=move || ui.loading.with(|l| l.contains(&busy_id)).then_some("true")
                                on:click=move |_| ui.load_example(&ex.id)
                            >
                                {title}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || {
                current()
                    .map(|ex| {
                        view! {
                            <p class="example-desc" data-testid="example-desc">{ex.description_in(ui.lang.get()).to_string()}</p>
                            {(!ex.note.is_empty()).then(|| view! { <p class="example-note muted">{ex.note_in(ui.lang.get()).to_string()}</p> })}
                        }
                    })
            }}
        </section>
    }
}

/// `?lang=` wins, then the saved choice, then the browser's language.
fn initial_lang() -> Lang {
    let query = window()
        .location()
        .search()
        .ok()
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("lang"));
    let saved = persist::get(persist::LANG_KEY);
    let navigator = window().navigator().language();
    i18n::choose(query.as_deref(), saved.as_deref(), navigator.as_deref())
}

/// The language switch in the header: each language named in itself.
#[component]
fn LangSwitch(ui: Ui) -> impl IntoView {
    view! {
        <select
            class="lang"
            data-testid="lang"
            aria-label=ui.tr(K::Language)
            on:change=move |ev| {
                if let Some(l) = Lang::parse(&event_target_value(&ev)) {
                    ui.set_lang(l)
                }
            }
        >
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <option value=l.code() lang=l.html_lang() selected=move || ui.lang.get() == l>
                            {l.name()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn App() -> impl IntoView {
    // The address (a share link, ?example=, embed parameters) or, for the
    // full page with no link, local storage.
    let start = share::start(DEFAULT_SEED);
    let params = start.params.clone();
    let theme = params
        .theme
        .clone()
        .or_else(|| {
            (!params.embed)
                .then(|| persist::get(persist::THEME_KEY))
                .flatten()
        })
        .unwrap_or_else(|| "auto".into());
    let speed = params.speed.map_or(1.0, |s| {
        *SPEEDS
            .iter()
            .min_by(|a, b| (*a - s).abs().total_cmp(&(*b - s).abs()))
            .unwrap_or(&1.0)
    });
    let ui = Ui {
        session: StoredValue::new(start.session),
        version: RwSignal::new(0),
        playing: RwSignal::new(false),
        speed: RwSignal::new(speed),
        text: RwSignal::new(start.editor),
        example: RwSignal::new(start.example),
        banners: RwSignal::new({
            let mut b = START_PROBLEMS.with(|p| std::mem::take(&mut *p.borrow_mut()));
            b.extend(start.problems);
            b
        }),
        console: RwSignal::new(Vec::new()),
        editor_ref: NodeRef::new(),
        theme: RwSignal::new(theme),
        lang: RwSignal::new(initial_lang()),
        carry: StoredValue::new(0.0),
        behind: RwSignal::new(false),
        frames: StoredValue::new(0),
        last_save: StoredValue::new(0.0),
        line_id: StoredValue::new(0),
        loading: RwSignal::new(Vec::new()),
        choice: StoredValue::new(0),
        queue: StoredValue::new(Vec::new()),
        draining: StoredValue::new(false),
        code: later::code(),
        waiting: StoredValue::new_local(Vec::new()),
        unsaved: later::Deferred::new(),
    };
    later::run_waiting(ui);
    ui.unsaved.on_ready(ui.code, move |()| ui.save());
    for p in start.printed {
        ui.show(p);
    }
    Effect::new(move |_| {
        let t = ui.theme.get();
        persist::set_pref(persist::THEME_KEY, &t);
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", &t);
        }
    });
    Effect::new(move |_| {
        let lang = ui.lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.html_lang());
        }
        document().set_title(i18n::t(lang, K::PageTitle));
    });
    robust::debug_panic();
    let share = share::Share::new();
    share.follow(ui);
    share::accept_drops(ui);
    embed_api::install(ui);
    if params.autoplay {
        request_animation_frame(move || ui.play());
    }
    if params.embed {
        provide_context(Mode {
            readonly: params.readonly,
        });
        return view! { <embed::Embed ui=ui share=share params=params /> }.into_any();
    }
    view! {
        <header class="top">
            <div class="brand">
                <h1>{"Ordinal"}</h1>
                <span class="version muted">{crate::sim::version_string()}</span>
            </div>
            <LangSwitch ui=ui />
            <TimeBar ui=ui />
            <share::ShareBar ui=ui share=share />
        </header>
        <Banners ui=ui />
        <robust::StorageBanner ui=ui />
        <main class="app" data-testid="app" data-ready="true">
            <div class="left">
                <Later ui=ui name="lessons" title=K::Lessons sketch=move || lessons::sketch(ui)><lessons::Lessons ui=ui /></Later>
                <Examples ui=ui />
                <Later ui=ui name="gates" title=K::FeatureGates sketch=move || gates::sketch(ui)><gates::Gates ui=ui /></Later>
                <editor::Editor ui=ui />
                <console::Console ui=ui />
            </div>
            <div class="right">
                <views::Cluster ui=ui />
                <Later ui=ui name="storage" title=K::Storage><views::Storage ui=ui /></Later>
                <Later ui=ui name="network" title=K::Network><views::Network ui=ui /></Later>
                <Later ui=ui name="events" title=K::Events><views::Events ui=ui /></Later>
                <Later ui=ui name="chart" title=K::Chart><chart::ChartPanel ui=ui /></Later>
            </div>
        </main>
    }
    .into_any()
}

pub fn mount() {
    // The address may name an example whose files the first load leaves
    // out: fetch them first, so the start is the same as with all built in.
    // (wasm-bindgen's executor: Leptos's is set up by the mount.)
    wasm_bindgen_futures::spawn_local(async {
        let problems = lazy::before_start().await;
        START_PROBLEMS.with(|p| *p.borrow_mut() = problems);
        let t0 = perf::now();
        leptos::mount::mount_to_body(App);
        // Always a `performance.measure`, whatever it took: a trace shows the
        // mount, and the split's profile always sees `perf::measure` run (else
        // it ran only when some span at mount took 2 ms, so the first load
        // held its code or not by chance, and a slow device loaded the rest
        // synchronously at mount).
        perf::measure("mount", t0, perf::now());
    });
}

thread_local! {
    /// What `lazy::before_start` could not fetch, for the first banners.
    static START_PROBLEMS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}
