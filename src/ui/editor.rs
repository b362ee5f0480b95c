//! The manifest editor: a plain textarea over a highlighted copy of its
//! text (a `<pre>` of spans), with a line-number gutter that carries the
//! core's diagnostics. A textarea keeps native editing, undo, IME and
//! screen-reader support at no bundle cost (see the report for the
//! CodeMirror comparison).

use super::i18n::Key as K;
use super::later::Code;
use super::Ui;
use crate::sim::manifest::{self, Severity};
use leptos::prelude::*;

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
}

fn span(class: &str, text: &str, out: &mut String) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape(text, out);
    out.push_str("</span>");
}

/// Where a `#` comment starts, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (prev == ' ' || i == 0) => return Some(i),
            None => {}
        }
        prev = c;
    }
    None
}

fn value_class(v: &str) -> &'static str {
    let t = v.trim();
    if t.starts_with('"') || t.starts_with('\'') {
        "s"
    } else if t.parse::<f64>().is_ok() {
        "n"
    } else if matches!(t, "true" | "false" | "null" | "~" | "yes" | "no") {
        "b"
    } else if t.starts_with('|') || t.starts_with('>') || t.starts_with('[') || t.starts_with('{') {
        "p"
    } else {
        "v"
    }
}

/// One line of YAML as HTML spans: keys, scalars, comments, separators.
pub fn highlight_line(line: &str, out: &mut String) {
    if line.starts_with("---") || line.starts_with("...") {
        span("sep", line, out);
        return;
    }
    let (code, comment) = match comment_start(line) {
        Some(i) => (&line[..i], &line[i..]),
        None => (line, ""),
    };
    let indent = code.len() - code.trim_start().len();
    escape(&code[..indent], out);
    let mut rest = &code[indent..];
    while let Some(r) = rest.strip_prefix("- ") {
        span("p", "- ", out);
        rest = r;
    }
    if rest == "-" {
        span("p", "-", out);
        rest = "";
    }
    // A key is text up to ": " (or a trailing ":") outside quotes.
    let key_end = if rest.starts_with('"') || rest.starts_with('\'') {
        None
    } else {
        rest.find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
    };
    match key_end {
        Some(k) => {
            span("k", &rest[..k], out);
            span("p", ":", out);
            let v = &rest[k + 1..];
            let lead = v.len() - v.trim_start().len();
            escape(&v[..lead], out);
            span(value_class(v), &v[lead..], out);
        }
        None => span(value_class(rest), rest, out),
    }
    span("c", comment, out);
}

/// The highlighted lines `first..last` (0-based) of the text, one `<div>`
/// per line so diagnostics can mark lines.
pub fn highlight(text: &str, marks: &[(usize, Severity)], first: usize, last: usize) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate().skip(first).take(last - first) {
        let mark = marks
            .iter()
            .filter(|(l, _)| *l == i + 1)
            .map(|(_, s)| *s)
            .min_by_key(|s| match s {
                Severity::Error => 0,
                Severity::Warning => 1,
            });
        out.push_str(match mark {
            Some(Severity::Error) => "<div class=\"ln err\">",
            Some(Severity::Warning) => "<div class=\"ln warn\">",
            None => "<div class=\"ln\">",
        });
        highlight_line(line, &mut out);
        // Keep empty lines one line tall.
        out.push_str("\u{200b}</div>");
    }
    out
}

/// Buffers up to this many lines are drawn whole; longer ones only around
/// what is scrolled into view (the textarea itself always holds it all).
const DRAW_ALL: usize = 400;
/// Lines drawn above and below the visible ones.
const MARGIN: usize = 80;
/// Buffers longer than this are checked (parsed, saved) once typing pauses.
const CHECK_AT_ONCE: usize = 2_000;
const CHECK_DELAY_MS: u64 = 300;
/// Diagnostics listed at most (a pasted file can have thousands).
const MAX_LISTED: usize = 100;

/// The lines to draw, `first..last`, for a buffer of `lines` lines whose
/// box is scrolled to `top` px, `height` px tall, `line_px` per line.
pub fn visible(lines: usize, top: f64, height: f64, line_px: f64) -> (usize, usize) {
    if lines <= DRAW_ALL {
        return (0, lines);
    }
    // Before the textarea is measured: the stylesheet's 13px × 1.45.
    let line_px = if line_px > 1.0 { line_px } else { 18.85 };
    let first = ((top / line_px).max(0.0) as usize).saturating_sub(MARGIN);
    let last = ((top + height.max(0.0)) / line_px).ceil() as usize + MARGIN;
    (first.min(lines), last.min(lines))
}

