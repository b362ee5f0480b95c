//! Ordinal: a Kubernetes StatefulSet playground. `sim` is the pure core;
//! `ui` is the Leptos face, compiled only for the browser.

pub mod sim;

/// The CLI's and the bench's allocator (native only).
#[cfg(not(target_arch = "wasm32"))]
pub mod alloc;

#[cfg(target_arch = "wasm32")]
pub mod ui;
