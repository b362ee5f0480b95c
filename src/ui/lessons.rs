//! The Lessons panel: the bundled lessons with their progress, the current
//! step's text (the core's Markdown blocks, rendered as text), hints behind
//! a click, the solution on demand, and the step's checks ticking live
//! with their reasons. Progress is saved in local storage (versioned) and
//! survives a reload; `?lesson=<id>` opens a lesson. A teacher's own
//! lesson opens from pasted text, a file chooser, `?lesson-url=` on the same
//! site, or a link whose fragment carries it (`#l1.…`, `sim::lessons::link`).
//! Starting a lesson's cluster over a session with history asks first. The
//! model, the checks and their evaluation are the core's (`sim::lessons`).
//! The bundled lessons are listed from the core's index; each file (and
//! the examples' files it needs) is fetched when the lesson is first
//! opened (`super::lazy`).

use super::{persist, Ui};
use crate::sim::lessons::markdown::{self, Block, Inline};
use crate::sim::lessons::{self, link, run, Lang, Lesson, Outcome, Progress};
use crate::sim::session::Note;
use crate::sim::sort::CollectSorted;
use crate::sim::JournalEntry;
use leptos::prelude::*;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// Re-evaluate at most this often (wall ms) while the cluster changes.
const EVAL_EVERY_MS: f64 = 250.0;

type Saved = BTreeMap<String, Progress>;

/// How a pasted lesson is named in its errors.
const OWN_FILE: &str = "your lesson";

/// The YAML of the teacher's own lessons, as pasted.
fn load_own() -> Vec<String> {
    persist::get(persist::OWN_LESSONS_KEY)
        .and_then(|raw| serde_json::from_str::<Vec<String>>(&raw).ok())
        .unwrap_or_default()
}

fn save_own(texts: &[String]) {
    if let Ok(s) = serde_json::to_string(texts) {
        persist::set(persist::OWN_LESSONS_KEY, &s);
    }
}

fn load_progress() -> Saved {
    persist::get(persist::LESSONS_KEY)
        .and_then(|raw| serde_json::from_str::<Saved>(&raw).ok())
        .unwrap_or_default()
}

fn save_progress(p: &Saved) {
    if let Ok(s) = serde_json::to_string(p) {
        persist::set(persist::LESSONS_KEY, &s);
    }
}

/// `?lesson=<id>` of the page's URL.
fn lesson_param() -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("lesson")
}

/// The page URL's fragment when it carries a lesson (`#l1.…`).
fn lesson_fragment() -> Option<String> {
    let hash = window().location().hash().ok()?;
    link::is_link(&hash).then_some(hash)
}

/// Whether the session has history a fresh lesson cluster would replace:
/// something the person did (an input), not only time that passed.
fn has_history(ui: Ui) -> bool {
    ui.session.with_value(|s| {
        s.saved(None)
            .journal
            .iter()
            .any(|e| matches!(e, JournalEntry::Input(_)))
    })
}

/// Asks before a lesson's cluster replaces a session with history.
fn may_replace(ui: Ui, title: &str) -> bool {
    if !has_history(ui) {
        return true;
    }
    let ask = match ui.lang.get_untracked() {
        super::i18n::Lang::En => format!(
            "Start the lesson \"{title}\" on its own cluster? This replaces the current session and its history.\n\nCancel opens the lesson on the current session instead."
        ),
        super::i18n::Lang::Zh => format!(
            "在课程“{title}”自己的集群上开始它吗？这会替换当前会话及其历史。\n\n选择“取消”则在当前会话上打开该课程。"
        ),
    };
    window().confirm_with_message(&ask).unwrap_or(false)
}

/// `?lesson-url=<path>` of the page's URL.
fn lesson_url_param() -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("lesson-url")
}

/// Reads a lesson file from the page's own origin: only a relative path
/// (`lessons/x.yaml`), never another host, scheme or absolute path.
fn fetch_relative(path: &str) -> Result<String, String> {
    let relative =
        !path.is_empty() && !path.contains(':') && !path.starts_with('/') && !path.contains('\\');
    if !relative {
        return Err(format!(
            "lesson-url \"{path}\": only a relative path on this site is allowed (like lessons/x.yaml)"
        ));
    }
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| "no XMLHttpRequest".to_string())?;
    // Synchronous: one small same-origin file, read once at start-up.
    xhr.open_with_async("GET", path, false)
        .map_err(|_| format!("{path}: cannot be requested"))?;
    xhr.send()
        .map_err(|_| format!("{path}: could not be read"))?;
    match xhr.status().unwrap_or(0) {
        200 => xhr
            .response_text()
            .ok()
            .flatten()
            .ok_or_else(|| format!("{path}: empty answer")),
        status => Err(format!("{path}: the server answered {status}")),
    }
}

