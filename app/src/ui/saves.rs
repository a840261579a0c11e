//! Screens whose forms save in place. A save answers with a redirect to the same screen
//! (so that without JavaScript the browser shows it afresh); with JavaScript the router
//! stays on the mounted screen, whose data would then be stale. So the screen counts its
//! forms' successful saves and loads its data again on each, showing what is now stored
//! and the notice the redirect's address asks for.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Saves(RwSignal<u32>);

impl Saves {
    /// Starts counting saves for the screen below; its resource should read `get`.
    pub fn count() -> Self {
        let saves = Saves(RwSignal::new(0));
        provide_context(saves);
        saves
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// Loads the screen's data again (for work that finishes in the background).
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

/// Counts a save each time `succeeded` becomes true; a form passes
/// `move || matches!(action.value().get(), Some(Ok(_)))`.
pub fn reload_after(succeeded: impl Fn() -> bool + Send + Sync + 'static) {
    if let Some(Saves(count)) = use_context::<Saves>() {
        Effect::new(move |_| {
            if succeeded() {
                count.update(|n| *n += 1);
            }
        });
    }
}
