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
    add(name, now() - t0);
    out
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
}
