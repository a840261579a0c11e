//! A video visit's page: `/visits/:id` for those signed in (the provider from the calendar,
//! the patient from their account), `/booking/:token/visit` from the booking's private
//! link. Before the room opens it says when it will; while it is open, a camera check,
//! then the call with its controls and a text chat beside it.

use super::api::fetch_room;
use super::screen::{Screen, Stage};
use super::types::{RoomView, Side};
use crate::error::AppError;
use crate::ui::components::{BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn VisitPage() -> impl IntoView {
    let params = use_params_map();
    let visit = params.read_untracked().get("id").unwrap_or_default();
    view! { <Room visit link=String::new()/> }
}

#[component]
pub fn BookingVisitPage() -> impl IntoView {
    let params = use_params_map();
    let link = params.read_untracked().get("token").unwrap_or_default();
    view! { <Room visit=String::new() link/> }
}

#[component]
fn Room(visit: String, link: String) -> impl IntoView {
    let room = Resource::new(|| (), move |_| fetch_room(visit.clone(), link.clone()));
    view! {
        <Title text="Video visit"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-5xl px-4 py-10">
            <Suspense fallback=|| view! { <p class="text-stone-600">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                    {move || Suspend::new(async move {
                        let room = room.await?;
                        Ok::<_, AppError>(view! { <Visit room/> })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[component]
fn Visit(room: RoomView) -> impl IntoView {
    let state = if room.closed {
        view! { <p class="mt-6 text-stone-700">"This visit's room has closed."</p> }.into_any()
    } else if !room.open {
        view! {
            <p class="mt-6 rounded-xl bg-brand-50 p-4 text-brand-900" role="status">
                {format!("The room opens at {}, ten minutes before the visit. Come back then: this page is the way in.", room.opens)}
            </p>
        }
        .into_any()
    } else {
        view! { <Call room=room.clone()/> }.into_any()
    };
    view! {
        <h1 class="font-display text-3xl text-stone-900">{room.title.clone()}</h1>
        <p class="mt-1 text-stone-600">{room.when.clone()}</p>
        {state}
    }
}

/// What each stage says, for everyone and for screen readers.
fn said(stage: &Stage, side: Side, has_turn: bool) -> String {
    match stage {
        Stage::Preview => "Check your camera and microphone, then join.".to_owned(),
        Stage::NoDevices => "Your browser did not allow the camera and microphone. Allow them for this site (the camera icon in the address bar, or your browser's site settings), then reload the page.".to_owned(),
        Stage::Waiting if side == Side::Patient => "You are in the waiting room. Your clinician will let you in.".to_owned(),
        Stage::Waiting => "Waiting for the patient to join.".to_owned(),
        Stage::Connecting => "Connecting…".to_owned(),
        Stage::Connected => "Connected.".to_owned(),
        Stage::Reconnecting => "The connection dropped; reconnecting…".to_owned(),
        Stage::Failed if has_turn => "The connection failed; trying again. If it keeps failing, use the chat below or call the clinic.".to_owned(),
        Stage::Failed => "The connection failed: this network allows no direct path, and the clinic has no relay (TURN) server configured. Use the chat below or call the clinic.".to_owned(),
        Stage::PeerLeft => "The other side left the call. They may come back: stay on this page.".to_owned(),
        Stage::Ended => "The call has ended.".to_owned(),
    }
}

#[component]
fn Call(room: RoomView) -> impl IntoView {
    let screen = Screen::fresh();
    let side = room.side;
    let has_turn = room.has_turn;
    let joined = RwSignal::new(false);
    let microphone = RwSignal::new(true);
    let camera = RwSignal::new(true);
    let typed = RwSignal::new(String::new());
    let controls = Controls::new(room, screen, joined);
    // Joining needs the page's code: until it has run, the button says so by being off
    // (server-rendered, it would do nothing when pressed).
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let stage = screen.stage;
    let in_call = move || {
        matches!(
            stage.get(),
            Stage::Waiting
                | Stage::Connecting
                | Stage::Connected
                | Stage::Reconnecting
                | Stage::Failed
                | Stage::PeerLeft
        )
    };
    view! {
        <p class="mt-4 text-stone-700" role="status" aria-live="polite" data-stage=move || format!("{:?}", stage.get()).to_lowercase()>
            {move || said(&stage.get(), side, has_turn)}
        </p>
        <div class="mt-6 grid gap-6 lg:grid-cols-[2fr_1fr]">
            <div>
                <div class="relative aspect-video overflow-hidden rounded-2xl bg-stone-900">
                    <video node_ref=screen.remote autoplay playsinline aria-label="The other side's video" class="h-full w-full object-cover"></video>
                    <video node_ref=screen.local autoplay playsinline aria-label="Your camera" class="absolute bottom-3 right-3 w-1/4 rounded-xl border-2 border-white bg-stone-800"></video>
                </div>
                {move || (!joined.get() && stage.get() == Stage::Preview).then(|| view! { <DeviceCheck screen controls/> })}
                <div class="mt-4 flex flex-wrap gap-3">
                    {move || (!joined.get() && stage.get() == Stage::Preview).then(|| view! {
                        <button type="button" class=BUTTON_PRIMARY disabled=move || !ready.get() on:click=move |_| controls.join()>"Join the visit"</button>
                    })}
                    {move || (side == Side::Clinician && screen.waiting.get()).then(|| view! {
                        <button type="button" class=BUTTON_PRIMARY on:click=move |_| controls.admit()>"Let the patient in"</button>
                    })}
                    {move || in_call().then(|| view! {
                        <button type="button" class=BUTTON_SECONDARY aria-pressed=move || (!microphone.get()).to_string()
                            on:click=move |_| microphone.set(controls.toggle(true))>
                            {move || if microphone.get() { "Mute" } else { "Unmute" }}
                        </button>
                        <button type="button" class=BUTTON_SECONDARY aria-pressed=move || (!camera.get()).to_string()
                            on:click=move |_| camera.set(controls.toggle(false))>
                            {move || if camera.get() { "Camera off" } else { "Camera on" }}
                        </button>
                        {(side == Side::Clinician).then(|| view! {
                            <button type="button" class=BUTTON_SECONDARY on:click=move |_| controls.complete()>"Mark completed"</button>
                        })}
                        <button type="button" class="rounded-full bg-red-700 px-5 py-3 font-semibold text-white hover:bg-red-800" on:click=move |_| controls.hang_up()>"Hang up"</button>
                    })}
                </div>
            </div>
            <section aria-labelledby="visit-chat">
                <h2 id="visit-chat" class="font-display text-xl text-stone-900">"Chat"</h2>
                <p class="text-sm text-stone-600">"For when the picture or sound fails. Nothing here is kept."</p>
                <ol class="mt-3 max-h-80 space-y-2 overflow-y-auto" aria-label="Chat" aria-live="polite">
                    {move || screen.chat.get().into_iter().map(|(from, text)| {
                        let who = if from == side { "You" } else if from == Side::Patient { "Patient" } else { "Clinician" };
                        view! { <li class="rounded-xl bg-stone-100 p-2 text-sm"><span class="font-semibold">{who}": "</span>{text}</li> }
                    }).collect_view()}
                </ol>
                <form class="mt-3 flex gap-2" on:submit=move |ev| {
                    ev.prevent_default();
                    controls.chat(&typed.get_untracked());
                    typed.set(String::new());
                }>
                    <label for="chat-line" class="sr-only">"Message"</label>
                    <input id="chat-line" class=FIELD maxlength="1000" autocomplete="off"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                        disabled=move || !in_call()/>
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || !in_call()>"Send"</button>
                </form>
            </section>
        </div>
    }
}

/// Choosing the camera and microphone, and the microphone's level, before joining.
#[component]
fn DeviceCheck(screen: Screen, controls: Controls) -> impl IntoView {
    let choice = move |devices: RwSignal<Vec<super::screen::Device>>, chosen: RwSignal<String>| {
        move || {
            devices
                .get()
                .into_iter()
                .map(|device| {
                    let selected = device.id == chosen.get();
                    view! { <option value=device.id selected=selected>{device.label}</option> }
                })
                .collect_view()
        }
    };
    let level = screen.level;
    view! {
        <div class="mt-4 grid gap-4 sm:grid-cols-2" on:pointerdown=move |_| controls.wake() on:keydown=move |_| controls.wake()>
            <div>
                <label for="camera" class="block text-sm font-semibold text-stone-800">"Camera"</label>
                <select id="camera" class=FIELD on:change=move |ev| {
                    screen.camera.set(event_target_value(&ev));
                    controls.reopen();
                }>{choice(screen.cameras, screen.camera)}</select>
            </div>
            <div>
                <label for="microphone" class="block text-sm font-semibold text-stone-800">"Microphone"</label>
                <select id="microphone" class=FIELD on:change=move |ev| {
                    screen.microphone.set(event_target_value(&ev));
                    controls.reopen();
                }>{choice(screen.microphones, screen.microphone)}</select>
            </div>
        </div>
        <div class="mt-3 flex items-center gap-3">
            <span id="microphone-level" class="text-sm font-semibold text-stone-800">"Microphone level"</span>
            <meter aria-labelledby="microphone-level" min="0" max="100" low="5" value=move || level.get() class="h-3 w-48"></meter>
            <span class="text-sm text-stone-600">"Say something: the bar should move."</span>
        </div>
    }
}

/// The buttons' actions: on the call in the browser; on the server, never pressed.
#[derive(Clone, Copy)]
struct Controls {
    #[cfg(feature = "hydrate")]
    call: StoredValue<Option<std::rc::Rc<super::call::Call>>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    room: StoredValue<RoomView, LocalStorage>,
    #[cfg(feature = "hydrate")]
    screen: Screen,
    #[cfg(feature = "hydrate")]
    joined: RwSignal<bool>,
    /// The camera and microphone the preview opened, for the call to take.
    #[cfg(feature = "hydrate")]
    media: StoredValue<Option<web_sys::MediaStream>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    meter: StoredValue<Option<super::devices::Meter>, LocalStorage>,
}

#[cfg(feature = "hydrate")]
impl Controls {
    fn new(room: RoomView, screen: Screen, joined: RwSignal<bool>) -> Controls {
        let controls = Controls {
            call: StoredValue::new_local(None),
            room: StoredValue::new_local(room),
            screen,
            joined,
            media: StoredValue::new_local(None),
            meter: StoredValue::new_local(None),
        };
        // The camera's preview as soon as the page runs: the device check before joining.
        Effect::new(move |_| controls.reopen());
        controls
    }

    /// Lets the level meter run: browsers hold sound back until the person does something.
    fn wake(self) {
        self.meter
            .with_value(|meter| meter.as_ref().map(|m| m.resume()));
    }

    /// Opens the chosen devices (again), in place of those open before.
    fn reopen(self) {
        self.meter.set_value(None);
        if let Some(old) = self.media.try_update_value(Option::take).flatten() {
            super::devices::stop(&old);
        }
        leptos::task::spawn_local(async move {
            let media = super::devices::preview(self.screen).await;
            let meter = media
                .as_ref()
                .and_then(|media| super::devices::Meter::start(self.screen, media));
            self.meter.set_value(meter);
            self.media.set_value(media);
        });
    }

    fn join(self) {
        self.joined.set(true);
        self.wake();
        leptos::task::spawn_local(async move {
            let media = match self.media.get_value() {
                Some(media) => Some(media),
                None => super::devices::preview(self.screen).await,
            };
            let Some(media) = media else {
                return;
            };
            let room = self.room.get_value();
            let call = super::call::Call::join(room, self.screen, media);
            self.call.set_value(call);
        });
    }

    fn with(self, act: impl FnOnce(&super::call::Call) -> bool) -> bool {
        self.call
            .with_value(|call| call.as_deref().map(act))
            .unwrap_or(true)
    }

    fn admit(self) {
        self.with(|call| {
            call.admit();
            true
        });
    }

    fn complete(self) {
        self.with(|call| {
            call.complete();
            true
        });
    }

    fn chat(self, text: &str) {
        self.with(|call| {
            call.chat(text);
            true
        });
    }

    fn toggle(self, audio: bool) -> bool {
        self.with(|call| call.toggle(audio))
    }

    fn hang_up(self) {
        self.with(|call| {
            call.hang_up();
            true
        });
    }
}

#[cfg(not(feature = "hydrate"))]
impl Controls {
    fn new(_: RoomView, _: Screen, _: RwSignal<bool>) -> Controls {
        Controls {}
    }
    fn reopen(self) {}
    fn wake(self) {}
    fn join(self) {}
    fn admit(self) {}
    fn complete(self) {}
    fn chat(self, _: &str) {}
    fn toggle(self, _: bool) -> bool {
        true
    }
    fn hang_up(self) {}
}