#[component]
pub fn Editor(ui: Ui) -> impl IntoView {
    let text = ui.text;
    // The cluster's gates decide what the API server validates; the memo
    // changes only when they do, so the text is not re-parsed per step.
    let gates = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| s.config.feature_gates.clone())
    });
    // Bumped when the text should be checked: at once for a normal
    // buffer, after a pause in typing for a huge one.
    let checked = RwSignal::new(0u64);
    // The check's code (the YAML parser, the schema) is in the rest of a
    // split build (`super::later`): until it is linked the text is shown
    // unchecked, and the check runs as it arrives.
    let whole = Memo::new(move |_| {
        checked.track();
        if ui.code.with(|c| *c != Code::Ready) {
            return None;
        }
        Some(gates.with(|g| {
            text.with_untracked(|t| manifest::parse_gated(t, manifest::FieldValidation::Warn, g))
        }))
    });
    let parsed = Memo::new(move |_| {
        whole.with(|p| {
            p.as_ref()
                .map(|p| p.diagnostics.clone())
                .unwrap_or_default()
        })
    });
    let shape = Memo::new(move |_| {
        text.with(|t| {
            t.split('\n').fold((0, 0), |(n, w), l| {
                (
                    n + 1,
                    w.max(if l.is_ascii() {
                        l.len()
                    } else {
                        l.chars().count()
                    }),
                )
            })
        })
    });
    let line_count = Memo::new(move |_| shape.get().0);
    let widest = Memo::new(move |_| shape.get().1);
    let pending = StoredValue::new(0u64);
    // The user typed since the text was last saved.
    let typed = StoredValue::new(false);
    let check = move || {
        if typed.get_value() {
            typed.set_value(false);
            text.with_untracked(|t| super::persist::set(super::persist::EDITOR_KEY, t));
        }
        checked.update(|c| *c += 1);
    };
    Effect::new(move |prev: Option<()>| {
        let n = line_count.get();
        text.track();
        if prev.is_none() {
            return;
        }
        let ticket = pending.get_value() + 1;
        pending.set_value(ticket);
        if n <= CHECK_AT_ONCE {
            check();
            return;
        }
        set_timeout(
            move || {
                if pending.get_value() == ticket {
                    check();
                }
            },
            std::time::Duration::from_millis(CHECK_DELAY_MS),
        );
    });
    // The textarea shows the text; what it sent itself is not set back (a
    // huge buffer would be copied into it again on every key).
    let echo = StoredValue::new(false);
    Effect::new(move |_| {
        let el = ui.editor_ref.get();
        text.track();
        if echo.get_value() {
            echo.set_value(false);
            return;
        }
        if let Some(el) = el {
            text.with_untracked(|t| el.set_value(t));
        }
    });
    // Where the editor box is scrolled (px from the top, visible height).
    let scroll = RwSignal::new((0.0f64, 800.0f64));
    let box_ref = NodeRef::<leptos::html::Div>::new();
    let line_px = move || {
        ui.editor_ref
            .get_untracked()
            .map(|t| (t.scroll_height() as f64 - 12.0) / (line_count.get_untracked() + 1) as f64)
            .unwrap_or(0.0)
    };
    let range = Memo::new(move |_| {
        let (top, height) = scroll.get();
        visible(line_count.get(), top, height, line_px())
    });
    let on_scroll = move |_: leptos::ev::Event| {
        if let Some(b) = box_ref.get_untracked() {
            scroll.set((b.scroll_top() as f64, b.client_height() as f64));
        }
    };
    // Padding that puts the first drawn line where it belongs.
    let offset = move || format!("calc(.4rem + {} * 1.45em)", range.get().0);
    let html = Memo::new(move |_| {
        let marks: Vec<(usize, Severity)> =
            parsed.with(|d| d.iter().map(|d| (d.line, d.severity)).collect());
        let (first, last) = range.get();
        text.with(|t| highlight(t, &marks, first, last))
    });
    // Drawn node by node, never through innerHTML (Trusted Types).
    let hl_ref = NodeRef::<leptos::html::Pre>::new();
    Effect::new(move |_| {
        let h = html.get();
        if let Some(pre) = hl_ref.get() {
            super::robust::set_markup(&pre, &h);
        }
    });
    let gutter = move || {
        let diags = parsed.get();
        let (first, last) = range.get();
        (first + 1..=last)
            .map(|n| {
                let here: Vec<_> = diags.iter().filter(|d| d.line == n).collect();
                let class = if here.iter().any(|d| d.severity == Severity::Error) {
                    "gl err"
                } else if here.is_empty() {
                    "gl"
                } else {
                    "gl warn"
                };
                let title = here
                    .iter()
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
                    .join("\n");
                view! { <div class=class title=title>{n}</div> }
            })
            .collect_view()
    };
    // `readonly=1` embeds: no editing, no Apply.
    let readonly = super::readonly();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if !readonly && ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            ui.apply(false);
        }
    };
    let more = move || {
        let n = parsed.with(|d| d.len());
        (n > MAX_LISTED).then(|| {
            view! { <li class="diag more">{format!("… {} more", n - MAX_LISTED)}</li> }
        })
    };
    let diag_list = move || {
        parsed
            .get()
            .into_iter()
            .take(MAX_LISTED)
            .map(|d| {
                let sev = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let sev_text = ui.t(match d.severity {
                    Severity::Error => K::SevError,
                    Severity::Warning => K::SevWarning,
                });
                let line = d.line;
                view! {
                    <li class=format!("diag {sev}")>
                        <button class="link" on:click=move |_| ui.focus_line(line)
                            aria-label=ui.tf(K::GoToLine, &[&line.to_string()])>
                            {ui.tf(K::LineCol, &[&d.line.to_string(), &d.column.to_string()])}
                        </button>
                        " "<span class="sev">{sev_text}</span>": "{d.message.clone()}
                    </li>
                }
            })
            .collect_view()
    };
    let docs = move || {
        let n = whole.with(|p| p.as_ref().map(|p| p.objects.len()))?;
        Some(ui.tf(
            if n == 1 {
                K::ObjectsOne
            } else {
                K::ObjectsMany
            },
            &[&n.to_string()],
        ))
    };
    view! {
        <section class="panel editor-panel" aria-labelledby="editor-h">
            <div class="panel-head">
                <h2 id="editor-h">{ui.tr(K::Manifests)}</h2>
                <span class="muted" data-testid="doc-count">{docs}</span>
                <div class={"spacer"}></div>
                <Show when=move || !readonly>
                <button class="primary" data-testid="apply" on:click=move |_| ui.apply(false)
                    title=ui.tr(K::ApplyTitle) aria-keyshortcuts="Control+Enter Meta+Enter">{ui.tr(K::Apply)}</button>
                <button data-testid="delete" on:click=move |_| ui.apply(true)
                    title=ui.tr(K::DeleteTitle)>{ui.tr(K::Delete)}</button>
                </Show>
            </div>
            <div class="editor" data-testid="editor-box" node_ref=box_ref on:scroll=on_scroll>
                // CSS properties set through CSSOM, not style attributes: the
                // page's CSP allows no inline styles (docs/robust2.md).
                <div class="gutter" aria-hidden="true" style=("padding-top", offset)>{gutter}</div>
                <div class="code" style=("width", move || format!("calc({}ch + 2rem)", widest.get().max(20)))>
                    <pre class="hl" aria-hidden="true" style=("padding-top", offset) node_ref=hl_ref></pre>
                    <textarea
                        id="editor"
                        data-testid="editor"
                        node_ref=ui.editor_ref
                        spellcheck="false"
                        autocomplete="off"
                        readonly=readonly
                        wrap="off"
                        aria-label=ui.tr(K::EditorAria)
                        aria-describedby="diag-list"
                        rows=move || line_count.get() + 1
                        on:input=move |ev| {
                            // Saved with the check: at once, or once typing
                            // pauses in a huge buffer.
                            typed.set_value(true);
                            echo.set_value(true);
                            text.set(event_target_value(&ev));
                        }
                        on:keydown=on_key
                    ></textarea>
                </div>
            </div>
            <ul id="diag-list" class="diags" data-testid="diagnostics" aria-live="polite">{diag_list}{more}</ul>
            <p class="hint muted">{ui.tr(K::DocsKeys)}</p>
        </section>
    }
}
