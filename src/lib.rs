//! Ordinal: a Kubernetes StatefulSet playground. `sim` is the pure core;
//! `ui` is the Leptos face, compiled only for the browser.

pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod ui;
