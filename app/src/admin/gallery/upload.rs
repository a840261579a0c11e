//! Uploading a case's pictures. The form works on its own (several files in one post);
//! once the page is live each chosen file is sent by itself, with a progress bar, so a
//! slow connection shows how far each photo has got and one refused file does not stop
//! the rest.

use crate::domain::upload::UploadProblem;
use crate::ui::components::{BUTTON_PRIMARY, LABEL};
use crate::ui::saves::Saves;
use leptos::prelude::*;
use leptos::wasm_bindgen::{self, JsCast};

/// The files sent from this screen, kept above the screen's data so the list survives
/// the reload each finished upload causes.
#[derive(Clone, Copy)]
pub struct UploadLog(RwSignal<Vec<Sending>>);

impl UploadLog {
    pub fn provide() {
        provide_context(UploadLog(RwSignal::new(Vec::new())));
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sending {
    name: String,
    percent: u8,
    /// Done, and what became of it: `None` while sending.
    result: Option<Result<(), String>>,
}

#[component]
pub fn PictureUpload(case_id: String) -> impl IntoView {
    let sending = use_context::<UploadLog>()
        .map(|log| log.0)
        .unwrap_or_else(|| RwSignal::new(Vec::new()));
    let file_input = NodeRef::<leptos::html::Input>::new();
    let kind_select = NodeRef::<leptos::html::Select>::new();
    let case = case_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let (Some(input), Some(select)) = (file_input.get(), kind_select.get()) else {
            return; // not live yet: the browser posts the form itself
        };
        let Some(files) = input.files().filter(|f| f.length() > 0) else {
            return; // nothing chosen: the server answers "choose a photo"
        };
        ev.prevent_default();
        let kind = select.value();
        let start = sending.with_untracked(Vec::len);
        for index in 0..files.length() {
            let Some(file) = files.get(index) else {
                continue;
            };
            sending.update(|list| {
                list.push(Sending {
                    name: file.name(),
                    percent: 0,
                    result: None,
                })
            });
            send(start + index as usize, &case, &kind, &file, sending);
        }
        input.set_value("");
    };
    view! {
        <form method="post" action="/api/admin/case_pictures" enctype="multipart/form-data" on:submit=on_submit class="space-y-3 rounded-2xl border border-dashed border-stone-300 bg-stone-50 p-4">
            <input type="hidden" name="case_id" value=case_id/>
            <div class="flex flex-wrap items-end gap-4">
                <label class=LABEL>"These pictures are"
                    <select name="kind" node_ref=kind_select class="mt-1 block rounded-xl border border-stone-300 bg-white px-3 py-2 text-sm">
                        <option value="before">"Before"</option>
                        <option value="after">"After"</option>
                    </select>
                </label>
                <label class=LABEL>"Photos (JPEG, PNG or WebP, up to 15 MB each)"
                    <input type="file" name="picture" multiple accept="image/jpeg,image/png,image/webp" node_ref=file_input class="mt-1 block text-sm"/>
                </label>
                <button type="submit" class=BUTTON_PRIMARY>"Upload"</button>
            </div>
            <p class="text-sm text-stone-600">"The n-th before picture pairs with the n-th after picture; change pairs and labels below. Location and camera details are removed from every copy the public sees."</p>
            <ul class="space-y-2" aria-live="polite">
                <For each=move || sending.get().into_iter().enumerate() key=|(i, s)| (*i, s.percent, s.result.clone()) let:((_, s))>
                    <li class="text-sm">
                        <span class="font-medium text-stone-800">{s.name.clone()}</span>
                        {match &s.result {
                            None => view! { " " <progress max="100" value=s.percent class="align-middle" aria-label=format!("Uploading {}", s.name)></progress> {format!(" {}%", s.percent)} }.into_any(),
                            Some(Ok(())) => view! { <span class="text-brand-800">" — uploaded; its sizes are being made"</span> }.into_any(),
                            Some(Err(message)) => view! { <span role="alert" class="text-red-700">{format!(" — {message}")}</span> }.into_any(),
                        }}
                    </li>
                </For>
            </ul>
        </form>
    }
}

/// Sends one file, keeping `sending[index]` up to date; reloads the screen when it lands.
fn send(
    index: usize,
    case_id: &str,
    kind: &str,
    file: &web_sys::File,
    sending: RwSignal<Vec<Sending>>,
) {
    let set = move |change: &dyn Fn(&mut Sending)| {
        sending.update(|list| {
            if let Some(entry) = list.get_mut(index) {
                change(entry);
            }
        })
    };
    let (Ok(form), Ok(xhr)) = (web_sys::FormData::new(), web_sys::XmlHttpRequest::new()) else {
        set(&|s| {
            s.result = Some(Err(
                "This browser can't upload here; use the form without JavaScript.".to_owned(),
            ))
        });
        return;
    };
    let _ = form.append_with_str("case_id", case_id);
    let _ = form.append_with_str("kind", kind);
    let _ = form.append_with_blob_and_filename("picture", file, &file.name());
    if let Ok(upload) = xhr.upload() {
        let progress = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
            move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent =
                        (ev.loaded() / ev.total() * 100.0).round().clamp(0.0, 100.0) as u8;
                    set(&|s| s.percent = percent);
                }
            },
        );
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        progress.forget();
    }
    let done_xhr = xhr.clone();
    let saves = use_context::<Saves>();
    let done = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        let body = done_xhr.response_text().ok().flatten().unwrap_or_default();
        let status = done_xhr.status().unwrap_or(0);
        let result = answer(status, &body);
        set(&|s| {
            s.percent = 100;
            s.result = Some(result.clone());
        });
        if let Some(saves) = saves {
            saves.bump();
        }
    });
    xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
    done.forget();
    if xhr.open("POST", "/api/admin/case_pictures").is_err() {
        return;
    }
    // Asks the server function for its answer as data, not for a redirect to a page.
    let _ = xhr.set_request_header("Accept", "application/json");
    let _ = xhr.send_with_opt_form_data(Some(&form));
}

/// What the server said about one file, in words for staff.
fn answer(status: u16, body: &str) -> Result<(), String> {
    match status {
        200..=299 => match serde_json::from_str::<super::api::UploadOutcome>(body) {
            Ok(outcome) => match outcome.problem {
                Some(problem) => Err(problem.to_string()),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        },
        0 => Err("The connection was lost. Try again.".to_owned()),
        _ => Err(serde_json::from_str::<crate::error::AppError>(body)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| UploadProblem::Unreadable.to_string())),
    }
}
