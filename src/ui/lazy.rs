//! Files the first load leaves out, fetched when first used: the built-in
//! examples' manifests (`examples/<path>`, Trunk copies `src/sim/examples/`),
//! kubectl's long help texts (`kubectl/help/<name>`, from
//! `src/sim/kubectl/help/`) and the bundled lessons (`lessons/<id>.yaml`,
//! from `public/lessons/`).
//! They are read by relative URL from the page's own origin, which the
//! Content-Security-Policy (`connect-src 'self'`) allows. The core says
//! which files it needs (`sim::examples`: `Example::missing`, `named_files`;
//! `sim::kubectl::help::needed`; `sim::lessons::needed_files`) and takes
//! them (`examples::provide`, `help::provide`); this
//! only moves bytes, shows that it is loading, and says clearly what could
//! not be loaded (a page opened from a file, or served without its files).

use super::Ui;
use crate::sim::examples;
use crate::sim::kubectl::help;
use crate::sim::session::saved::{OpenError, Saved};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where the examples' files are, relative to the page.
const EXAMPLES_DIR: &str = "examples/";

/// Whether `path` (an examples' file, or a kubectl help file of
/// `help::FILES`) is at hand.
fn at_hand(path: &str) -> bool {
    if help::FILES.contains(&path) {
        help::text(path).is_some()
    } else {
        examples::text(path).is_some()
    }
}

/// The URL of `path`, relative to the page.
fn url_of(path: &str) -> String {
    if help::FILES.contains(&path) {
        format!("{}{path}", help::DIR)
    } else {
        format!("{EXAMPLES_DIR}{path}")
    }
}

/// Hands a fetched file to the core; `false` when it refuses it.
fn provide(path: &str, text: String) -> bool {
    if help::FILES.contains(&path) {
        help::provide(path, text).is_ok()
    } else {
        examples::provide(path, text).is_ok()
    }
}

/// The banner when files could not be fetched (`i18n::TEMPLATES` words it
/// in Chinese).
pub fn missing_banner(paths: &[String]) -> String {
    format!(
        "Not loaded: {}. This page was opened from a file or served without its files; serve the whole dist/ folder over HTTP to use it.",
        paths.join(", ")
    )
}

/// GETs a file relative to the page. `Err` names the file.
async fn get(path: &str) -> Result<String, String> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| path.to_string())?;
    xhr.open_with_async("GET", path, true)
        .map_err(|_| path.to_string())?;
    let target: &web_sys::EventTarget = xhr.unchecked_ref();
    let mut listen = Err(());
    let done = js_sys::Promise::new(&mut |resolve, _| {
        listen = target
            .add_event_listener_with_callback("loadend", &resolve)
            .map_err(|_| ());
    });
    listen.map_err(|_| path.to_string())?;
    // A page opened from a file may refuse at once.
    xhr.send().map_err(|_| path.to_string())?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    match xhr.status().unwrap_or(0) {
        200 => xhr
            .response_text()
            .ok()
            .flatten()
            .ok_or_else(|| path.to_string()),
        _ => Err(path.to_string()),
    }
}

/// Fetches the examples' files not at hand yet and hands them to the core,
/// showing `what` as loading meanwhile. `Err` lists the files (as URLs
/// relative to the page) that could not be had; the rest are kept.
pub async fn examples_files(ui: Ui, what: &str, paths: &[&'static str]) -> Result<(), Vec<String>> {
    let wanted: Vec<&'static str> = paths.iter().copied().filter(|p| !at_hand(p)).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let _busy = Busy::new(ui, what);
    fetch_examples(&wanted).await
}

/// GETs examples' (or help) files and hands them to the core; `Err` lists
/// the ones (as URLs relative to the page) that could not be had.
async fn fetch_examples(paths: &[&'static str]) -> Result<(), Vec<String>> {
    let mut failed = Vec::new();
    for p in paths {
        let url = url_of(p);
        let ok = match get(&url).await {
            Ok(text) => provide(p, text),
            Err(_) => false,
        };
        if !ok {
            failed.push(url);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed)
    }
}

/// The examples' files as URLs relative to the page, as a banner names them.
pub fn example_urls(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| format!("{EXAMPLES_DIR}{p}")).collect()
}

/// Fetches a bundled lesson's file and the examples' files it needs, then
/// calls `then` with the lesson's text.
pub fn lesson_then(ui: Ui, file: &'static str, then: Box<dyn FnOnce(Result<String, Vec<String>>)>) {
    leptos::task::spawn_local(async move { then(lesson(ui, file).await) });
}

/// What to do once files are fetched (or could not be: their URLs).
pub type Then = Box<dyn FnOnce(Result<(), Vec<String>>)>;

/// Fetches the examples' files not at hand yet, then calls `then` (at once
/// when nothing is missing). One future type for every caller: the page
/// stays small.
pub fn examples_then(ui: Ui, what: &str, paths: Vec<&'static str>, then: Then) {
    if paths.iter().all(|p| at_hand(p)) {
        then(Ok(()));
        return;
    }
    let what = what.to_string();
    leptos::task::spawn_local(async move { then(examples_files(ui, &what, &paths).await) });
}

/// Runs `line` once the docs files it names and the help texts it prints
/// are fetched; a file that cannot be had is reported, and the line runs
/// anyway (and says it cannot read the file, or which help text is missing).
pub fn line_then(ui: Ui, line: &str, run: Box<dyn FnOnce()>) {
    let need = unfetched_files_of(line);
    let what = need.first().copied().unwrap_or_default();
    examples_then(
        ui,
        what,
        need,
        Box::new(move |r| {
            if let Err(failed) = r {
                report(ui, &failed);
            }
            run()
        }),
    );
}

/// The docs files a console or host line names (`kubectl apply -f
/// https://k8s.io/examples/...`) and the kubectl help texts it prints
/// (`kubectl run -h`) that are not fetched yet.
pub fn unfetched_files_of(line: &str) -> Vec<&'static str> {
    examples::named_files(line)
        .into_iter()
        .chain(help::needed(line))
        .filter(|f| !at_hand(f))
        .collect()
}