fn inline_view(i: &Inline) -> AnyView {
    match i.clone() {
        Inline::Text(t) => t.into_any(),
        Inline::Code(c) => view! { <code>{c}</code> }.into_any(),
        Inline::Emphasis(t) => view! { <em>{t}</em> }.into_any(),
        Inline::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
    }
}

fn inlines_view(items: &[Inline]) -> Vec<AnyView> {
    items.iter().map(inline_view).collect()
}

/// The Markdown subset as elements with text children: never raw HTML.
fn markdown_view(text: &str) -> Vec<AnyView> {
    markdown::parse(text)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(i) => view! { <p>{inlines_view(&i)}</p> }.into_any(),
            Block::List {
                ordered: false,
                items,
            } => view! {
                <ul>{items.iter().map(|i| view! { <li>{inlines_view(i)}</li> }).collect_view()}</ul>
            }
            .into_any(),
            Block::List {
                ordered: true,
                items,
            } => view! {
                <ol>{items.iter().map(|i| view! { <li>{inlines_view(i)}</li> }).collect_view()}</ol>
            }
            .into_any(),
            Block::Code(c) => view! { <pre><code>{c}</code></pre> }.into_any(),
        })
        .collect()
}

/// The session as a share link (`#o1.…`, `sim::session::saved`).
fn share_link(ui: Ui) -> String {
    let mut saved = ui
        .session
        .with_value(|s| s.saved(Some(ui.text.get_untracked())));
    saved.example = ui.example.get_untracked();
    format!("#{}", saved.to_link())
}

/// Sets the lesson's cluster up in place of the current session.
fn start_lesson(ui: Ui, lesson: &Lesson) {
    let editor = run::editor_text(lesson);
    match run::start_session(lesson, editor.clone()) {
        Ok(session) => {
            ui.playing.set(false);
            ui.session.set_value(session);
            if let Some(text) = editor {
                ui.text.set(text.clone());
                ui.example.set(String::new());
                persist::set(persist::EDITOR_KEY, &text);
            }
            ui.note("note", Note::LessonStarted(lesson.id.clone()));
            ui.changed();
            ui.save();
        }
        Err(e) => ui.print("err", format!("lesson {}: {e}", lesson.id)),
    }
}

/// The teacher's own lessons' opener, in English and Chinese (`Lessons` and
/// its `sketch`).
const OPEN_OWN: (&str, &str) = ("Open your own lesson", "打开自己的课程");

/// What `Lessons` shows under its heading before a lesson is opened, the
/// bundled lessons from the core's index: drawn, disabled, while it waits
/// for the rest of the code (`super::later`), so the panel keeps its room.
pub fn sketch(ui: Ui) -> impl IntoView {
    let zh = move || ui.lang.get() == super::i18n::Lang::Zh;
    view! {
        <div class="lesson-list" role="list">
            {lessons::INDEX
                .iter()
                .map(|b| {
                    view! {
                        <div role="listitem">
                            <button class="lesson" disabled>
                                {move || if zh() { b.title_zh } else { b.title_en }}
                                <span class="lesson-count muted">{format!(" 0/{}", b.steps)}</span>
                            </button>
                        </div>
                    }
                })
                .collect_view()}
        </div>
        <details class="lesson-own">
            <summary>{move || if zh() { OPEN_OWN.1 } else { OPEN_OWN.0 }}</summary>
        </details>
    }
}

