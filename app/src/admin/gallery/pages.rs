//! The gallery's staff screens: galleries, albums and cases in order; one case's details,
//! consent, pictures and publishing; and the preview of exactly what the public will see.

use super::api::{
    fetch_case_editor, fetch_case_preview, fetch_gallery_admin, MoveGalleryItem, PublishCase,
    RecordConsent, RemoveCasePicture, RevokeConsent, SaveCase, SaveCasePicture, SaveCollection,
};
use super::types::{AdminAlbum, AdminCaseRow, AdminGallery, AdminPicture, CaseEditor};
use super::upload::PictureUpload;
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::domain::gallery::AGE_RANGES;
use crate::domain::gallery_forms::{CaseForm, ConsentForm};
use crate::domain::upload::UploadProblem;
use crate::ui::components::{
    Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD, LABEL,
};
use crate::ui::saves::{reload_after, Saves};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

const SMALL_BUTTON: &str =
    "rounded-full border border-stone-300 px-3 py-1 text-sm disabled:opacity-40";
const BADGE_ON: &str = "rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-800";
const BADGE_OFF: &str = "rounded-full bg-stone-100 px-2 py-0.5 text-xs font-medium text-stone-600";

#[component]
pub fn GalleryAdminPage() -> impl IntoView {
    let saves = Saves::count();
    let data = Resource::new(move || saves.get(), |_| fetch_gallery_admin());
    view! { <StaffScreen data here="/admin/gallery".to_owned() view=|galleries| view! { <GalleryTree galleries/> }/> }
}

