//! The Chart panel: the core's lifecycle chart (`sim::chart`) drawn as
//! the same SVG the CLI writes, growing as the session plays. A click, or
//! Enter on the focused chart, scrubs the session to that point (arrows
//! move the cursor first); a focused mark scrubs to its own event. Groups
//! collapse and expand; "Save as SVG" downloads the picture; the table
//! gives the same data to screen readers and keyboards.

use super::Ui;
use crate::sim::chart::{self, SvgOptions, Theme};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// `chart::TABLE_HEADERS` in the page's words (same order).
const TABLE_HEADERS: [super::i18n::Key; 5] = {
    use super::i18n::Key as K;
    [
        K::ChartObject,
        K::ChartFrom,
        K::ChartTo,
        K::ChartState,
        K::ChartDetail,
    ]
};

const WIDTH: u32 = SvgOptions::DEFAULT_WIDTH;

fn theme(choice: &str) -> Theme {
    match choice {
        "dark" => Theme::Dark,
        "light" => Theme::Light,
        _ => {
            let dark = window()
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
                .is_some_and(|m| m.matches());
            if dark {
                Theme::Dark
            } else {
                Theme::Light
            }
        }
    }
}

/// `encodeURIComponent`, for a `data:` URL.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The event index of the mark at (or around) an event's target.
fn mark_seq(target: Option<web_sys::EventTarget>) -> Option<usize> {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("[data-seq]").ok().flatten())
        .and_then(|m| m.get_attribute("data-seq"))
        .and_then(|s| s.parse().ok())
}

