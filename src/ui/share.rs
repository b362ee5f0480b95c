//! Share links and session files. The address bar always holds the session
//! (its fragment rewritten in place with `history.replaceState`, throttled),
//! the Share control copies it, a session too long for a link is offered
//! as an `.ordinal.json` file, and such files open by the file chooser or
//! by dropping them on the page. What the address asks for at start
//! (`?example=`, `&apply=1`, a session fragment, the embed parameters) is
//! read here too. Encoding, decoding and replay are the core's
//! (`session::saved`, `session::host`); this only moves text.

use super::i18n::{self, Key as K};
use super::later::Deferred;
use super::{bridge, now_ms, persist, Ui};
use crate::sim::session::host::{self, Params};
use crate::sim::session::saved::{Saved, LINK_LIMIT};
use crate::sim::session::{Note, Printed, Session};
use crate::sim::{Config, Input};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};

/// Rewrite the address at most this often while playing (each rewrite
/// compresses the whole journal).
const THROTTLE_MS: u64 = 1_000;
/// Editor text longer than this (bytes) is linked after a pause in typing.
const HUGE_TEXT: usize = 64 * 1024;
const HUGE_TEXT_WAIT_MS: u64 = 500;
const FILE_NAME: &str = "ordinal-session.ordinal.json";

/// How the page starts, from the address and local storage.
pub struct Start {
    pub session: Session,
    pub editor: String,
    pub example: String,
    pub problems: Vec<String>,
    /// What applying `?example=...&apply=1` printed.
    pub printed: Vec<Printed>,
    pub params: Params,
}

fn location() -> (String, String) {
    let loc = window().location();
    (
        loc.search().unwrap_or_default(),
        loc.hash().unwrap_or_default(),
    )
}

fn example_yaml(id: &str) -> Option<String> {
    bridge::example_yaml(id)
}

/// Reads the address (and, for the full page with no link, local storage).
pub fn start(default_seed: u64) -> Start {
    let (search, hash) = location();
    let params = Params::parse(&search);
    let mut problems = params.problems.clone();
    if params.embed {
        persist::hold(persist::Hold::Never);
    }
    let fresh = |example: &str| {
        let mut s = Session::new(default_seed, Config::default());
        s.example = example.to_string();
        s
    };
    let frag = hash.trim_start_matches('#');
    let mut bad_link = false;
    // A lesson link (`#l1.…`) is the Lessons panel's to open, not a session.
    if !frag.is_empty() && !crate::sim::lessons::link::is_link(frag) {
        match Saved::from_link(frag) {
            Ok(saved) => {
                persist::hold(persist::Hold::UntilActs);
                let session = Session::open(&saved);
                let editor = saved
                    .editor
                    .clone()
                    .or_else(|| example_yaml(&saved.example))
                    .unwrap_or_default();
                return Start {
                    session,
                    editor,
                    example: saved.example.clone(),
                    problems,
                    printed: Vec::new(),
                    params,
                };
            }
            Err(e) => {
                persist::hold(persist::Hold::UntilActs);
                bad_link = true;
                problems.push(format!(
                    "This link's session could not be opened: {e}. The default example was opened instead; nothing saved in this browser was changed."
                ));
            }
        }
    }
    let from_address = params.example.is_some() || params.apply || bad_link;
    if from_address || params.embed {
        if !params.embed {
            persist::hold(persist::Hold::UntilActs);
        }
        let id = params
            .example
            .clone()
            .unwrap_or_else(|| bridge::DEFAULT_EXAMPLE.to_string());
        let editor = example_yaml(&id).unwrap_or_default();
        let mut session = fresh(&id);
        let mut printed = Vec::new();
        // An example whose files could not be fetched is not applied
        // (`lazy::before_start` said what is missing).
        if params.apply && !bad_link && !editor.is_empty() {
            printed.push(Printed::note("cmd", Note::ApplyExample(id.clone())));
            let r = session.input(Input::Manifest {
                text: editor.clone(),
                delete: false,
            });
            let (class, text) = match r {
                Ok(t) => ("out", t),
                Err(e) => ("err", e),
            };
            printed.push(Printed::new(class, text.trim_end()));
        }
        return Start {
            session,
            editor,
            example: id,
            problems,
            printed,
            params,
        };
    }
    // The full page with no link: what this browser saved.
    let loaded = persist::load();
    problems.extend(loaded.problems);
    let session = match &loaded.session {
        Some(s) => Session::open(s),
        None => fresh(""),
    };
    let (editor, example) = match loaded.editor {
        Some(t) => (t, session.example.clone()),
        None => {
            let id = bridge::DEFAULT_EXAMPLE.to_string();
            let yaml = example_yaml(&id).unwrap_or_default();
            persist::set(persist::EDITOR_KEY, &yaml);
            (yaml, id)
        }
    };
    Start {
        session,
        editor,
        example,
        problems,
        printed: Vec::new(),
        params,
    }
}

