//! The embedding API: `postMessage` between a host page and the frame
//! (README, "Share links, embeds and the embedding API"). Messages are parsed and answered by the core
//! (`session::host`); this moves them between the window and the session.
//! Any origin may drive the playground: it holds no secrets.

use super::Ui;
use crate::sim::session::host::{self, HostMessage};
use leptos::prelude::*;
use serde_json::Value;
use std::cell::Cell;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Window;

/// Send the host the state at most this often after changes.
const STATE_EVERY_MS: u64 = 1_000;

thread_local! {
    static STATE_PENDING: Cell<bool> = const { Cell::new(false) };
}

fn post(to: &Window, v: &Value) {
    if let Ok(js) = js_sys::JSON::parse(&crate::sim::object::json_text(v)) {
        // Any origin may listen: nothing the frame sends is secret.
        let _ = to.post_message(&js, "*");
    }
}

/// The window this page is framed in, if it is framed.
fn parent() -> Option<Window> {
    let w = window();
    let p = w.parent().ok().flatten()?;
    let same: &JsValue = p.as_ref();
    (!js_sys::Object::is(same, w.as_ref())).then_some(p)
}

fn warn(why: &str) {
    gloo::console::warn!(format!("Ordinal ignored a message: {why}"));
}

fn handle(ui: Ui, ev: &web_sys::MessageEvent) {
    // Before the rest of the code is linked, the message waits for it as it
    // came, unparsed: parsing would already need the rest (and put the JSON
    // parser in the first load, about 4 KB).
    let again = ev.clone();
    if ui.waits_for_rest(false, move || handle(ui, &again)) {
        return;
    }
    let json = js_sys::JSON::stringify(&ev.data())
        .ok()
        .and_then(|s| s.as_string());
    let Some(value) = json.and_then(|s| serde_json::from_str::<Value>(&s).ok()) else {
        warn("not a JSON object");
        return;
    };
    let msg = match host::parse_message(&value) {
        Ok(m) => m,
        Err(e) => {
            warn(&e);
            return;
        }
    };
    // A cross-origin window cannot be checked with instanceof; it can be posted to.
    let reply_to: Option<Window> = ev.source().map(|s| s.unchecked_into());
    // A line naming a docs file the page has not fetched yet runs once it is here.
    match &msg {
        HostMessage::Run { line, .. } => {
            let line = line.clone();
            super::lazy::line_then(ui, &line, Box::new(move || run(ui, &msg, reply_to)));
        }
        _ => run(ui, &msg, reply_to),
    }
}

fn run(ui: Ui, msg: &HostMessage, reply_to: Option<Window>) {
    match msg {
        HostMessage::Apply { .. } | HostMessage::Run { .. } => {
            let done = ui.session.try_update_value(|s| host::run(s, msg)).flatten();
            if let Some((reply, printed)) = done {
                for p in printed {
                    ui.show(p);
                }
                ui.changed();
                ui.save();
                if let Some(to) = &reply_to {
                    post(to, &reply);
                }
            }
        }
        HostMessage::Reset => ui.reset(),
        HostMessage::Play => ui.play(),
        HostMessage::Pause => ui.playing.set(false),
        HostMessage::GetState { id } => {
            if let Some(to) = &reply_to {
                post(to, &ui.session.with_value(|s| host::state(s, id)));
            }
        }
    }
}

/// Listens for the host's messages, says `ordinal:ready` to the parent
/// frame, and sends it the state (throttled) after changes.
pub fn install(ui: Ui) {
    gloo::events::EventListener::new(&window(), "message", move |ev| {
        handle(ui, ev.unchecked_ref())
    })
    .forget();
    let Some(p) = parent() else {
        return;
    };
    // Once the view is mounted: the frame is interactive.
    request_animation_frame(move || post(&p, &host::ready()));
    Effect::new(move |prev: Option<()>| {
        ui.version.track();
        if prev.is_none() || STATE_PENDING.with(|c| c.replace(true)) {
            return;
        }
        set_timeout(
            move || {
                STATE_PENDING.with(|c| c.set(false));
                if let Some(p) = parent() {
                    post(&p, &ui.session.with_value(|s| host::state(s, &Value::Null)));
                }
            },
            Duration::from_millis(STATE_EVERY_MS),
        );
    });
}
