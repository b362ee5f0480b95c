//! Embed mode (`?embed=1`): for iframes 320 to 900 px wide. One panel at
//! a time behind tabs (two side by side from 700 px, see style/embed.css),
//! a compact time bar, and "Open in Ordinal" to the full page with the
//! same session. `readonly=1` and `console=0` are read by the panels
//! through [`super::Mode`].

use super::i18n::Key as K;
use super::later::Later;
use super::share::{Share, ShareBar};
use super::{chart, console, editor, lessons, views, Banners, TimeBar, Ui};
use crate::sim::session::host::{Params, View};
use leptos::prelude::*;

/// A tab's name: the heading of the panel it shows.
fn label(v: View) -> K {
    match v {
        View::Editor => K::Manifests,
        View::Cluster => K::Cluster,
        View::Storage => K::Storage,
        View::Network => K::Network,
        View::Console => K::Console,
        View::Events => K::Events,
        View::Lessons => K::Lessons,
        View::Chart => K::Chart,
    }
}

fn focus_tab(v: View) {
    if let Some(el) = document().get_element_by_id(&format!("tab-{}", v.id())) {
        use wasm_bindgen::JsCast;
        let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

#[component]
pub fn Embed(ui: Ui, share: Share, params: Params) -> impl IntoView {
    let tabs: Vec<View> = params.views();
    let console_on = params.console;
    let current = RwSignal::new(params.first_view());
    let order = StoredValue::new(tabs.clone());
    // Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern).
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let list = order.get_value();
        let at = list
            .iter()
            .position(|v| *v == current.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (at + 1) % list.len(),
            "ArrowLeft" => (at + list.len() - 1) % list.len(),
            "Home" => 0,
            "End" => list.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        current.set(list[next]);
        focus_tab(list[next]);
    };
    let tab_buttons = tabs
        .iter()
        .map(|&v| {
            view! {
                <button
                    role="tab"
                    id=format!("tab-{}", v.id())
                    data-testid=format!("tab-{}", v.id())
                    aria-controls=format!("pane-{}", v.id())
                    aria-selected=move || (current.get() == v).to_string()
                    tabindex=move || if current.get() == v { "0" } else { "-1" }
                    on:click=move |_| current.set(v)
                    on:keydown=on_key
                >
                    {ui.tr(label(v))}
                </button>
            }
        })
        .collect_view();
    let panes = tabs
        .iter()
        .map(|&v| {
            let panel = match v {
                View::Editor => view! { <editor::Editor ui=ui /> }.into_any(),
                View::Cluster => view! { <views::Cluster ui=ui /> }.into_any(),
                View::Storage => view! { <Later ui=ui name=v.id() title=label(v)><views::Storage ui=ui /></Later> }.into_any(),
                View::Network => view! { <Later ui=ui name=v.id() title=label(v)><views::Network ui=ui /></Later> }.into_any(),
                View::Console => view! { <console::Console ui=ui /> }.into_any(),
                View::Events => view! { <Later ui=ui name=v.id() title=label(v)><views::Events ui=ui /></Later> }.into_any(),
                View::Lessons => view! { <Later ui=ui name=v.id() title=label(v)><lessons::Lessons ui=ui /></Later> }.into_any(),
                View::Chart => view! { <Later ui=ui name=v.id() title=label(v)><chart::ChartPanel ui=ui /></Later> }.into_any(),
            };
            view! {
                <div
                    class="pane"
                    class:active=move || current.get() == v
                    class:companion=move || { let c = current.get(); c != v && c.companion(console_on) == v }
                    id=format!("pane-{}", v.id())
                    role="tabpanel"
                    aria-labelledby=format!("tab-{}", v.id())
                    data-testid=format!("pane-{}", v.id())
                >
                    {panel}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="embed" data-testid="app" data-embed="true" data-ready="true">
            <header class="ebar">
                <span class="brand-mini">{"Ordinal"}</span>
                <ShareBar ui=ui share=share compact=true />
                <a
                    class="open-full"
                    data-testid="open-full"
                    href=move || share.full_href.get()
                    target="_blank"
                    rel="noopener"
                >
                    {ui.tr(K::OpenInOrdinal)}
                </a>
                <TimeBar ui=ui />
            </header>
            <Banners ui=ui />
            <nav class="tabs" role="tablist" aria-label=ui.tr(K::Panels)>{tab_buttons}</nav>
            <div class="panes">{panes}</div>
        </div>
    }
}
