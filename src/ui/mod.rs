//! The Leptos face of Ordinal (placeholder).

use leptos::prelude::*;

#[component]
fn App() -> impl IntoView {
    view! {
        <main class="app">
            <h1>"Ordinal"</h1>
            <p class="version">{crate::sim::version_string()}</p>
        </main>
    }
}

pub fn mount() {
    leptos::mount::mount_to_body(App);
}
