//! The device check in the browser: which cameras and microphones there are, opening the
//! chosen ones, and the microphone's level as a number the page shows. Only compiled for
//! the browser.

use super::screen::{Device, Screen, Stage};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AnalyserNode, AudioContext, HtmlVideoElement, MediaDeviceInfo, MediaDeviceKind, MediaStream,
    MediaStreamConstraints, MediaStreamTrack,
};

/// How often the level is read: often enough to follow speech, rarely enough to cost nothing.
const LEVEL_EVERY_MS: i32 = 100;

/// Opens the chosen camera and microphone (the defaults at first), shows the camera on the
/// preview, and lists the devices to choose from; `None` (and the page says how to allow
/// them) when the browser refuses.
pub async fn preview(screen: Screen) -> Option<MediaStream> {
    let camera = screen.camera.get_untracked();
    let microphone = screen.microphone.get_untracked();
    let Some(media) = open(&camera, &microphone).await else {
        screen.stage.set(Stage::NoDevices);
        return None;
    };
    if let Some(video) = screen.local.get_untracked() {
        let video: &HtmlVideoElement = &video;
        video.set_muted(true);
        video.set_src_object(Some(&media));
    }
    list(screen, &media).await;
    Some(media)
}

/// The camera and microphone with these ids (empty: the browser's default), or `None` when
/// the browser refuses them.
pub async fn open(camera: &str, microphone: &str) -> Option<MediaStream> {
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&chosen(microphone));
    constraints.set_video(&chosen(camera));
    let asked = window()
        .navigator()
        .media_devices()
        .and_then(|devices| devices.get_user_media_with_constraints(&constraints))
        .ok()?;
    JsFuture::from(asked).await.ok()?.dyn_into().ok()
}

/// `true` for the default device, or `{deviceId: {exact: id}}` for a chosen one.
fn chosen(id: &str) -> JsValue {
    if id.is_empty() {
        return JsValue::TRUE;
    }
    let exact = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&exact, &"exact".into(), &id.into());
    let constraint = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&constraint, &"deviceId".into(), &exact);
    constraint.into()
}

/// Stops every track of `media`: the camera's light goes off.
pub fn stop(media: &MediaStream) {
    for track in media.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// Lists the cameras and microphones on the screen, and which of each `media` uses. Names
/// are only given once the browser has allowed them, so this follows `open`.
async fn list(screen: Screen, media: &MediaStream) {
    let Some(found) = window()
        .navigator()
        .media_devices()
        .and_then(|devices| devices.enumerate_devices())
        .ok()
    else {
        return;
    };
    let Ok(found) = JsFuture::from(found).await else {
        return;
    };
    let (mut cameras, mut microphones) = (Vec::new(), Vec::new());
    for info in js_sys::Array::from(&found).iter() {
        let Ok(info) = info.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        let list = match info.kind() {
            MediaDeviceKind::Videoinput => &mut cameras,
            MediaDeviceKind::Audioinput => &mut microphones,
            _ => continue,
        };
        let number = list.len() + 1;
        let label = match info.label() {
            label if label.is_empty() => format!("Device {number}"),
            label => label,
        };
        list.push(Device {
            id: info.device_id(),
            label,
        });
    }
    screen.cameras.set(cameras);
    screen.microphones.set(microphones);
    let in_use = |tracks: js_sys::Array| {
        tracks
            .get(0)
            .dyn_into::<MediaStreamTrack>()
            .ok()
            .and_then(|track| {
                let settings = track.get_settings();
                js_sys::Reflect::get(&settings, &"deviceId".into())
                    .ok()?
                    .as_string()
            })
            .unwrap_or_default()
    };
    screen.camera.set(in_use(media.get_video_tracks()));
    screen.microphone.set(in_use(media.get_audio_tracks()));
}

/// The microphone's level, read into the screen's `level` (0 to 100) while it lives.
pub struct Meter {
    context: AudioContext,
    interval: i32,
    _tick: Closure<dyn FnMut()>,
}

impl Meter {
    pub fn start(screen: Screen, media: &MediaStream) -> Option<Meter> {
        let context = AudioContext::new().ok()?;
        let source = context.create_media_stream_source(media).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(2048);
        source.connect_with_audio_node(&analyser).ok()?;
        let tick = Closure::<dyn FnMut()>::new(move || screen.level.set(level_of(&analyser)));
        let interval = window()
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                LEVEL_EVERY_MS,
            )
            .ok()?;
        let meter = Meter {
            context,
            interval,
            _tick: tick,
        };
        meter.resume();
        Some(meter)
    }

    /// Browsers start sound processing only after the person has done something on the
    /// page: each control calls this, and the first one brings the meter to life.
    pub fn resume(&self) {
        let _ = self.context.resume();
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        window().clear_interval_with_handle(self.interval);
        let _ = self.context.close();
    }
}

/// How loud the last moment was: the root mean square of the waveform, scaled so speech
/// fills most of the bar.
fn level_of(analyser: &AnalyserNode) -> u8 {
    let mut samples = vec![0u8; analyser.fft_size() as usize];
    analyser.get_byte_time_domain_data(&mut samples);
    let square: f64 = samples
        .iter()
        .map(|s| {
            let centred = (f64::from(*s) - 128.0) / 128.0;
            centred * centred
        })
        .sum::<f64>()
        / samples.len().max(1) as f64;
    (square.sqrt() * 300.0).min(100.0) as u8
}