/// The share state: handles only.
#[derive(Clone, Copy)]
pub struct Share {
    /// The link's length, and whether it is past `LINK_LIMIT`.
    pub length: RwSignal<usize>,
    pub too_long: RwSignal<bool>,
    /// What the Share control last did.
    pub status: RwSignal<String>,
    /// The full page's address with this session ("Open in Ordinal").
    pub full_href: RwSignal<String>,
    pending: StoredValue<bool>,
    /// When the address was last rewritten (wall ms).
    last_write: StoredValue<f64>,
    /// A write asked for before the rest of the code was linked (whether it
    /// rewrites the address): done once it is.
    deferred: Deferred<bool>,
}

impl Share {
    pub fn new() -> Share {
        Share {
            length: RwSignal::new(0),
            too_long: RwSignal::new(false),
            status: RwSignal::new(String::new()),
            full_href: RwSignal::new(String::new()),
            pending: StoredValue::new(false),
            last_write: StoredValue::new(f64::NEG_INFINITY),
            deferred: Deferred::new(),
        }
    }

    /// Keeps the address in step with the session: rewritten after the
    /// frame that shows a change while paused, and at most every
    /// `THROTTLE_MS` while playing (the last one always lands). The
    /// address a page opened with stays until the first change: a link that did not open stays visible, and
    /// a reload of an untouched page reads local storage as before.
    pub fn follow(self, ui: Ui) {
        Effect::new(move |prev: Option<()>| {
            ui.version.track();
            if prev.is_none() {
                self.write(ui, false);
                return;
            }
            if self.pending.get_value() {
                return;
            }
            // Only play runs many frames a second; a paused page's changes
            // are a person's actions, and each lands right after the frame
            // that shows it, so a reload right after one keeps it. Never
            // while the document is being changed (in an event handler or
            // a frame's redraw): `replaceState` then restyles and lays out
            // the half-changed page at once (Chromium, in
            // didFinishSameDocumentNavigation), tens to hundreds of
            // milliseconds with a few hundred pods; from a task after the
            // frame it costs about 1 ms. A drag of the timeline also writes
            // once per frame, not once per position.
            let wait = if ui.playing.get_untracked() {
                THROTTLE_MS as f64 - (now_ms() - self.last_write.get_value())
            } else {
                0.0
            };
            self.pending.set_value(true);
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        self.pending.set_value(false);
                        self.write(ui, true);
                    },
                    Duration::from_millis(wait.max(0.0).ceil() as u64),
                )
            });
        });
        // Edits come at typing speed, and a pause ends a run of frames: the
        // address takes them at once, so a reload right after keeps them.
        // A huge buffer (a pasted file) is linked once typing pauses, not
        // compressed again on every key.
        let ticket = StoredValue::new(0u64);
        // What was asked for before the rest of the code came (`write`).
        self.deferred
            .on_ready(ui.code, move |replace| self.write(ui, replace));
        Effect::new(move |prev: Option<()>| {
            let huge = ui.text.with(|t| t.len() > HUGE_TEXT);
            ui.example.track();
            ui.playing.track();
            if prev.is_none() {
                return;
            }
            let mine = ticket.get_value() + 1;
            ticket.set_value(mine);
            if !huge {
                // At once, unlike the changes above: a reload may follow a
                // keystroke within a frame (and a test's does), and typing
                // changes little of the page for replaceState to restyle.
                self.write(ui, true);
                return;
            }
            set_timeout(
                move || {
                    if ticket.get_value() == mine {
                        self.write(ui, true);
                    }
                },
                Duration::from_millis(HUGE_TEXT_WAIT_MS),
            );
        });
    }

    fn saved(ui: Ui) -> Saved {
        let mut saved = ui
            .session
            .with_value(|s| s.saved(Some(ui.text.get_untracked())));
        saved.example = ui.example.get_untracked();
        saved
    }

    /// Works out the link; with `replace`, rewrites the address with it now
    /// (no new history entry).
    pub fn write(self, ui: Ui, replace: bool) {
        // The link's compression is in the rest of the code (issue 12), and
        // a first visit that waits for nothing would otherwise load it
        // synchronously for its first link. Until the rest is linked the
        // address keeps what the page opened with (the session, or the
        // start of the edits not yet linked: the editor's text is kept in
        // local storage meanwhile), and "Open in Ordinal" takes it too. If
        // the rest cannot be had, that stays so: only Share tries again.
        if self
            .deferred
            .waits(ui.code, |d| d.unwrap_or(false) || replace)
        {
            if self.full_href.with_untracked(String::is_empty) {
                let loc = window().location();
                let (search, hash) = (loc.search(), loc.hash());
                self.full_href.set(full_href(
                    &loc,
                    &search.unwrap_or_default(),
                    &hash.unwrap_or_default(),
                ));
            }
            if replace {
                ui.text
                    .with_untracked(|t| persist::set(persist::EDITOR_KEY, t));
            }
            return;
        }
        self.write_now(ui, replace);
    }

    fn write_now(self, ui: Ui, replace: bool) {
        // Timed (`<html data-perf>`, "link"): tests/e2e/deflate-measure.mjs reads it.
        let link = super::perf::time("link", || Share::saved(ui).to_link());
        let fits = link.len() <= LINK_LIMIT;
        let loc = window().location();
        let path = loc.pathname().unwrap_or_default();
        let search = host::query_without(&loc.search().unwrap_or_default(), host::SESSION_PARAMS);
        let frag = if fits {
            format!("#{link}")
        } else {
            String::new()
        };
        if replace {
            if let Ok(h) = window().history() {
                let _ = h.replace_state_with_url(
                    &JsValue::NULL,
                    "",
                    Some(&format!("{path}{search}{frag}")),
                );
            }
            self.last_write.set_value(now_ms());
        }
        self.full_href.set(full_href(&loc, &search, &frag));
        self.length.set(link.len());
        self.too_long.set(!fits);
    }

    /// The Share control: brings the address up to date and copies it.
    pub fn copy(self, ui: Ui) {
        if ui.waits_for_rest(false, move || self.copy(ui)) {
            return;
        }
        self.write_now(ui, true);
        if self.too_long.get_untracked() {
            let n = self.length.get_untracked().to_string();
            self.status.set(ui.tf(K::TooLongForLink, &[&n]));
            return;
        }
        let href = window().location().href().unwrap_or_default();
        let n = href.len().to_string();
        let lang = ui.lang.get_untracked();
        let promise = window().navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            let msg = match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => i18n::tf(lang, K::LinkCopied, &[&n]),
                Err(_) => i18n::tf(lang, K::LinkInAddress, &[&n]),
            };
            self.status.set(msg);
        });
    }
}

