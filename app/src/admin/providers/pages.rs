//! The staff screens for providers: the list, and one page per provider with their
//! profile, weekly hours at each location and time off, each saved on its own.

use super::api::{
    fetch_provider_editor, fetch_provider_list, AddTimeOff, RemoveProviderPhoto, RemoveTimeOff,
    SaveProvider, SaveProviderWeek,
};
use super::types::{LocationWeek, ProviderEditor, ProviderRow, TimeOffRow};
use crate::admin::fields::{Checklist, WeekFields};
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::domain::duration::format_minutes;
use crate::domain::provider::ProviderForm;
use crate::domain::upload::UploadProblem;
use crate::ui::components::{
    Checkbox, Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD,
};
use crate::ui::saves::{reload_after, Saves};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

#[component]
pub fn ProviderListPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_provider_list());
    view! { <StaffScreen data here="/admin/providers".to_owned() view=|rows| view! { <ProviderList rows/> }/> }
}

#[component]
fn ProviderList(rows: Vec<ProviderRow>) -> impl IntoView {
    view! {
        <Title text="Providers — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Providers" lead="Who patients can book, what they do, and when they work.">
                <a href="/admin/providers/new" class=BUTTON_PRIMARY>"New provider"</a>
            </ScreenHeading>
            <div class="mt-8 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                <table class="min-w-full divide-y divide-stone-200 text-sm">
                    <thead class="bg-stone-50 text-left text-stone-600">
                        <tr>
                            <th scope="col" class="px-4 py-3 font-medium">"Provider"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Title"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Treatments"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Hours a week"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Status"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-stone-100">
                        {rows.into_iter().map(|p| view! {
                            <tr class=if p.active { "" } else { "text-stone-400" }>
                                <td class="px-4 py-3">
                                    <a href=format!("/admin/providers/{}", p.id) class="font-medium text-brand-800 underline-offset-2 hover:underline">{p.display_name}</a>
                                </td>
                                <td class="px-4 py-3">{p.title}</td>
                                <td class="px-4 py-3 tabular-nums">{p.treatments}</td>
                                <td class="px-4 py-3 tabular-nums">
                                    {if p.weekly_minutes == 0 { "None set".to_owned() } else { format_minutes(p.weekly_minutes as u32) }}
                                </td>
                                <td class="px-4 py-3">{if p.active { "Active" } else { "Inactive" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
pub fn ProviderEditPage() -> impl IntoView {
    let params = use_params_map();
    let saves = Saves::count();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), saves.get()),
        |(id, _)| fetch_provider_editor(id),
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/providers/{here}") view=|editor| view! { <ProviderPage editor/> }/>
    }
}

/// What the page says after a save, from the address the save redirected to.
fn saved_notice(query: &ParamsMap) -> Option<String> {
    Some(match query.get("saved")?.as_str() {
        "profile" => "Profile saved. The public site shows it now.".to_owned(),
        "photo" => "Photo saved. Treatment pages show it now.".to_owned(),
        "photo_removed" => "Photo removed.".to_owned(),
        "hours" => "Working hours saved. Booking uses them at once.".to_owned(),
        "time_off_removed" => "Time off removed.".to_owned(),
        "time_off" => match query.get("clashes").and_then(|n| n.parse::<u32>().ok()) {
            Some(0) | None => "Time off added. No new bookings will be offered then.".to_owned(),
            Some(1) => "Time off added. One booked appointment falls in it: move or cancel it from the calendar.".to_owned(),
            Some(n) => format!("Time off added. {n} booked appointments fall in it: move or cancel them from the calendar."),
        },
        _ => return None,
    })
}

#[component]
fn ProviderPage(editor: ProviderEditor) -> impl IntoView {
    let ProviderEditor {
        form,
        treatments,
        weeks,
        time_off,
        upcoming_appointments,
        time_zone,
        photo,
    } = editor;
    let provider_id = form.id.clone();
    let is_new = provider_id.is_empty();
    let title = if is_new {
        "New provider".to_owned()
    } else {
        form.display_name.clone()
    };
    view! {
        <Title text=format!("{title} — Staff area")/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/providers" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← All providers"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{title}</h1>
            <SavedNotice say=saved_notice/>
            <ProfileForm form treatments upcoming_appointments/>
            {(!is_new).then(|| view! {
                <PhotoSection provider_id=provider_id.clone() photo/>
                <section aria-labelledby="hours-heading" class="mt-12">
                    <h2 id="hours-heading" class="font-display text-2xl text-stone-900">"Working hours"</h2>
                    <p class="mt-1 text-stone-600">{format!("Their usual week at each location, in the clinic's time ({time_zone}).")}</p>
                    {weeks.into_iter().map(|week| view! { <WeekForm provider_id=provider_id.clone() week/> }).collect_view()}
                </section>
                <TimeOffSection provider_id=provider_id.clone() time_off time_zone/>
            })}
        </div>
    }
}

#[component]
fn ProfileForm(
    form: ProviderForm,
    treatments: Vec<crate::admin::types::Choice>,
    upcoming_appointments: i64,
) -> impl IntoView {
    let action = ServerAction::<SaveProvider>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let ProviderForm {
        id,
        display_name,
        title,
        slug,
        bio,
        active,
        treatment_ids,
    } = form;
    let is_new = id.is_empty();
    let upcoming = (upcoming_appointments > 0).then(|| {
        format!(
            "Turning them off hides them from booking; their {upcoming_appointments} upcoming appointments stay booked."
        )
    });
    view! {
        <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
            <input type="hidden" name="form[id]" value=id/>
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
            <Field name="display_name" label="Name patients see" problems>
                <input id="display_name" name="form[display_name]" value=display_name required maxlength="100" class=FIELD aria-invalid=invalid("display_name") aria-describedby="display_name-error"/>
            </Field>
            <Field name="title" label="Title" hint={"Under the name, such as Aesthetic nurse practitioner.".to_owned()} problems>
                <input id="title" name="form[title]" value=title required maxlength="120" class=FIELD aria-invalid=invalid("title") aria-describedby="title-hint title-error"/>
            </Field>
            <Field name="slug" label="Web address" hint={"A short name for links. Leave empty to make one from the name.".to_owned()} problems>
                <input id="slug" name="form[slug]" value=slug class=FIELD aria-invalid=invalid("slug") aria-describedby="slug-hint slug-error"/>
            </Field>
            <Field name="bio" label="Biography" hint={"Training, experience, what patients can expect. Shown on treatment pages.".to_owned()} problems>
                <textarea id="bio" name="form[bio]" rows="6" class=FIELD aria-invalid=invalid("bio") aria-describedby="bio-hint bio-error">{textarea_text(bio)}</textarea>
            </Field>
            <Checklist legend="Treatments they perform" field="treatment_ids" name="form[treatment_ids]" choices=treatments ticked=treatment_ids problems/>
            <div class="space-y-1">
                <Checkbox id="active" name="form[active]" label="Active: shown on the site and bookable" checked=active/>
                {upcoming.map(|text| view! { <p class="text-sm text-stone-500">{text}</p> })}
            </div>
            <div class="flex flex-wrap gap-3 pt-2">
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>
                    {if is_new { "Create provider" } else { "Save profile" }}
                </button>
                <a href="/admin/providers" class=BUTTON_SECONDARY>"Cancel"</a>
            </div>
        </ActionForm>
    }
}

#[component]
fn PhotoSection(provider_id: String, photo: Option<String>) -> impl IntoView {
    let remove = ServerAction::<RemoveProviderPhoto>::new();
    reload_after(move || matches!(remove.value().get(), Some(Ok(_))));
    let problem = use_query_map()
        .read_untracked()
        .get("photo_problem")
        .and_then(|code| UploadProblem::from_code(&code))
        .map(|problem| problem.to_string());
    let invalid = problem.is_some().to_string();
    let has_photo = photo.is_some();
    let remove_id = provider_id.clone();
    view! {
        <section aria-labelledby="photo-heading" class="mt-12">
            <h2 id="photo-heading" class="font-display text-2xl text-stone-900">"Photo"</h2>
            <p id="photo-hint" class="mt-1 text-stone-600">
                "Shown beside their name on treatment pages. A JPEG, PNG or WebP photo up to 15 MB: we crop it to a square and drop the camera's hidden details, such as where it was taken."
            </p>
            <div class="mt-4 flex flex-wrap items-start gap-6">
                {photo.map(|src| view! {
                    <img src=src alt="Current photo" width="96" height="96" class="h-24 w-24 rounded-full object-cover"/>
                })}
                // A plain form: files travel as multipart, with or without JavaScript.
                <form method="post" action="/api/admin/provider_photo" enctype="multipart/form-data" class="space-y-3">
                    <input type="hidden" name="provider_id" value=provider_id/>
                    <label for="photo" class="text-sm font-medium text-stone-800">"Choose a photo"</label>
                    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" required aria-invalid=invalid aria-describedby="photo-hint photo-error" class="block text-sm"/>
                    <p id="photo-error" role="alert" class="text-sm font-medium text-red-700">{problem}</p>
                    <button type="submit" class=BUTTON_SECONDARY>"Upload photo"</button>
                </form>
                {has_photo.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="provider_id" value=remove_id/>
                        <button type="submit" class="rounded-full border border-red-300 px-4 py-2 text-sm text-red-800">"Remove photo"</button>
                    </ActionForm>
                })}
            </div>
        </section>
    }
}

#[component]
fn WeekForm(provider_id: String, week: LocationWeek) -> impl IntoView {
    let action = ServerAction::<SaveProviderWeek>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let LocationWeek {
        location_id,
        location,
        week,
    } = week;
    let prefix = format!("week-{location_id}");
    let heading_id = format!("{prefix}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <ActionForm action attr:class="mt-6 rounded-2xl border border-stone-200 bg-white p-5" attr:aria-labelledby=labelled_by>
            <h3 id=heading_id class="font-semibold text-stone-900">{format!("At {location}")}</h3>
            <input type="hidden" name="provider_id" value=provider_id/>
            <input type="hidden" name="location_id" value=location_id/>
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
            <WeekFields prefix week problems=refusal.problems/>
            <button type="submit" class=format!("{BUTTON_SECONDARY} mt-4") disabled=move || action.pending().get()>
                {format!("Save hours at {location}")}
            </button>
        </ActionForm>
    }
}

#[component]
fn TimeOffSection(
    provider_id: String,
    time_off: Vec<TimeOffRow>,
    time_zone: String,
) -> impl IntoView {
    let add = ServerAction::<AddTimeOff>::new();
    reload_after(move || matches!(add.value().get(), Some(Ok(_))));
    let remove = ServerAction::<RemoveTimeOff>::new();
    reload_after(move || matches!(remove.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || add.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let remove_refusal = Refusal::new(move || remove.value().get());
    let add_for = provider_id.clone();
    view! {
        <section aria-labelledby="time-off-heading" class="mt-12">
            <h2 id="time-off-heading" class="font-display text-2xl text-stone-900">"Time off"</h2>
            <p class="mt-1 text-stone-600">{format!("Holidays, training, anything that keeps them away. Times in {time_zone}.")}</p>
            <p role="alert" aria-live="assertive" class="mt-2 text-sm font-semibold text-red-700">{remove_refusal.summary()}</p>
            {if time_off.is_empty() {
                view! { <p class="mt-4 text-stone-500">"Nothing booked off."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-4 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                        {time_off.into_iter().map(|row| {
                            let label = format!("Remove time off from {}", row.starts);
                            let provider_id = provider_id.clone();
                            view! {
                                <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                                    <div>
                                        <p class="font-medium text-stone-900">{format!("{} – {}", row.starts, row.ends)}</p>
                                        {(!row.reason.is_empty()).then(|| view! { <p class="text-sm text-stone-500">{row.reason.clone()}</p> })}
                                    </div>
                                    <ActionForm action=remove>
                                        <input type="hidden" name="provider_id" value=provider_id/>
                                        <input type="hidden" name="time_off_id" value=row.id.to_string()/>
                                        <button type="submit" aria-label=label class="rounded-full border border-red-300 px-3 py-1 text-sm text-red-800">"Remove"</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=add attr:class="mt-6 space-y-4 rounded-2xl border border-stone-200 bg-white p-5" attr:novalidate="">
                <h3 class="font-semibold text-stone-900">"Add time off"</h3>
                <input type="hidden" name="provider_id" value=add_for/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field name="starts" label="From" problems>
                        <input id="starts" name="time_off[starts]" type="datetime-local" class=FIELD aria-invalid=invalid("starts") aria-describedby="starts-error"/>
                    </Field>
                    <Field name="ends" label="Until" problems>
                        <input id="ends" name="time_off[ends]" type="datetime-local" class=FIELD aria-invalid=invalid("ends") aria-describedby="ends-error"/>
                    </Field>
                </div>
                <Field name="reason" label="Reason (staff only)" problems>
                    <input id="reason" name="time_off[reason]" maxlength="200" class=FIELD aria-invalid=invalid("reason") aria-describedby="reason-error"/>
                </Field>
                <button type="submit" class=BUTTON_SECONDARY disabled=move || add.pending().get()>"Add time off"</button>
            </ActionForm>
        </section>
    }
}