#[component]
pub fn ChartPanel(ui: Ui) -> impl IntoView {
    let expanded = RwSignal::new(Vec::<String>::new());
    let show_table = RwSignal::new(false);
    // A keyboard cursor (virtual ms), moved by the arrow keys.
    let cursor = RwSignal::new(None::<u64>);
    // Redraw on every change while paused, at most twice a second while
    // playing: a 300-pod chart costs tens of milliseconds to build.
    let tick = RwSignal::new(0u64);
    let last = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        ui.version.track();
        let playing = ui.playing.get();
        let now = super::perf::now();
        if !playing || now - last.get_value() >= 500.0 {
            last.set_value(now);
            tick.update(|t| *t += 1);
        }
    });
    // While scrubbed back, the chart of the whole session stays in view
    // (the one built last before scrubbing), with the cursor at the clock.
    let full = StoredValue::new(None::<(Vec<String>, chart::Chart)>);
    let model = Memo::new(move |_| {
        tick.track();
        let opts = chart::Options {
            expanded: expanded.get(),
            ..chart::Options::default()
        };
        let scrubbed = ui.session.with_value(|s| s.scrubbed());
        if scrubbed {
            if let Some((e, c)) = full.get_value() {
                if e == opts.expanded {
                    return c;
                }
            }
        }
        let c = ui.with_sim(|s| super::perf::time("chart", || chart::build(s, &opts)));
        if !scrubbed {
            full.set_value(Some((opts.expanded.clone(), c.clone())));
        }
        c
    });
    // The chart's words in the page's language (the Save as SVG file too).
    let words = Memo::new(move |_| super::chart_words::chart_words(ui.lang.get()));
    let svg = Memo::new(move |_| {
        let c = model.get();
        // While scrubbed back the cursor sits at the clock.
        let scrubbed = ui.session.with_value(|s| s.scrubbed());
        let at = cursor
            .get()
            .or_else(|| scrubbed.then(|| ui.with_sim(|s| s.now)));
        let opts = SvgOptions {
            theme: theme(&ui.theme.get()),
            width: WIDTH,
            cursor: at,
            id_prefix: "ui-chart".into(),
            words: words.get(),
        };
        super::perf::time("chart-svg", || chart::render(&c, &opts))
    });
    // Drawn node by node, never through innerHTML (Trusted Types).
    let chart_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let markup = super::robust::chart_markup(&svg.get());
        if let Some(div) = chart_ref.get() {
            super::robust::set_markup(&div, &markup);
        }
    });
    let scrub_time = move |t: u64| {
        let i = model.with_untracked(|c| c.events_at(t));
        cursor.set(None);
        ui.scrub_to(i as usize);
    };
    // A point of the chart: the mark under it, or the time at its x.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(seq) = mark_seq(ev.target()) {
            cursor.set(None);
            ui.scrub_to(seq);
            return;
        }
        let Some(wrap) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        // The picture's own box: the wrapper may pad or scroll it.
        let pic = wrap.query_selector("svg").ok().flatten().unwrap_or(wrap);
        let rect = pic.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return;
        }
        let x = (f64::from(ev.client_x()) - rect.left()) * f64::from(WIDTH) / rect.width();
        let g = chart::Geometry::new(&model.get_untracked(), WIDTH);
        if x >= g.x0 - 4.0 {
            scrub_time(g.time_at(x));
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let c = model.get_untracked();
        let end = c.end.max(1);
        let step = (end / 40).max(100);
        let now = cursor
            .get_untracked()
            .unwrap_or_else(|| ui.with_sim(|s| s.now).min(end));
        match ev.key().as_str() {
            "ArrowLeft" => cursor.set(Some(now.saturating_sub(step))),
            "ArrowRight" => cursor.set(Some((now + step).min(end))),
            "Home" => cursor.set(Some(0)),
            "End" => cursor.set(Some(end)),
            "Escape" => cursor.set(None),
            "Enter" | " " => match mark_seq(ev.target()) {
                Some(seq) => {
                    cursor.set(None);
                    ui.scrub_to(seq);
                }
                None => scrub_time(now),
            },
            _ => return,
        }
        ev.prevent_default();
    };
    let save = move |ev: leptos::ev::MouseEvent| {
        if let Some(a) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let url = format!(
                "data:image/svg+xml;charset=utf-8,{}",
                encode(&svg.get_untracked())
            );
            let _ = a.set_attribute("href", &url);
        }
    };
    let groups = Memo::new(move |_| {
        model.with(|c| {
            c.groups
                .iter()
                .filter(|g| g.collapsed || expanded.with(|e| e.contains(&g.id)))
                .map(|g| (g.id.clone(), g.label.clone(), g.size, g.collapsed))
                .collect::<Vec<_>>()
        })
    });
    let table = Memo::new(move |_| {
        if show_table.get() {
            words.with(|w| model.with(|c| chart::table_in(c, w)))
        } else {
            Vec::new()
        }
    });
    let position = move || {
        cursor
            .get()
            .map(|t| ui.tf(super::i18n::Key::ChartCursor, &[&chart::fmt_time(t)]))
            .unwrap_or_default()
    };
    view! {
        <section class="panel chart" aria-labelledby="chart-h" data-testid="chart-panel">
            <div class="panel-head">
                <h2 id="chart-h">{ui.tr(super::i18n::Key::Chart)}</h2>
                <span class="muted">{ui.tr(super::i18n::Key::ChartSub)}</span>
                <a
                    class="button"
                    data-testid="chart-save"
                    download="ordinal-chart.svg"
                    href="#"
                    on:click=save
                >
                    {ui.tr(super::i18n::Key::ChartSave)}
                </a>
                <button
                    data-testid="chart-table-toggle"
                    aria-pressed=move || show_table.get().to_string()
                    on:click=move |_| show_table.update(|v| *v = !*v)
                >
                    {move || ui.t(if show_table.get() { super::i18n::Key::ChartHideTable } else { super::i18n::Key::ChartShowTable })}
                </button>
            </div>
            <div
                class="chart-wrap"
                data-testid="chart"
                tabindex="0"
                role="group"
                aria-label=ui.tr(super::i18n::Key::ChartAria)
                on:click=on_click
                on:keydown=on_key
                node_ref=chart_ref
            ></div>
            <p class="muted chart-pos" aria-live="polite">{position}</p>
            <div class="chart-groups">
                <For each=move || groups.get() key=|g| format!("{} {}", g.3, g.0) let:g>
                    {
                        let (id, label, size, collapsed) = g;
                        view! {
                            <button
                                class="link"
                                on:click=move |_| {
                                    let id = id.clone();
                                    expanded.update(|e| {
                                        if collapsed {
                                            e.push(id);
                                        } else {
                                            e.retain(|x| *x != id);
                                        }
                                    })
                                }
                            >
                                {if collapsed {
                                    ui.tf(super::i18n::Key::ChartExpand, &[&label, &size.to_string()])
                                } else {
                                    ui.tf(super::i18n::Key::ChartCollapse, &[&label])
                                }}
                            </button>
                        }
                    }
                </For>
            </div>
            <Show when=move || show_table.get()>
                <div class="chart-table-wrap">
                    <table class="tbl" data-testid="chart-table">
                        <caption class="sr-only">{ui.tr(super::i18n::Key::ChartCaption)}</caption>
                        <thead>
                            <tr>
                                {TABLE_HEADERS.iter().map(|&h| view! { <th scope="col">{ui.tr(h)}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                table
                                    .get()
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