/// Offers the session as an `.ordinal.json` file (`ordinal replay` reads it).
pub fn download(ui: Ui) {
    if ui.waits_for_rest(false, move || download(ui)) {
        return;
    }
    let json = Share::saved(ui).to_json();
    let parts = js_sys::Array::of1(&JsValue::from_str(&json));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document()
        .create_element("a")
        .map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>())
    {
        a.set_href(&url);
        a.set_download(FILE_NAME);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Opens a session file's text (or a pasted link): the person's act, so it
/// is saved. A file that does not open leaves the session as it was.
pub fn open_text(ui: Ui, name: &str, text: &str) {
    match Saved::open(text) {
        Ok(saved) => {
            ui.playing.set(false);
            let session = Session::open(&saved);
            let editor = saved
                .editor
                .clone()
                .or_else(|| example_yaml(&saved.example))
                .unwrap_or_else(|| ui.text.get_untracked());
            ui.session.set_value(session);
            ui.text.set(editor.clone());
            ui.example.set(saved.example.clone());
            persist::set(persist::EDITOR_KEY, &editor);
            ui.note("note", Note::Opened(name.to_string()));
            ui.changed();
            ui.save();
        }
        Err(e) => ui
            .banners
            .update(|b| b.push(format!("{name} could not be opened: {e}."))),
    }
}

fn open_file(ui: Ui, file: web_sys::File) {
    let again = file.clone();
    if ui.waits_for_rest(false, move || open_file(ui, again)) {
        return;
    }
    let name = file.name();
    let promise = file.text();
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(v) => {
                let text = v.as_string().unwrap_or_default();
                if let Err(failed) = super::lazy::examples_of_session(ui, &text).await {
                    super::lazy::report(ui, &failed);
                }
                open_text(ui, &name, &text)
            }
            Err(_) => ui
                .banners
                .update(|b| b.push(format!("{name} could not be read."))),
        }
    });
}

