//! The page under bad conditions: a banner when local storage cannot be
//! used (nothing will be saved), and the test-only panic trigger that
//! proves a panic ends on public/boot.js's recovery screen, not a frozen
//! page (see docs/robust2.md).

use super::i18n::Key as K;
use super::persist::{self, Trouble};
use super::Ui;
use leptos::prelude::*;

/// Says, once storage has failed, that nothing will be saved. Shown from
/// the start when storage is switched off, or from the first failed write
/// when it is full. Not dismissible: it stays true for the whole visit.
#[component]
pub fn StorageBanner(ui: Ui) -> impl IntoView {
    let trouble = RwSignal::new(persist::trouble());
    persist::on_trouble(move |t| trouble.set(Some(t)));
    view! {
        <Show when=move || trouble.get().is_some()>
            <div class="banner storage-banner" role="alert" data-testid="storage-banner"
                data-trouble=move || match trouble.get() {
                    Some(Trouble::Disabled) => "disabled",
                    Some(Trouble::Full) => "full",
                    None => "",
                }
            >
                <span>
                    {move || ui.t(match trouble.get() {
                        Some(Trouble::Full) => K::StorageFull,
                        _ => K::StorageOff,
                    })}
                </span>
            </div>
        </Show>
    }
}

/// The test-only panic trigger, from the address: `?debug-panic=1` panics
/// a moment after the page started (its saved session loaded), from a
/// timer as any later panic would; `?debug-panic=start` panics at once,
/// while the page is being built (the start fails). Nobody types that into
/// an address by accident; the e2e tests use it.
pub fn debug_panic() {
    let asked = window()
        .location()
        .search()
        .ok()
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("debug-panic"));
    match asked.as_deref() {
        Some("1") => set_timeout(
            || panic!("debug-panic=1: a deliberate panic to test the recovery screen"),
            std::time::Duration::from_millis(300),
        ),
        Some("start") => panic!("debug-panic=start: a deliberate panic while the page starts"),
        _ => {}
    }
}

thread_local! {
    /// The chart's stylesheet, adopted by the document once, and the text
    /// it holds.
    static CHART_SHEET: std::cell::RefCell<Option<(web_sys::CssStyleSheet, String)>> =
        const { std::cell::RefCell::new(None) };
}

/// The core's chart SVG carries its palette in a `<style>` element, which
/// the page's CSP (no `'unsafe-inline'` styles) refuses. The page shows the
/// SVG without it and gives the same rules to a constructed stylesheet
/// (CSSOM, which CSP does not govern); the saved SVG file keeps its
/// `<style>`. Returns the markup to insert.
pub fn chart_markup(svg: &str) -> String {
    let Some((css, rest)) = split_style(svg) else {
        return svg.to_string();
    };
    CHART_SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().is_some_and(|(_, text)| text == &css) {
            return;
        }
        if cell.is_none() {
            if let Ok(sheet) = web_sys::CssStyleSheet::new() {
                let doc = document();
                let list = doc.adopted_style_sheets();
                list.push(&sheet);
                doc.set_adopted_style_sheets(&list);
                *cell = Some((sheet, String::new()));
            }
        }
        if let Some((sheet, text)) = cell.as_mut() {
            let _ = sheet.replace_sync(&css);
            *text = css;
        }
    });
    rest
}

/// The first `<style>…</style>` of `svg`: its text, and the SVG without it.
fn split_style(svg: &str) -> Option<(String, String)> {
    let open = svg.find("<style>")?;
    let body = open + "<style>".len();
    let close = body + svg[body..].find("</style>")?;
    let end = close + "</style>".len();
    Some((
        svg[body..close].to_string(),
        format!("{}{}", &svg[..open], &svg[end..]),
    ))
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Makes the markup Ordinal writes (the chart's SVG, the editor's
/// highlighted lines) `parent`'s children, element by element: the page
/// never hands a string to the HTML parser (`innerHTML`), which its
/// Trusted Types policy (`require-trusted-types-for 'script'`, no policy
/// allowed) refuses. Text and attribute values are set as text. As a
/// second line of defence, `on…` attributes and URLs in `href`/`src` other
/// than `#fragment` are left out. Markup that does not read (never written
/// by Ordinal) is shown as text.
pub fn set_markup(parent: &web_sys::Element, markup: &str) {
    use crate::sim::markup::{tokens, Token};
    let doc = document();
    let frag = doc.create_document_fragment();
    let Ok(tokens) = tokens(markup) else {
        frag.set_text_content(Some(markup));
        parent.replace_children_with_node_1(&frag);
        return;
    };
    let in_svg = parent.namespace_uri().as_deref() == Some(SVG_NS);
    // The open elements, each with whether it is SVG.
    let mut open: Vec<(web_sys::Node, bool)> = vec![(frag.clone().into(), in_svg)];
    for t in tokens {
        let (top, svg) = open.last().cloned().expect("the fragment stays open");
        match t {
            Token::Text(text) => {
                let _ = top.append_child(&doc.create_text_node(&text));
            }
            Token::Open { name, attrs, empty } => {
                let svg = svg || name == "svg";
                let el = if svg {
                    doc.create_element_ns(Some(SVG_NS), name)
                } else {
                    doc.create_element(name)
                };
                let Ok(el) = el else { continue };
                for (k, v) in attrs {
                    let lower = k.to_ascii_lowercase();
                    let url = matches!(lower.as_str(), "href" | "xlink:href" | "src");
                    if lower.starts_with("on") || lower == "xmlns" || url && !v.starts_with('#') {
                        continue;
                    }
                    let _ = el.set_attribute(k, &v);
                }
                let _ = top.append_child(&el);
                if !empty {
                    open.push((el.into(), svg));
                }
            }
            Token::Close(_) => {
                if open.len() > 1 {
                    open.pop();
                }
            }
        }
    }
    parent.replace_children_with_node_1(&frag);
}
