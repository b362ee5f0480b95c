//! The manifest editor: a plain textarea over a highlighted copy of its
//! text (a `<pre>` of spans), with a line-number gutter that carries the
//! core's diagnostics. A textarea keeps native editing, undo, IME and
//! screen-reader support at no bundle cost (see the report for the
//! CodeMirror comparison).

use super::i18n::Key as K;
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

/// The highlighted text, one `<div>` per line so diagnostics can mark lines.
pub fn highlight(text: &str, marks: &[(usize, Severity)]) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for (i, line) in text.split('\n').enumerate() {
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

#[component]
pub fn Editor(ui: Ui) -> impl IntoView {
    let text = ui.text;
    // The cluster's gates decide what the API server validates; the memo
    // changes only when they do, so the text is not re-parsed per step.
    let gates = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| s.config.feature_gates.clone())
    });
    let whole = Memo::new(move |_| {
        gates.with(|g| text.with(|t| manifest::parse_gated(t, manifest::FieldValidation::Warn, g)))
    });
    let parsed = Memo::new(move |_| whole.with(|p| p.diagnostics.clone()));
    let line_count = Memo::new(move |_| text.with(|t| t.split('\n').count()));
    let widest = Memo::new(move |_| {
        text.with(|t| t.split('\n').map(|l| l.chars().count()).max().unwrap_or(0))
    });
    let html = Memo::new(move |_| {
        let marks: Vec<(usize, Severity)> =
            parsed.with(|d| d.iter().map(|d| (d.line, d.severity)).collect());
        text.with(|t| highlight(t, &marks))
    });
    let gutter = move || {
        let diags = parsed.get();
        (1..=line_count.get())
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
    let diag_list = move || {
        parsed
            .get()
            .into_iter()
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
        let n = whole.with(|p| p.objects.len());
        ui.tf(
            if n == 1 {
                K::ObjectsOne
            } else {
                K::ObjectsMany
            },
            &[&n.to_string()],
        )
    };
    view! {
        <section class="panel editor-panel" aria-labelledby="editor-h">
            <div class="panel-head">
                <h2 id="editor-h">{ui.tr(K::Manifests)}</h2>
                <span class="muted" data-testid="doc-count">{docs}</span>
                <div class="spacer"></div>
                <Show when=move || !readonly>
                <button class="primary" data-testid="apply" on:click=move |_| ui.apply(false)
                    title=ui.tr(K::ApplyTitle) aria-keyshortcuts="Control+Enter Meta+Enter">{ui.tr(K::Apply)}</button>
                <button data-testid="delete" on:click=move |_| ui.apply(true)
                    title=ui.tr(K::DeleteTitle)>{ui.tr(K::Delete)}</button>
                </Show>
            </div>
            <div class="editor" data-testid="editor-box">
                <div class="gutter" aria-hidden="true">{gutter}</div>
                // A CSS property set through CSSOM, not a style attribute: the
                // page's CSP allows no inline styles (docs/robust2.md).
                <div class="code" style=("width", move || format!("calc({}ch + 2rem)", widest.get().max(20)))>
                    <pre class="hl" aria-hidden="true" inner_html=move || html.get()></pre>
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
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            super::persist::set(super::persist::EDITOR_KEY, &v);
                            text.set(v);
                        }
                        on:keydown=on_key
                    ></textarea>
                </div>
            </div>
            <ul id="diag-list" class="diags" data-testid="diagnostics" aria-live="polite">{diag_list}</ul>
            <p class="hint muted">{ui.tr(K::DocsKeys)}</p>
        </section>
    }
}