#[component]
fn GalleryTree(galleries: Vec<AdminGallery>) -> impl IntoView {
    let notice = |query: &ParamsMap| query.get("saved").map(|_| "Saved.".to_owned());
    let move_action = ServerAction::<MoveGalleryItem>::new();
    reload_after(move || matches!(move_action.value().get(), Some(Ok(_))));
    let last = galleries.len().saturating_sub(1);
    view! {
        <Title text="Gallery — Staff area"/>
        <div class="mx-auto max-w-5xl px-4 py-10">
            <ScreenHeading title="Gallery" lead="Before/after cases in galleries and albums, in the order the public sees them. A case appears only when it is published and the patient's consent covers the website."/>
            <SavedNotice say=notice/>
            <details class="mt-6 rounded-2xl border border-stone-200 bg-white p-4">
                <summary class="cursor-pointer font-medium text-brand-800">"New gallery"</summary>
                <CollectionEditor id=String::new() parent_id=String::new() title=String::new() slug=String::new() description=String::new() published=false/>
            </details>
            <ol class="mt-6 space-y-6">
                {galleries.into_iter().enumerate().map(|(index, gallery)| view! {
                    <li class="rounded-2xl border border-stone-200 bg-white p-5">
                        <GalleryBlock gallery first=index == 0 last=index == last move_action/>
                    </li>
                }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn GalleryBlock(
    gallery: AdminGallery,
    first: bool,
    last: bool,
    move_action: ServerAction<MoveGalleryItem>,
) -> impl IntoView {
    let album_last = gallery.albums.len().saturating_sub(1);
    let gallery_id = gallery.id.clone();
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h2 class="font-display text-2xl text-stone-900">
                {gallery.title.clone()} " "
                <span class=if gallery.published { BADGE_ON } else { BADGE_OFF }>{if gallery.published { "Published" } else { "Hidden" }}</span>
            </h2>
            <MoveButtons level="gallery" id=gallery.id.clone() name=gallery.title.clone() first last move_action/>
        </div>
        <details class="mt-2">
            <summary class="cursor-pointer text-sm text-brand-800">"Edit gallery"</summary>
            <CollectionEditor id=gallery.id.clone() parent_id=String::new() title=gallery.title.clone() slug=gallery.slug.clone() description=gallery.description.clone() published=gallery.published/>
        </details>
        <ol class="mt-4 space-y-4">
            {gallery.albums.into_iter().enumerate().map(|(index, album)| view! {
                <li class="rounded-xl border border-stone-100 bg-stone-50 p-4">
                    <AlbumBlock album gallery_id=gallery_id.clone() first=index == 0 last=index == album_last move_action/>
                </li>
            }).collect_view()}
        </ol>
        <details class="mt-3">
            <summary class="cursor-pointer text-sm text-brand-800">{format!("New album in {}", gallery.title)}</summary>
            <CollectionEditor id=String::new() parent_id=gallery.id title=String::new() slug=String::new() description=String::new() published=false/>
        </details>
    }
}

#[component]
fn AlbumBlock(
    album: AdminAlbum,
    gallery_id: String,
    first: bool,
    last: bool,
    move_action: ServerAction<MoveGalleryItem>,
) -> impl IntoView {
    let case_last = album.cases.len().saturating_sub(1);
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h3 class="text-lg font-semibold text-stone-900">
                {album.title.clone()} " "
                <span class=if album.published { BADGE_ON } else { BADGE_OFF }>{if album.published { "Published" } else { "Hidden" }}</span>
            </h3>
            <div class="flex items-center gap-3">
                <a href=format!("/admin/gallery/cases/new?album={}", album.id) class="text-sm font-medium text-brand-800 underline">"New case"</a>
                <MoveButtons level="album" id=album.id.clone() name=album.title.clone() first last move_action/>
            </div>
        </div>
        <details class="mt-1">
            <summary class="cursor-pointer text-sm text-brand-800">"Edit album"</summary>
            <CollectionEditor id=album.id.clone() parent_id=gallery_id title=album.title.clone() slug=album.slug.clone() description=album.description.clone() published=album.published/>
        </details>
        <ul class="mt-3 divide-y divide-stone-200">
            {album.cases.into_iter().enumerate().map(|(index, case)| view! {
                <li class="flex flex-wrap items-center justify-between gap-3 py-2"><CaseLine case first=index == 0 last=index == case_last move_action/></li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn CaseLine(
    case: AdminCaseRow,
    first: bool,
    last: bool,
    move_action: ServerAction<MoveGalleryItem>,
) -> impl IntoView {
    view! {
        <div>
            <a href=format!("/admin/gallery/cases/{}", case.id) class="font-medium text-brand-800 hover:underline">{case.title.clone()}</a>
            " "
            <span class=if case.public { BADGE_ON } else { BADGE_OFF }>{if case.public { "On the site" } else if case.published { "Published, not shown" } else { "Draft" }}</span>
            <p class="text-sm text-stone-500">{format!("{} · {} pictures", case.consent, case.pictures)}</p>
        </div>
        <MoveButtons level="case" id=case.id name=case.title first last move_action/>
    }
}

#[component]
fn MoveButtons(
    level: &'static str,
    id: String,
    name: String,
    first: bool,
    last: bool,
    move_action: ServerAction<MoveGalleryItem>,
) -> impl IntoView {
    let button = move |direction: &'static str, arrow: &'static str, disabled: bool| {
        let id = id.clone();
        let label = format!("Move {name} {direction}");
        view! {
            <ActionForm action=move_action>
                <input type="hidden" name="level" value=level/>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="direction" value=direction/>
                <button type="submit" disabled=disabled class=SMALL_BUTTON aria-label=label>{arrow}</button>
            </ActionForm>
        }
    };
    view! { <div class="flex gap-2">{button("up", "↑", first)}{button("down", "↓", last)}</div> }
}

/// A gallery's or album's fields (an album has a `parent_id`).
#[component]
fn CollectionEditor(
    id: String,
    parent_id: String,
    title: String,
    slug: String,
    description: String,
    published: bool,
) -> impl IntoView {
    let action = ServerAction::<SaveCollection>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    // Unique on the screen: every gallery has a form for a new album of its own.
    let prefix = match (id.is_empty(), parent_id.is_empty()) {
        (false, _) => format!("c-{id}"),
        (true, true) => "c-new-gallery".to_owned(),
        (true, false) => format!("c-new-in-{parent_id}"),
    };
    let (title_id, slug_id) = (format!("{prefix}-title"), format!("{prefix}-slug"));
    view! {
        <ActionForm action attr:class="mt-3 grid gap-3 sm:grid-cols-2" attr:novalidate="">
            <input type="hidden" name="form[id]" value=id.clone()/>
            <input type="hidden" name="form[parent_id]" value=parent_id/>
            <p role="alert" class="text-sm font-semibold text-red-700 sm:col-span-2">{refusal.summary()}</p>
            <label class=LABEL>"Title"
                <input id=title_id name="form[title]" value=title class=FIELD required/>
                <span class="text-sm text-red-700">{move || crate::domain::form::problem_for(&problems.read(), "title").map(str::to_owned)}</span>
            </label>
            <label class=LABEL>"Web address"
                <input id=slug_id name="form[slug]" value=slug class=FIELD placeholder="made from the title"/>
                <span class="text-sm text-red-700">{move || crate::domain::form::problem_for(&problems.read(), "slug").map(str::to_owned)}</span>
            </label>
            <label class=format!("{LABEL} sm:col-span-2")>"Description"
                <textarea name="form[description]" rows="2" class=FIELD>{textarea_text(description)}</textarea>
            </label>
            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="form[published]" value="true" checked=published/>"Published"</label>
            <div><button type="submit" class=BUTTON_PRIMARY>{if id.is_empty() { "Create" } else { "Save" }}</button></div>
        </ActionForm>
    }
}

#[component]
pub fn CaseEditPage() -> impl IntoView {
    let saves = Saves::count();
    super::upload::UploadLog::provide();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                saves.get(),
                params.read().get("id").unwrap_or_default(),
                query.read().get("album"),
            )
        },
        |(_, id, album)| fetch_case_editor(id, album),
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! { <StaffScreen data here=format!("/admin/gallery/cases/{here}") view=|editor| view! { <CaseEditorScreen editor/> }/> }
}

fn notice(query: &ParamsMap) -> Option<String> {
    let problem = query
        .get("problem")
        .and_then(|code| UploadProblem::from_code(&code));
    match (query.get("saved").as_deref(), problem) {
        (Some("pictures"), Some(problem)) => Some(format!(
            "{} pictures added. One was refused: {problem}",
            query.get("added").unwrap_or_default()
        )),
        (Some("pictures"), None) => Some("Pictures added; their sizes are being made.".to_owned()),
        (Some("details"), _) => Some("Case saved.".to_owned()),
        (Some("consent"), _) => Some("Consent recorded.".to_owned()),
        (Some("revoked"), _) => Some(
            "Consent revoked: the case is off the site and its public pictures are deleted."
                .to_owned(),
        ),
        (Some("published"), _) => Some("Published: the case is on the site.".to_owned()),
        (Some("unpublished"), _) => Some("Unpublished: the case is off the site.".to_owned()),
        (Some("picture"), _) => Some("Picture saved.".to_owned()),
        (Some("removed"), _) => Some("Picture removed.".to_owned()),
        _ => None,
    }
}

#[component]
fn CaseEditorScreen(editor: CaseEditor) -> impl IntoView {
    let is_new = editor.form.id.is_empty();
    let title = if is_new {
        "New case".to_owned()
    } else {
        editor.form.title.clone()
    };
    // While sizes are being made, look again shortly: the progress shows without a reload.
    // The look is called off if this screen is replaced first (a save reloaded it): a
    // stale look would reload it again while the next save is on its way, and that save's
    // own reload would go with the form it replaced.
    if editor.pictures.iter().any(|p| p.status == "processing") {
        if let Some(saves) = use_context::<Saves>() {
            Effect::new(move |_| {
                let look = set_timeout_with_handle(
                    move || saves.bump(),
                    std::time::Duration::from_millis(1500),
                );
                if let Ok(look) = look {
                    on_cleanup(move || look.clear());
                }
            });
        }
    }
    let case_id = editor.form.id.clone();
    view! {
        <Title text=format!("{title} — Gallery — Staff area")/>
        <div class="mx-auto max-w-4xl px-4 py-10">
            <a href="/admin/gallery" class="text-sm font-medium text-brand-700 hover:underline">"← Gallery"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{title}</h1>
            <SavedNotice say=notice/>
            {(!is_new).then(|| view! { <PublishBar case_id=case_id.clone() published=editor.published public=editor.public/> })}
            <section class="mt-8" aria-labelledby="details-heading">
                <h2 id="details-heading" class="font-display text-2xl">"Details"</h2>
                <CaseDetailsForm form=editor.form.clone() albums=editor.albums.clone() treatments=editor.treatments.clone() providers=editor.providers.clone()/>
            </section>
            {(!is_new).then(|| view! {
                <section class="mt-10" aria-labelledby="consent-heading">
                    <h2 id="consent-heading" class="font-display text-2xl">"Consent"</h2>
                    <p class="mt-1 text-stone-600">{editor.consent_state.clone()}</p>
                    <ConsentEditor form=editor.consent.clone() revoked=editor.revoked/>
                </section>
                <section class="mt-10" aria-labelledby="pictures-heading">
                    <h2 id="pictures-heading" class="font-display text-2xl">"Pictures"</h2>
                    <div class="mt-4"><PictureUpload case_id=case_id.clone()/></div>
                    <ul class="mt-6 space-y-4">
                        {editor.pictures.into_iter().map(|picture| view! { <li><PictureEditor picture/></li> }).collect_view()}
                    </ul>
                </section>
            })}
        </div>
    }
}

#[component]
fn PublishBar(case_id: String, published: bool, public: bool) -> impl IntoView {
    let action = ServerAction::<PublishCase>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let state = match (public, published) {
        (true, _) => "On the public site.",
        (false, true) => "Published, but not shown: the album or gallery is hidden, or consent does not cover the website now.",
        (false, false) => "A draft: not on the public site.",
    };
    view! {
        <div class="mt-6 flex flex-wrap items-center gap-4 rounded-2xl border border-stone-200 bg-white p-4">
            <p class="flex-1 text-stone-800" data-case-state="">{state}</p>
            <a href=format!("/admin/gallery/cases/{case_id}/preview") class=BUTTON_SECONDARY>"Preview"</a>
            <ActionForm action>
                <input type="hidden" name="case_id" value=case_id/>
                <input type="hidden" name="publish" value=if published { "false" } else { "true" }/>
                <button type="submit" class=BUTTON_PRIMARY>{if published { "Unpublish" } else { "Publish" }}</button>
            </ActionForm>
            <p role="alert" class="w-full text-sm font-semibold text-red-700">{refusal.summary()}</p>
        </div>
    }
}

fn options(choices: Vec<(String, String)>, selected: String, empty: &'static str) -> impl IntoView {
    view! {
        <option value="">{empty}</option>
        {choices.into_iter().map(|(value, label)| {
            let chosen = value == selected;
            view! { <option value=value selected=chosen>{label}</option> }
        }).collect_view()}
    }
}

#[component]
fn CaseDetailsForm(
    form: CaseForm,
    albums: Vec<(String, String)>,
    treatments: Vec<(String, String)>,
    providers: Vec<(String, String)>,
) -> impl IntoView {
    let action = ServerAction::<SaveCase>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let ages = AGE_RANGES
        .iter()
        .map(|a| (a.to_string(), crate::domain::gallery::age_range_label(a)))
        .collect();
    let is_new = form.id.is_empty();
    view! {
        <ActionForm action attr:class="mt-4 grid gap-4 sm:grid-cols-2" attr:novalidate="">
            <input type="hidden" name="form[id]" value=form.id/>
            <p role="alert" class="text-sm font-semibold text-red-700 sm:col-span-2">{refusal.summary()}</p>
            <Field name="title" label="Title" problems hint={"What the public sees, like “Softer frown lines”. Never the patient's name.".to_owned()}>
                <input id="title" name="form[title]" value=form.title class=FIELD aria-invalid=invalid("title") aria-describedby="title-hint title-error"/>
            </Field>
            <Field name="slug" label="Web address" problems>
                <input id="slug" name="form[slug]" value=form.slug class=FIELD placeholder="made from the title" aria-invalid=invalid("slug") aria-describedby="slug-error"/>
            </Field>
            <Field name="album_id" label="Album" problems>
                <select id="album_id" name="form[album_id]" class=FIELD aria-invalid=invalid("album_id")>{options(albums, form.album_id, "Choose an album")}</select>
            </Field>
            <Field name="treatment_id" label="Treatment" problems>
                <select id="treatment_id" name="form[treatment_id]" class=FIELD>{options(treatments, form.treatment_id, "None")}</select>
            </Field>
            <Field name="provider_id" label="Performed by" problems>
                <select id="provider_id" name="form[provider_id]" class=FIELD>{options(providers, form.provider_id, "Not shown")}</select>
            </Field>
            <Field name="age_range" label="Patient's age range" problems>
                <select id="age_range" name="form[age_range]" class=FIELD aria-invalid=invalid("age_range")>{options(ages, form.age_range, "Not shown")}</select>
            </Field>
            <Field name="sessions" label="Sessions" problems>
                <input id="sessions" name="form[sessions]" value=form.sessions inputmode="numeric" class=FIELD aria-invalid=invalid("sessions") aria-describedby="sessions-error"/>
            </Field>
            <Field name="days_after" label="Days after treatment the after photos were taken" problems>
                <input id="days_after" name="form[days_after]" value=form.days_after inputmode="numeric" class=FIELD aria-invalid=invalid("days_after") aria-describedby="days_after-error"/>
            </Field>
            <div class="sm:col-span-2">
                <Field name="summary" label="Summary" problems>
                    <input id="summary" name="form[summary]" value=form.summary class=FIELD aria-invalid=invalid("summary")/>
                </Field>
            </div>
            <div class="sm:col-span-2">
                <Field name="notes" label="Case notes (public)" problems>
                    <textarea id="notes" name="form[notes]" rows="4" class=FIELD aria-invalid=invalid("notes")>{textarea_text(form.notes)}</textarea>
                </Field>
            </div>
            <div><button type="submit" class=BUTTON_PRIMARY>{if is_new { "Create case" } else { "Save details" }}</button></div>
        </ActionForm>
    }
}

#[component]
fn ConsentEditor(form: ConsentForm, revoked: bool) -> impl IntoView {
    let action = ServerAction::<RecordConsent>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let revoke = ServerAction::<RevokeConsent>::new();
    reload_after(move || matches!(revoke.value().get(), Some(Ok(_))));
    let case_id = form.case_id.clone();
    let has_consent = !form.given_on.is_empty() && !revoked;
    view! {
        <ActionForm action attr:class="mt-4 grid gap-4 sm:grid-cols-2" attr:novalidate="">
            <input type="hidden" name="form[case_id]" value=form.case_id/>
            <p role="alert" class="text-sm font-semibold text-red-700 sm:col-span-2">{refusal.summary()}</p>
            <fieldset class="sm:col-span-2">
                <legend class=LABEL>"The patient agreed their pictures may be shown"</legend>
                <div class="mt-2 flex flex-wrap gap-6 text-sm">
                    <label class="flex items-center gap-2"><input type="checkbox" name="form[website]" value="true" checked=form.website/>"On the website"</label>
                    <label class="flex items-center gap-2"><input type="checkbox" name="form[social_media]" value="true" checked=form.social_media/>"On social media"</label>
                    <label class="flex items-center gap-2"><input type="checkbox" name="form[consultation]" value="true" checked=form.consultation/>"In consultations"</label>
                </div>
                <p class="mt-1 text-sm text-red-700">{move || crate::domain::form::problem_for(&problems.read(), "scope").map(str::to_owned)}</p>
            </fieldset>
            <Field name="given_on" label="Signed on" problems>
                <input id="given_on" type="date" name="form[given_on]" value=form.given_on class=FIELD aria-invalid=invalid("given_on") aria-describedby="given_on-error"/>
            </Field>
            <Field name="expires_on" label="Ends on (if the form says)" problems>
                <input id="expires_on" type="date" name="form[expires_on]" value=form.expires_on class=FIELD aria-invalid=invalid("expires_on") aria-describedby="expires_on-error"/>
            </Field>
            <Field name="document_ref" label="Consent form reference" problems hint={"Where the signed form is filed, like CONSENT-1042.".to_owned()}>
                <input id="document_ref" name="form[document_ref]" value=form.document_ref class=FIELD aria-invalid=invalid("document_ref") aria-describedby="document_ref-hint document_ref-error"/>
            </Field>
            <div class="flex items-end"><button type="submit" class=BUTTON_PRIMARY>"Record consent"</button></div>
        </ActionForm>
        {has_consent.then(|| view! {
            <ActionForm action=revoke attr:class="mt-4">
                <input type="hidden" name="case_id" value=case_id/>
                <button type="submit" class="rounded-full border border-red-300 px-5 py-2 text-sm font-semibold text-red-800">"Revoke consent"</button>
                <span class="ml-3 text-sm text-stone-600">"Takes the case off the site now and deletes its public pictures."</span>
            </ActionForm>
        })}
    }
}

#[component]
fn PictureEditor(picture: AdminPicture) -> impl IntoView {
    let action = ServerAction::<SaveCasePicture>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let remove = ServerAction::<RemoveCasePicture>::new();
    reload_after(move || matches!(remove.value().get(), Some(Ok(_))));
    let state = match picture.status.as_str() {
        "processing" => format!(
            "Making sizes: {} of {}",
            picture.done,
            picture.total.max(picture.done)
        ),
        "ready" => "Ready".to_owned(),
        "withdrawn" => "Withdrawn (no consent)".to_owned(),
        _ => picture
            .problem
            .clone()
            .unwrap_or_else(|| "Failed".to_owned()),
    };
    let processing = picture.status == "processing";
    let problem = move |field: &'static str| {
        move || crate::domain::form::problem_for(&problems.read(), field).map(str::to_owned)
    };
    let id = picture.id.clone();
    let (is_before, is_after) = (picture.kind == "before", picture.kind == "after");
    view! {
        <div class="grid gap-4 rounded-2xl border border-stone-200 bg-white p-4 sm:grid-cols-[10rem_1fr]" data-picture=picture.kind.clone()>
            <div>
                {picture.thumbnail.clone().map(|src| view! { <img src=src alt=picture.alt.clone() class="h-auto w-40 rounded-lg" loading="lazy"/> })}
                <p class="mt-2 text-sm text-stone-700" data-picture-state="">{state}</p>
                {processing.then(|| view! { <progress max=picture.total.max(1) value=picture.done class="w-40" aria-label="Sizes made"></progress> })}
            </div>
            <ActionForm action attr:class="grid gap-3 sm:grid-cols-2" attr:novalidate="">
                <input type="hidden" name="id" value=picture.id.clone()/>
                <p role="alert" class="text-sm font-semibold text-red-700 sm:col-span-2">{refusal.summary()}</p>
                <label class=LABEL>"Side"
                    <select name="kind" class=FIELD>
                        <option value="before" selected=is_before>"Before"</option>
                        <option value="after" selected=is_after>"After"</option>
                    </select>
                </label>
                <label class=LABEL>"Pair"
                    <input name="pair" value=(picture.pair + 1).to_string() inputmode="numeric" class=FIELD/>
                    <span class="text-sm text-red-700">{problem("pair")}</span>
                </label>
                <label class=LABEL>"Label"
                    <input name="label" value=picture.label.clone() class=FIELD placeholder="Front, 3 months after"/>
                    <span class="text-sm text-red-700">{problem("label")}</span>
                </label>
                <label class=LABEL>"Description for screen readers"
                    <input name="alt" value=picture.alt.clone() class=FIELD/>
                    <span class="text-sm text-red-700">{problem("alt")}</span>
                </label>
                <label class=LABEL>"Crop (left, top, width, height in %)"
                    <input name="crop" value=picture.crop.clone() class=FIELD placeholder="10, 0, 80, 100"/>
                </label>
                <label class=LABEL>"Blur (one region per line, same form)"
                    <textarea name="blur" rows="2" class=FIELD placeholder="30, 20, 40, 12">{textarea_text(picture.blur.clone())}</textarea>
                    <span class="text-sm text-red-700">{problem("privacy")}</span>
                </label>
                <p class="text-sm text-stone-500 sm:col-span-2">"Crop and blur change only what the public sees; the original stays as it was."</p>
                <div><button type="submit" class=BUTTON_SECONDARY>"Save picture"</button></div>
            </ActionForm>
            <ActionForm action=remove attr:class="sm:col-start-2">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="text-sm text-red-800 underline">"Remove this picture"</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn CasePreviewPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        fetch_case_preview,
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    let back = format!("/admin/gallery/cases/{here}");
    view! {
        <StaffScreen data here=format!("/admin/gallery/cases/{here}/preview") view=move |(clinic, case, public)| {
            let back = back.clone();
            view! {
                <div class="border-b border-amber-200 bg-amber-50 px-4 py-3 text-center text-sm text-amber-900" role="status">
                    {if public { "Preview: this is what the public sees now." } else { "Preview: this is what the public will see once the case is published with website consent." }}
                    " " <a href=back class="font-semibold underline">"Back to the case"</a>
                </div>
                <crate::gallery::pages::Case clinic case/>
            }
        }/>
    }
}
