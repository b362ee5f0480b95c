//! Frame-cost accounting: how long the sim and each derived view take,
//! averaged and published on `<html data-perf="...">` so a test or a
//! curious user (devtools) can see where a frame goes. Cheap enough to
//! leave on.

use std::cell::RefCell;
use std::collections::BTreeMap;

thread_local! {
    static TOTALS: RefCell<BTreeMap<&'static str, (f64, u32)>> = const { RefCell::new(BTreeMap::new()) };
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Runs `f`, adding its wall time to `name`.
pub fn time<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let t0 = now();
    let out = f();
    span(name, t0);
    out
}

/// Work that took this long (ms) or more is also a `performance.measure`
/// named `ordinal:<name>`, so a trace or a `PerformanceObserver` shows it
/// (tests/e2e/frames-profile.mjs and frames8.mjs read them).
const MEASURE_MS: f64 = 2.0;

/// Adds the wall time since `t0` (from [`now`]) to `name`.
pub fn span(name: &'static str, t0: f64) {
    let t1 = now();
    add(name, t1 - t0);
    if t1 - t0 >= MEASURE_MS {
        measure(name, t0, t1);
    }
}

/// `performance.measure("ordinal:<name>", {start, end})`, through
/// `Reflect` (web-sys's binding needs two more crate features).
pub fn measure(name: &str, start: f64, end: f64) {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(perf) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"start".into(), &JsValue::from_f64(start));
    let _ = js_sys::Reflect::set(&opts, &"end".into(), &JsValue::from_f64(end));
    if let Ok(f) = js_sys::Reflect::get(&perf, &"measure".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call2(&perf, &format!("ordinal:{name}").into(), &opts);
        }
    }
}

pub fn add(name: &'static str, ms: f64) {
    TOTALS.with(|t| {
        let mut t = t.borrow_mut();
        let e = t.entry(name).or_insert((0.0, 0));
        e.0 += ms;
        e.1 += 1;
    });
}

/// Publishes mean ms per call since the last publish, then starts over.
pub fn publish() {
    let text = TOTALS.with(|t| {
        let mut t = t.borrow_mut();
        let s = t
            .iter()
            .map(|(k, (ms, n))| format!("{k}={:.2}x{n}", ms / (*n).max(1) as f64))
            .collect::<Vec<_>>()
            .join(" ");
        t.clear();
        s
    });
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-perf", &text);
    }
    // The measures are for observers as they come; the timeline's buffer
    // would otherwise grow with the session.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_measures();
    }
}