/// Fetches a bundled lesson's file, then the examples' files it needs.
pub async fn lesson(ui: Ui, file: &str) -> Result<String, Vec<String>> {
    let text = {
        let _busy = Busy::new(ui, file);
        get(file).await.map_err(|f| vec![f])?
    };
    if let Ok(l) = crate::sim::lessons::parse(file, &text) {
        let need = crate::sim::lessons::needed_files(&l);
        examples_files(ui, file, &need).await?;
    }
    Ok(text)
}

/// Shows a loading status while alive (for however many loads overlap).
struct Busy {
    ui: Ui,
    what: String,
}

impl Busy {
    fn new(ui: Ui, what: &str) -> Busy {
        ui.loading.update(|l| l.push(what.to_string()));
        Busy {
            ui,
            what: what.to_string(),
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let what = std::mem::take(&mut self.what);
        self.ui.loading.update(|l| {
            if let Some(i) = l.iter().position(|w| *w == what) {
                l.remove(i);
            }
        });
    }
}

/// Shows the banner saying what could not be loaded.
pub fn report(ui: Ui, failed: &[String]) {
    let banner = missing_banner(failed);
    ui.banners.update(|b| {
        if !b.contains(&banner) {
            b.push(banner)
        }
    });
}

/// The example a saved session or link names that is known but not at
/// hand yet (the core opens it only once its files are here).
pub fn unloaded_example(result: &Result<Saved, OpenError>) -> Option<&'static examples::Example> {
    match result {
        Err(OpenError::UnknownExample(id)) => {
            examples::by_id(id).filter(|e| !e.missing().is_empty())
        }
        Ok(saved) if saved.editor.is_none() => {
            examples::by_id(&saved.example).filter(|e| !e.missing().is_empty())
        }
        _ => None,
    }
}

/// Before the page mounts: fetches the examples the address needs
/// (`?example=`, a share link's example), so the start is as with every
/// file built in. Files that cannot be had leave a banner; the start then
/// says what it could not open, as for any link that does not open.
pub async fn before_start() -> Vec<String> {
    let mut problems = Vec::new();
    let (search, hash) = {
        let loc = window().location();
        (
            loc.search().unwrap_or_default(),
            loc.hash().unwrap_or_default(),
        )
    };
    // `?example=` (share::start reads the rest of the address).
    let mut wanted: Vec<&'static examples::Example> = Vec::new();
    if let Some(e) = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("example"))
        .and_then(|id| examples::by_id(&id))
    {
        wanted.push(e);
    }
    let frag = hash.trim_start_matches('#').to_string();
    let is_session = !frag.is_empty() && !crate::sim::lessons::link::is_link(&frag);
    // A link may name several examples (its editor and applied manifests):
    // each try finds the next one missing.
    for _ in 0..=examples::all().len() {
        let next = wanted
            .iter()
            .copied()
            .find(|e| !e.missing().is_empty())
            .or_else(|| {
                is_session
                    .then(|| unloaded_example(&Saved::from_link(&frag)))
                    .flatten()
            });
        let Some(e) = next else { break };
        // Before the app is mounted: a plain status line in the body.
        let lang = super::initial_lang();
        let status = document().create_element("p").ok();
        if let (Some(p), Some(body)) = (&status, document().body()) {
            p.set_text_content(Some(&super::i18n::tf(
                lang,
                super::i18n::Key::Loading,
                &[e.id],
            )));
            let _ = p.set_attribute("role", "status");
            let _ = p.set_attribute("class", "boot-loading");
            let _ = body.append_child(p);
        }
        let fetched = fetch_examples(&e.missing()).await;
        if let Some(p) = status {
            p.remove();
        }
        if let Err(failed) = fetched {
            problems.push(missing_banner(&failed));
            break;
        }
    }
    problems
}

/// Fetches the examples a session (a file's JSON or a pasted link) names
/// that are not at hand yet, so the core can open it.
pub async fn examples_of_session(ui: Ui, text: &str) -> Result<(), Vec<String>> {
    for _ in 0..=examples::all().len() {
        let Some(e) = unloaded_example(&Saved::open(text)) else {
            break;
        };
        examples_files(ui, e.id, &e.missing()).await?;
    }
    Ok(())
}
