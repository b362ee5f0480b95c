//! The kubectl console: lines go in as `Input::Kubectl`, output comes back
//! as a terminal would show it. History with the arrow keys, Tab
//! completion from the core, and live `get -w` watches.

use super::i18n::Key as K;
use super::{bridge, Line, Ui};
use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;

/// Lines of output the console keeps at most, and bytes of text: a flood
/// (a watch over hundreds of pods, a loop, many big `get -o yaml`) drops
/// the oldest output, and the first line says how much went.
pub const MAX_LINES: usize = 500;
pub const MAX_BYTES: usize = 512 * 1024;
/// One output longer than this keeps only its end, as a terminal's
/// scrollback would.
pub const MAX_LINE_BYTES: usize = 128 * 1024;

thread_local! {
    static DROPPED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn is_dropped_note(l: &Line) -> bool {
    l.id > u64::MAX / 2
}

/// Appends `line` to the console, keeping it within its bounds.
pub fn push_bounded(c: &mut Vec<Line>, mut line: Line, lang: super::i18n::Lang) {
    if c.is_empty() {
        DROPPED.with(|d| d.set(0));
    }
    if line.text.len() > MAX_LINE_BYTES {
        let mut cut = line.text.len() - MAX_LINE_BYTES;
        while !line.text.is_char_boundary(cut) {
            cut += 1;
        }
        // Start at a line of the output where there is one.
        if let Some(nl) = line.text[cut..].find('\n') {
            cut += nl + 1;
        }
        let head = super::i18n::tf(
            lang,
            K::NoteOutputCut,
            &[
                &(cut / 1024).to_string(),
                &(MAX_LINE_BYTES / 1024).to_string(),
            ],
        );
        line.text = format!("{head}\n{}", &line.text[cut..]);
    }
    if c.first().is_some_and(is_dropped_note) {
        c.remove(0);
    }
    c.push(line);
    let mut bytes: usize = c.iter().map(|l| l.text.len()).sum();
    let mut drop = c.len().saturating_sub(MAX_LINES - 1);
    while bytes > MAX_BYTES && drop < c.len() - 1 {
        bytes -= c[drop].text.len();
        drop += 1;
    }
    let mut dropped = DROPPED.with(|d| d.get());
    if drop > 0 {
        // Count lines of output, not entries: one entry may hold many.
        dropped += c[..drop]
            .iter()
            .map(|l| l.text.lines().count().max(1) as u64)
            .sum::<u64>();
        DROPPED.with(|d| d.set(dropped));
        c.drain(..drop);
    }
    if dropped > 0 {
        c.insert(
            0,
            Line {
                id: u64::MAX - dropped,
                class: "note",
                text: super::i18n::tf(
                    lang,
                    K::NoteOutputDropped,
                    &[
                        &dropped.to_string(),
                        &MAX_LINES.to_string(),
                        &(MAX_BYTES / 1024).to_string(),
                    ],
                ),
                note: None,
            },
        );
    }
}

/// Tab: completes `typed` from the core. Before the rest of the code is here
/// it waits for it (the completions are there), and then completes only if
/// the line is still what was typed.
fn complete(ui: Ui, line: RwSignal<String>, hint: RwSignal<String>, typed: String) {
    let again = typed.clone();
    let waits = ui.waits_for_rest(false, move || {
        if line.get_untracked() == again {
            complete(ui, line, hint, again)
        }
    });
    if waits {
        return;
    }
    // Completions are whole lines (the core keeps what was typed).
    let options = ui.with_sim(|s| bridge::complete(s, &typed));
    match options.len() {
        0 => hint.set(super::i18n::t(ui.lang.get_untracked(), K::NoCompletions).into()),
        1 => {
            line.set(format!("{} ", options[0].trim_end()));
            hint.set(String::new());
        }
        _ => {
            let common = common_prefix(&options);
            if common.len() > typed.len() {
                line.set(common);
            }
            let last_words: Vec<&str> = options
                .iter()
                .map(|o| o.rsplit(' ').next().unwrap_or(o))
                .collect();
            hint.set(last_words.join("  "));
        }
    }
}

/// Clear: an empty console stays as it is. (Setting it empty again would
/// redraw its list by a path the split's profile does not take, which then
/// loads the rest of the code synchronously before it has come.)
fn clear(ui: Ui) {
    if ui.console.with_untracked(|c| !c.is_empty()) {
        ui.console.set(Vec::new());
    }
}

#[component]
pub fn Console(ui: Ui) -> impl IntoView {
    let line = RwSignal::new(String::new());
    let history = StoredValue::new(Vec::<String>::new());
    // Position while browsing history; None = editing a new line.
    let cursor = StoredValue::new(None::<usize>);
    let hint = RwSignal::new(String::new());
    let out_ref = NodeRef::<html::Div>::new();
    let watching = move || {
        ui.version.track();
        ui.watching()
    };

    // Keep the newest output in view. An empty console (a first visit's
    // mount) has nothing to scroll, and reading its height would force a
    // layout of the whole page there and then (measured: time to
    // interactive the same either way; the browser lays the page out later
    // instead).
    Effect::new(move |_| {
        if ui.console.with(|c| c.is_empty()) {
            return;
        }
        if let Some(el) = out_ref.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });

    let submit = move || {
        let l = line.get_untracked();
        if l.trim().is_empty() {
            return;
        }
        history.update_value(|h| {
            if h.last() != Some(&l) {
                h.push(l.clone())
            }
        });
        cursor.set_value(None);
        line.set(String::new());
        hint.set(String::new());
        ui.stop_watch();
        ui.kubectl(l);
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            submit();
        }
        "ArrowUp" => {
            ev.prevent_default();
            let h = history.get_value();
            if h.is_empty() {
                return;
            }
            let i = match cursor.get_value() {
                None => h.len() - 1,
                Some(i) => i.saturating_sub(1),
            };
            cursor.set_value(Some(i));
            line.set(h[i].clone());
        }
        "ArrowDown" => {
            ev.prevent_default();
            let h = history.get_value();
            match cursor.get_value() {
                Some(i) if i + 1 < h.len() => {
                    cursor.set_value(Some(i + 1));
                    line.set(h[i + 1].clone());
                }
                _ => {
                    cursor.set_value(None);
                    line.set(String::new());
                }
            }
        }
        "Tab" => {
            let l = line.get_untracked();
            if l.is_empty() {
                // Let Tab move focus on from an empty prompt.
                return;
            }
            ev.prevent_default();
            complete(ui, line, hint, l);
        }
        "c" if ev.ctrl_key() && ui.watching() => {
            ev.prevent_default();
            ui.stop_watch();
            ui.print("note", "^C".into());
            ui.changed();
        }
        _ => {}
    };

    view! {
        <section class="panel console" aria-labelledby="console-h">
            <div class="panel-head">
                <h2 id="console-h">{ui.tr(K::Console)}</h2>
                <span class="muted">{"kubectl"}</span>
                <div class={"spacer"}></div>
                <Show when=watching>
                    <button data-testid="stop-watch" on:click=move |_| { ui.stop_watch(); ui.changed(); }>{ui.tr(K::StopWatch)}</button>
                </Show>
                <button data-testid="console-clear" on:click=move |_| clear(ui)>{ui.tr(K::Clear)}</button>
            </div>
            // Said once, in Chinese only: the English below is on purpose.
            <Show when=move || ui.lang.get() == super::i18n::Lang::Zh>
                <p class="english-note muted" data-testid="english-note">{ui.tr(K::EnglishOutput)}</p>
            </Show>
            <div class="console-out" node_ref=out_ref data-testid="console-output" role="log" aria-live="polite" tabindex="0" aria-label=ui.tr(K::ConsoleOutput)>
                <For each=move || ui.console.get() key=|l| l.id let:l>
                    {
                        let class = format!("cl {}", l.class);
                        // The session's own notes are worded in the page's language.
                        let noted = l.note.is_some().then_some("");
                        let text = match l.note {
                            Some(n) => Either::Left(move || super::i18n::note(ui.lang.get(), &n)),
                            None => Either::Right(l.text),
                        };
                        view! { <pre class=class data-note=noted>{text}</pre> }
                    }
                </For>
            </div>
            <div class="prompt">
                <label for="console-input" class="ps">{"$ kubectl"}</label>
                <input
                    id="console-input"
                    data-testid="console-input"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="get pods -w"
                    aria-describedby="console-hint"
                    prop:value=move || line.get()
                    on:input=move |ev| line.set(event_target_value(&ev))
                    on:keydown=on_key
                />
            </div>
            <div id="console-hint" class="hint muted" aria-live="polite">{move || hint.get()}</div>
            <p class="hint muted">{ui.tr(K::ConsoleHint)}</p>
        </section>
    }
}

fn common_prefix(options: &[String]) -> String {
    let first = &options[0];
    let mut n = first.len();
    for o in &options[1..] {
        n = n.min(
            first
                .chars()
                .zip(o.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.len_utf8())
                .sum(),
        );
    }
    first[..n].to_string()
}
