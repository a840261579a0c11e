//! The browser entry point: it only hydrates the server-rendered app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazily loaded pages (`app::lazy_pages`) hydrate once their chunk has arrived.
    leptos::mount::hydrate_lazy(app::App);
}
