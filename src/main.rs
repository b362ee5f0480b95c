//! The browser entry point. Trunk builds this binary for wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    ordinal::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("ordinal-web is the browser app; build it with Trunk (see README.md). The CLI is `ordinal`.");
    std::process::exit(2);
}