/// Dropping an `.ordinal.json` file anywhere on the page opens it.
pub fn accept_drops(ui: Ui) {
    let w = window();
    let body_class = |on: bool| {
        if let Some(b) = document().body() {
            let _ = if on {
                b.class_list().add_1("dragging")
            } else {
                b.class_list().remove_1("dragging")
            };
        }
    };
    let has_files = |ev: &web_sys::DragEvent| {
        ev.data_transfer()
            .map(|d| {
                d.types()
                    .iter()
                    .any(|t| t.as_string().as_deref() == Some("Files"))
            })
            .unwrap_or(false)
    };
    gloo::events::EventListener::new_with_options(
        &w,
        "dragover",
        gloo::events::EventListenerOptions::enable_prevent_default(),
        move |ev| {
            let ev: &web_sys::DragEvent = ev.unchecked_ref();
            if has_files(ev) {
                ev.prevent_default();
                body_class(true);
            }
        },
    )
    .forget();
    gloo::events::EventListener::new(&w, "dragleave", move |_| body_class(false)).forget();
    gloo::events::EventListener::new_with_options(
        &w,
        "drop",
        gloo::events::EventListenerOptions::enable_prevent_default(),
        move |ev| {
            let ev: &web_sys::DragEvent = ev.unchecked_ref();
            body_class(false);
            let file = ev
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(f) = file {
                ev.prevent_default();
                open_file(ui, f);
            }
        },
    )
    .forget();
}

/// Share, save to a file, open a file; with what the last of them did.
#[component]
pub fn ShareBar(ui: Ui, share: Share, #[prop(optional)] compact: bool) -> impl IntoView {
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            open_file(ui, f);
        }
        input.set_value("");
    };
    view! {
        <div class="share" role="group" aria-label=ui.tr(K::ShareTitle)>
            <button data-testid="share" on:click=move |_| share.copy(ui)
                title=ui.tr(K::ShareTitle)>{ui.tr(K::Share)}</button>
            <Show when=move || !compact || share.too_long.get()>
                <button data-testid="download" on:click=move |_| download(ui)
                    title=ui.tr(K::SaveFileTitle)>{ui.tr(K::SaveFile)}</button>
            </Show>
            <Show when=move || !compact>
                <label class="file-open" title=ui.tr(K::OpenFileTitle)>
                    <span>{ui.tr(K::OpenFile)}</span>
                    <input type="file" data-testid="open-file" accept=".json,application/json" on:change=on_file />
                </label>
            </Show>
            <span class="share-status" class:warn=move || share.too_long.get() data-testid="share-status" role="status">
                {move || {
                    let s = share.status.get();
                    if s.is_empty() && share.too_long.get() {
                        ui.tf(K::TooLongForLink, &[&share.length.get().to_string()])
                    } else {
                        s
                    }
                }}
            </span>
        </div>
    }
}

/// The full page's address ("Open in Ordinal"): this one (`loc`, which the
/// caller has read already), without what only an embed means, and with `frag`.
fn full_href(loc: &web_sys::Location, search: &str, frag: &str) -> String {
    format!(
        "{}{}{}{frag}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default(),
        host::query_without(search, host::EMBED_ONLY)
    )
}