#[component]
pub fn Lessons(ui: Ui) -> impl IntoView {
    // The lessons read so far: bundled ones once fetched, and a teacher's
    // own lessons, pasted earlier.
    let mut all: Vec<Lesson> = Vec::new();
    for text in load_own() {
        if let Ok(l) = lessons::parse(OWN_FILE, &text) {
            if lessons::listed(&l.id).is_none() && !all.iter().any(|b| b.id == l.id) {
                all.push(l);
            }
        }
    }
    let all = RwSignal::new(all);
    // The teacher's own lessons' texts by id, for their share links.
    let own_texts = RwSignal::new(
        load_own()
            .into_iter()
            .filter_map(|t| lessons::parse(OWN_FILE, &t).ok().map(|l| (l.id, t)))
            .collect_sorted::<BTreeMap<String, String>>(),
    );
    let own_text = RwSignal::new(String::new());
    let own_error: RwSignal<Option<String>> = RwSignal::new(None);
    let progress = RwSignal::new(load_progress());
    let current: RwSignal<Option<String>> = RwSignal::new(None);
    // The lesson speaks the page's language (the header's switch).
    let lang = Memo::new(move |_| match ui.lang.get() {
        super::i18n::Lang::Zh => Lang::Zh,
        super::i18n::Lang::En => Lang::En,
    });
    let hints_shown = RwSignal::new(0usize);
    let solution_shown = RwSignal::new(false);
    // The current step's checks and their outcomes, refreshed on changes.
    let outcomes: RwSignal<Vec<(String, Outcome)>> = RwSignal::new(Vec::new());
    let last_eval = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);

    let lesson = move || {
        current
            .get()
            .and_then(|id| all.with(|a| a.iter().find(|l| l.id == id).cloned()))
    };

    // Evaluates the open lesson against the sim: progress, then the
    // current step's checks for display.
    let evaluate = move || {
        let Some(l) = current
            .get_untracked()
            .and_then(|id| all.with_untracked(|a| a.iter().find(|l| l.id == id).cloned()))
        else {
            return;
        };
        last_eval.set_value(super::perf::now());
        let mut p = progress
            .with_untracked(|m| m.get(&l.id).cloned())
            .filter(|p| p.fits(&l))
            .unwrap_or_else(|| Progress::new(&l));
        let newly = ui.with_sim(|sim| p.update(&l, sim));
        let shown = ui.with_sim(|sim| match p.current() {
            Some(i) => lessons::step_outcomes_in(&l.steps[i], sim, lang.get_untracked()),
            None => Vec::new(),
        });
        outcomes.set(shown);
        let changed = !newly.is_empty() || progress.with_untracked(|m| m.get(&l.id) != Some(&p));
        if changed {
            if !newly.is_empty() {
                hints_shown.set(0);
                solution_shown.set(false);
            }
            progress.update(|m| {
                m.insert(l.id.clone(), p);
            });
            progress.with_untracked(save_progress);
        }
    };

    // Live: after every change, throttled; a skipped change is evaluated
    // a little later so the ticks never stay stale.
    Effect::new(move |_| {
        ui.version.track();
        current.track();
        lang.track();
        let since = super::perf::now() - last_eval.get_value();
        if since >= EVAL_EVERY_MS {
            evaluate();
        } else if !pending.get_value() {
            pending.set_value(true);
            set_timeout(
                move || {
                    pending.set_value(false);
                    evaluate();
                },
                std::time::Duration::from_millis(EVAL_EVERY_MS as u64),
            );
        }
    });

    let open_now = move |id: String, fresh: bool| {
        let Some(l) = all.with_untracked(|a| a.iter().find(|l| l.id == id).cloned()) else {
            return;
        };
        hints_shown.set(0);
        solution_shown.set(false);
        if fresh && !may_replace(ui, l.title.get(lang.get_untracked())) {
            ui.note("note", Note::LessonOnCurrent(l.id.clone()));
        } else if fresh {
            progress.update(|m| {
                m.insert(l.id.clone(), Progress::new(&l));
            });
            progress.with_untracked(save_progress);
            start_lesson(ui, &l);
        }
        current.set(Some(id));
    };

    // Opens a lesson once what it needs is here: a bundled lesson's file
    // and the examples' files it names are fetched first (with a loading
    // status); a file that cannot be had leaves a banner saying so.
    let open = move |id: String, fresh: bool| {
        let read = all.with_untracked(|a| a.iter().find(|l| l.id == id).cloned());
        let own_need: Vec<&'static str> = read
            .as_ref()
            .map(lessons::needed_files)
            .unwrap_or_default()
            .into_iter()
            .filter(|f| crate::sim::examples::text(f).is_none())
            .collect();
        if read.is_some() && own_need.is_empty() {
            open_now(id, fresh);
            return;
        }
        match lessons::listed(&id).filter(|_| read.is_none()) {
            Some(b) => super::lazy::lesson_then(
                ui,
                b.file,
                Box::new(
                    move |fetched| match fetched.map(|text| lessons::parse(b.file, &text)) {
                        Ok(Ok(l)) => {
                            all.update(|a| {
                                a.retain(|x| x.id != l.id);
                                a.push(l);
                            });
                            open_now(id, fresh);
                        }
                        Ok(Err(e)) => ui
                            .banners
                            .update(|b| b.push(format!("Lesson not opened: {e}"))),
                        Err(failed) => super::lazy::report(ui, &failed),
                    },
                ),
            ),
            None => super::lazy::examples_then(
                ui,
                &id.clone(),
                own_need,
                Box::new(move |fetched| match fetched {
                    Ok(()) => open_now(id, fresh),
                    Err(failed) => super::lazy::report(ui, &failed),
                }),
            ),
        }
    };

    // `?lesson=<id>`: open it; start its cluster unless it has progress.
    if let Some(id) = lesson_param() {
        let known =
            lessons::listed(&id).is_some() || all.with_untracked(|a| a.iter().any(|l| l.id == id));
        if known {
            let started = progress.with_untracked(|m| m.contains_key(&id));
            open(id, !started);
        } else {
            ui.banners
                .update(|b| b.push(format!("There is no bundled lesson \"{id}\".")));
        }
    }

    // `?lesson-url=lessons/x.yaml`: a teacher's file on the same site.
    if let Some(path) = lesson_url_param() {
        match fetch_relative(&path)
            .and_then(|text| lessons::parse(&path, &text).map_err(|e| e.to_string()))
        {
            Ok(l) => {
                let id = l.id.clone();
                if !all.with_untracked(|a| a.iter().any(|x| x.id == id)) {
                    all.update(|a| a.push(l));
                }
                let started = progress.with_untracked(|m| m.contains_key(&id));
                open(id, !started);
            }
            Err(e) => ui
                .banners
                .update(|b| b.push(format!("Lesson not opened: {e}"))),
        }
    }

    // Adds a teacher's lesson (pasted, chosen or linked) and opens it; the
    // same text again continues its progress. Errors name the file.
    let adopt = move |file: &str, text: String| -> Result<(), String> {
        let l = lessons::parse(file, &text).map_err(|e| e.to_string())?;
        if lessons::listed(&l.id).is_some() {
            return Err(format!(
                "{file}: the id \"{}\" is a bundled lesson's; choose another",
                l.id
            ));
        }
        let id = l.id.clone();
        let same = own_texts.with_untracked(|o| o.get(&id) == Some(&text));
        all.update(|a| {
            a.retain(|x| x.id != id);
            a.push(l);
        });
        own_texts.update(|o| {
            o.insert(id.clone(), text);
        });
        own_texts.with_untracked(|o| save_own(&o.values().cloned().collect::<Vec<_>>()));
        let started = progress.with_untracked(|m| m.contains_key(&id));
        open(id, !(same && started));
        Ok(())
    };
    let open_own = move || {
        own_error.set(adopt(OWN_FILE, own_text.get_untracked()).err());
    };
    // A lesson file from the file chooser, read in the browser.
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let Ok(reader) = web_sys::FileReader::new() else {
            return;
        };
        let name = file.name();
        let r = reader.clone();
        let done = wasm_bindgen::closure::Closure::once_into_js(move || {
            let text = r.result().ok().and_then(|v| v.as_string());
            let result = text
                .ok_or_else(|| format!("{name}: could not be read as text"))
                .and_then(|t| adopt(&name, t));
            own_error.set(result.err());
        });
        reader.set_onload(Some(done.unchecked_ref()));
        if reader.read_as_text(&file).is_err() {
            own_error.set(Some(format!("{}: could not be read", file.name())));
        }
        // Choosing the same file again (after editing it) reads it again.
        input.set_value("");
    };

    // `#l1.…`: a lesson carried by the link itself.
    if let Some(hash) = lesson_fragment() {
        if let Err(e) = link::open_link(&hash).and_then(|(text, _)| adopt(link::LINK_FILE, text)) {
            ui.banners
                .update(|b| b.push(format!("Lesson not opened: {e}")));
        }
    }

    let t = move |en: &'static str, zh: &'static str| match lang.get() {
        Lang::En => en,
        Lang::Zh => zh,
    };

    view! {
        <section class="panel lessons" aria-labelledby="lessons-h" data-testid="lessons">
            <div class="panel-head">
                <h2 id="lessons-h">{move || t("Lessons", "课程")}</h2>
            </div>
            <div class="lesson-list" role="list">
                {move || {
                    // The bundled lessons from the core's index (their
                    // files are read when opened), then the teacher's own.
                    let bundled = lessons::INDEX.iter().map(|b| {
                        let title = lessons::Text { en: b.title_en.into(), zh: b.title_zh.into() };
                        (b.id.to_string(), title, b.steps)
                    });
                    let own: Vec<_> = all.with(|a| {
                        a.iter()
                            .filter(|l| lessons::listed(&l.id).is_none())
                            .map(|l| (l.id.clone(), l.title.clone(), l.steps.len()))
                            .collect()
                    });
                    bundled
                        .chain(own)
                        .map(|(lid, title, total)| {
                            let id = lid.clone();
                            let id2 = lid.clone();
                            let id3 = lid;
                            let done = move || {
                                progress.with(|m| {
                                    m.get(&id3).map(|p| p.passed.iter().filter(|x| **x).count()).unwrap_or(0)
                                })
                            };
                            view! {
                                <div role="listitem">
                                    <button
                                        class="lesson"
                                        class:current=move || current.get().as_deref() == Some(id2.as_str())
                                        data-testid=format!("lesson-{id}")
                                        on:click={
                                            let id = id.clone();
                                            move |_| {
                                                let started = progress.with_untracked(|m| m.contains_key(&id));
                                                open(id.clone(), !started)
                                            }
                                        }
                                    >
                                        {move || title.get(lang.get()).to_string()}
                                        <span class="lesson-count muted">{move || format!(" {}/{total}", done())}</span>
                                    </button>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <details class="lesson-own">
                <summary>{move || t(OPEN_OWN.0, OPEN_OWN.1)}</summary>
                <textarea
                    data-testid="lesson-own-text"
                    aria-label=move || t("Lesson YAML", "课程 YAML")
                    rows="6"
                    spellcheck="false"
                    placeholder="id: my-lesson\ntitle: {en: ..., zh: ...}\n..."
                    prop:value=move || own_text.get()
                    on:input=move |ev| own_text.set(event_target_value(&ev))
                ></textarea>
                <button data-testid="lesson-own-open" on:click=move |_| open_own()>
                    {move || t("Open", "打开")}
                </button>
                <label class="lesson-file">
                    {move || t("or a file: ", "或选择文件:")}
                    <input
                        type="file"
                        data-testid="lesson-own-file"
                        accept=".yaml,.yml,text/yaml"
                        on:change=on_file
                    />
                </label>
                {move || own_error.get().map(|e| view! { <p class="lesson-own-error" role="alert">{super::i18n::translate(ui.lang.get(), &e)}</p> })}
            </details>
            {move || {
                lesson()
                    .map(|l| {
                        let l2 = l.clone();
                        let id = l.id.clone();
                        let p = Memo::new(move |_| {
                            progress
                                .with(|m| m.get(&id).cloned())
                                .filter(|p| p.fits(&l2))
                                .unwrap_or_else(|| Progress::new(&l2))
                        });
                        let nsteps = l.steps.len();
                        let step_index = Memo::new(move |_| p.with(|p| p.current()));
                        let steps = l.steps.clone();
                        let steps_for_view = steps.clone();
                        view! {
                            <div class="lesson-body" data-testid="lesson-body">
                                <p class="lesson-summary muted">{
                                    let s = l.summary.clone();
                                    move || s.get(lang.get()).to_string()
                                }</p>
                                <ol class="lesson-steps">
                                    {steps_for_view
                                        .iter()
                                        .enumerate()
                                        .map(|(i, s)| {
                                            let title = s.title.clone();
                                            view! {
                                                <li
                                                    class="lesson-step"
                                                    class:passed=move || p.with(|p| p.passed.get(i).copied().unwrap_or(false))
                                                    class:now=move || step_index.get() == Some(i)
                                                    data-testid=format!("lesson-step-{}", i + 1)
                                                >
                                                    <span class="tick">{move || if p.with(|p| p.passed.get(i).copied().unwrap_or(false)) { "✓ " } else { "" }}</span>
                                                    {move || title.get(lang.get()).to_string()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                                {move || match step_index.get() {
                                    None => {
                                        let link = share_link(ui);
                                        view! {
                                            <div class="lesson-done" data-testid="lesson-done" role="status">
                                                <p>
                                                    {move || match lang.get() {
                                                        Lang::En => format!("Done: all {nsteps} steps passed."),
                                                        Lang::Zh => format!("完成:全部 {nsteps} 个步骤都已通过。"),
                                                    }}
                                                </p>
                                                <p>
                                                    {move || t("Share this session: ", "分享此会话:")}
                                                    <a href=link.clone() data-testid="lesson-share">{move || t("link", "链接")}</a>
                                                </p>
                                            </div>
                                        }
                                        .into_any()
                                    }
                                    Some(i) => {
                                        let s = steps[i].clone();
                                        let hints = s.hints.clone();
                                        let nhints = hints.len();
                                        let text = s.text.clone();
                                        let solution = s.solution.clone();
                                        view! {
                                            <div class="lesson-current" data-testid="lesson-current">
                                                <h3>{format!("{}. ", i + 1)}{let t = s.title.clone(); move || t.get(lang.get()).to_string()}</h3>
                                                <div class="lesson-text">{move || markdown_view(text.get(lang.get()))}</div>
                                                {move || {
                                                    hints
                                                        .iter()
                                                        .take(hints_shown.get())
                                                        .map(|h| view! { <div class="lesson-hint">{markdown_view(h.get(lang.get()))}</div> })
                                                        .collect_view()
                                                }}
                                                <div class="lesson-actions">
                                                    <Show when=move || hints_shown.get() < nhints>
                                                        <button data-testid="lesson-hint" on:click=move |_| hints_shown.update(|n| *n += 1)>
                                                            {move || t("Show a hint", "显示提示")}
                                                        </button>
                                                    </Show>
                                                    <button
                                                        data-testid="lesson-solution"
                                                        aria-pressed=move || solution_shown.get().to_string()
                                                        on:click=move |_| solution_shown.update(|s| *s = !*s)
                                                    >
                                                        {move || if solution_shown.get() { t("Hide solution", "隐藏答案") } else { t("Show solution", "显示答案") }}
                                                    </button>
                                                </div>
                                                <Show when=move || solution_shown.get()>
                                                    <pre class="lesson-solution"><code>{solution.clone()}</code></pre>
                                                </Show>
                                                <ul class="lesson-checks" data-testid="lesson-checks" aria-live="polite">
                                                    {move || {
                                                        outcomes
                                                            .get()
                                                            .into_iter()
                                                            .map(|(d, o)| {
                                                                let ok = o.is_ok();
                                                                view! {
                                                                    <li class:ok=ok class:bad=!ok>
                                                                        <span class="tick">{if ok { "✓" } else { "✗" }}</span>
                                                                        " "
                                                                        {d}
                                                                        {o.err().map(|why| view! { <span class="why">" — "{why}</span> })}
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()
                                                    }}
                                                </ul>
                                            </div>
                                        }
                                        .into_any()
                                    }
                                }}
                                <div class="lesson-actions">
                                    <button
                                        data-testid="lesson-reset"
                                        title=move || t("Start this lesson over: its cluster and its progress", "从头开始本课程：重建它的集群并清空进度")
                                        on:click={
                                            let id = l.id.clone();
                                            move |_| open(id.clone(), true)
                                        }
                                    >
                                        {move || t("Reset lesson", "重置课程")}
                                    </button>
                                    {own_texts
                                        .with(|o| o.get(&l.id).map(|text| format!("#{}", link::to_link(text))))
                                        .map(|href| view! {
                                            <a
                                                class="button"
                                                data-testid="lesson-link"
                                                href=href
                                                title=move || t("A link that carries this lesson file: send it to students", "一个携带本课程文件的链接：可以发给学生")
                                            >
                                                {move || t("Link to this lesson", "本课程的链接")}
                                            </a>
                                        })}
                                    <button
                                        data-testid="lesson-close"
                                        on:click=move |_| current.set(None)
                                    >
                                        {move || t("Close", "关闭")}
                                    </button>
                                </div>
                            </div>
                        }
                        .into_any()
                    })
            }}
        </section>
    }
}
