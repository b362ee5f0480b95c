//! The page's string table (`src/ui/i18n.rs`) compiled and tested natively:
//! the module names no web crate, so its tests run with `cargo test`
//! although `src/ui/` is otherwise built for wasm32 only.

#[allow(dead_code)]
#[path = "../src/ui/i18n.rs"]
mod i18n;

/// `i18n.rs` words the core's console notes (`crate::sim::session::Note`)
/// and its tests word lesson-file errors (`crate::sim::lessons::parse`).
mod sim {
    pub use ordinal::sim::lessons;
    pub use ordinal::sim::session;
}
