//! The staff screens for treatments: the list, and the editor for new and existing ones.

use super::api::{fetch_treatment_editor, fetch_treatment_list, SaveTreatment};
use super::types::{TreatmentEditor, TreatmentRow};
use crate::admin::fields::{ChargeFields, Checklist};
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::admin::types::Choice;
use crate::domain::duration::format_minutes;
use crate::domain::form::problem_for;
use crate::domain::treatment::{TreatmentForm, OWN_CHARGE};
use crate::ui::components::{
    Checkbox, Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD, LABEL,
};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::params::ParamsMap;

#[component]
pub fn TreatmentListPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_treatment_list());
    view! { <StaffScreen data here="/admin/treatments".to_owned() view=|rows| view! { <TreatmentList rows/> }/> }
}

#[component]
fn TreatmentList(rows: Vec<TreatmentRow>) -> impl IntoView {
    let names: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    let saved_notice = move |query: &ParamsMap| {
        let id = query.get("saved")?;
        let (_, name) = names.iter().find(|(row_id, _)| *row_id == id)?;
        Some(format!("Saved “{name}”."))
    };
    let count = rows.len();
    view! {
        <Title text="Treatments — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Treatments" lead=format!("{count} treatments. Changes show on the public site at once.")>
                <a href="/admin/categories" class=BUTTON_SECONDARY>"Categories"</a>
                <a href="/admin/treatments/new" class=BUTTON_PRIMARY>"New treatment"</a>
            </ScreenHeading>
            <SavedNotice say=saved_notice/>
            <div class="mt-8 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                <table class="min-w-full divide-y divide-stone-200 text-sm">
                    <thead class="bg-stone-50 text-left text-stone-600">
                        <tr>
                            <th scope="col" class="px-4 py-3 font-medium">"Treatment"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Category"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Duration"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Price"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Paid when booking"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Providers"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Status"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-stone-100">
                        {rows.into_iter().map(|t| view! {
                            <tr class=if t.active { "" } else { "text-stone-400" }>
                                <td class="px-4 py-3">
                                    <a href=format!("/admin/treatments/{}", t.id) class="font-medium text-brand-800 underline-offset-2 hover:underline">
                                        {t.name}
                                    </a>
                                </td>
                                <td class="px-4 py-3">{t.category}</td>
                                <td class="px-4 py-3 tabular-nums">{format_minutes(t.duration_minutes)}</td>
                                <td class="px-4 py-3 tabular-nums">{t.price.to_string()}</td>
                                <td class="px-4 py-3">{t.payment}</td>
                                <td class="px-4 py-3 tabular-nums">{t.providers}</td>
                                <td class="px-4 py-3">
                                    {if !t.active { "Inactive" } else if t.featured { "Active, featured" } else { "Active" }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
pub fn TreatmentEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        fetch_treatment_editor,
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/treatments/{here}") view=|editor| view! { <TreatmentEditorForm editor/> }/>
    }
}

#[component]
fn TreatmentEditorForm(editor: TreatmentEditor) -> impl IntoView {
    let action = ServerAction::<SaveTreatment>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
    let TreatmentEditor {
        form,
        categories,
        providers,
        rooms,
        currency,
        public_slug,
    } = editor;
    let is_new = form.id.is_empty();
    let title = if is_new {
        "New treatment".to_owned()
    } else {
        format!("Edit {}", form.name)
    };
    let TreatmentForm {
        id,
        name,
        slug,
        category_id,
        summary: short,
        description,
        duration_minutes,
        price,
        payment_rule,
        deposit,
        deposit_percent,
        buffer_before_minutes,
        buffer_after_minutes,
        in_person,
        video,
        featured,
        active,
        provider_ids,
        room_ids,
        late_cancel_hours,
        capacity,
    } = form;
    view! {
        <Title text=format!("{title} — Staff area")/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/treatments" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← All treatments"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{title}</h1>
            {public_slug.map(|slug| view! {
                <p class="mt-2 text-stone-600">
                    "Public page: "
                    <a href=format!("/treatments/{slug}") class="text-brand-700 underline">{format!("/treatments/{slug}")}</a>
                </p>
            })}
            <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
                <input type="hidden" name="form[id]" value=id/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <Field name="name" label="Name" problems>
                    <input id="name" name="form[name]" value=name required maxlength="120" class=FIELD aria-invalid=invalid("name") aria-describedby="name-error"/>
                </Field>
                <Field name="slug" label="Web address" hint={"The end of the public page's address, like lip-filler. Leave empty to make one from the name.".to_owned()} problems>
                    <input id="slug" name="form[slug]" value=slug class=FIELD aria-invalid=invalid("slug") aria-describedby="slug-hint slug-error"/>
                </Field>
                <Field name="category_id" label="Category" problems>
                    <select id="category_id" name="form[category_id]" class=FIELD aria-invalid=invalid("category_id") aria-describedby="category_id-error">
                        <option value="" selected=category_id.is_empty()>"Choose a category"</option>
                        {categories.into_iter().map(|Choice { id, label }| {
                            let selected = id == category_id;
                            view! { <option value=id selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field name="summary" label="Short summary" hint={"One or two sentences for the treatment list.".to_owned()} problems>
                    <textarea id="summary" name="form[summary]" rows="2" maxlength="300" class=FIELD aria-invalid=invalid("summary") aria-describedby="summary-hint summary-error">{textarea_text(short)}</textarea>
                </Field>
                <Field name="description" label="Description" problems>
                    <textarea id="description" name="form[description]" rows="6" class=FIELD aria-invalid=invalid("description") aria-describedby="description-error">{textarea_text(description)}</textarea>
                </Field>
                <div class="grid gap-6 sm:grid-cols-2">
                    <Field name="duration_minutes" label="Duration (minutes)" problems>
                        <input id="duration_minutes" name="form[duration_minutes]" value=duration_minutes inputmode="numeric" class=FIELD aria-invalid=invalid("duration_minutes") aria-describedby="duration_minutes-error"/>
                    </Field>
                    <Field name="price" label="Price" hint=format!("In {currency}.") problems>
                        <input id="price" name="form[price]" value=price inputmode="decimal" class=FIELD aria-invalid=invalid("price") aria-describedby="price-hint price-error"/>
                    </Field>
                </div>
                <ChargeFields names=OWN_CHARGE label="When patients book, they pay" unset="The clinic's rule" values=(payment_rule, deposit, deposit_percent) currency problems/>
                <div class="grid gap-6 sm:grid-cols-2">
                    <Field name="buffer_before_minutes" label="Preparation before (minutes)" problems>
                        <input id="buffer_before_minutes" name="form[buffer_before_minutes]" value=buffer_before_minutes inputmode="numeric" class=FIELD aria-invalid=invalid("buffer_before_minutes") aria-describedby="buffer_before_minutes-error"/>
                    </Field>
                    <Field name="buffer_after_minutes" label="Clean-up after (minutes)" problems>
                        <input id="buffer_after_minutes" name="form[buffer_after_minutes]" value=buffer_after_minutes inputmode="numeric" class=FIELD aria-invalid=invalid("buffer_after_minutes") aria-describedby="buffer_after_minutes-error"/>
                    </Field>
                </div>
                <fieldset class="space-y-2">
                    <legend class=LABEL>"Offered"</legend>
                    <Checkbox id="in_person" name="form[in_person]" label="In person at the clinic" checked=in_person/>
                    <Checkbox id="video" name="form[video]" label="By video" checked=video/>
                    <p id="in_person-error" class="text-sm font-medium text-red-700">{move || problem_for(&problems.read(), "in_person").map(str::to_owned)}</p>
                </fieldset>
                <Checklist legend="Who performs it" field="provider_ids" name="form[provider_ids]" choices=providers ticked=provider_ids problems/>
                {(!rooms.is_empty()).then(|| view! {
                    <Checklist legend="Needs one of these rooms or devices (none ticked: it needs none)" field="room_ids" name="form[room_ids]" choices=rooms ticked=room_ids problems/>
                })}
                <div class="grid gap-6 sm:grid-cols-2">
                    <Field name="late_cancel_hours" label="Late-cancellation window (hours)" hint={"Empty: the clinic's window from the settings.".to_owned()} problems>
                        <input id="late_cancel_hours" name="form[late_cancel_hours]" value=late_cancel_hours inputmode="numeric" class=FIELD aria-invalid=invalid("late_cancel_hours") aria-describedby="late_cancel_hours-hint late_cancel_hours-error"/>
                    </Field>
                    <Field name="capacity" label="Places per session" hint={"For a workshop or class booked by the place. Empty: one patient at a time.".to_owned()} problems>
                        <input id="capacity" name="form[capacity]" value=capacity inputmode="numeric" class=FIELD aria-invalid=invalid("capacity") aria-describedby="capacity-hint capacity-error"/>
                    </Field>
                </div>
                <fieldset class="space-y-2">
                    <legend class=LABEL>"On the public site"</legend>
                    <Checkbox id="active" name="form[active]" label="Active: shown and bookable" checked=active/>
                    <Checkbox id="featured" name="form[featured]" label="Featured on the home page" checked=featured/>
                </fieldset>
                <div class="flex flex-wrap gap-3 pt-2">
                    <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>
                        {if is_new { "Create treatment" } else { "Save changes" }}
                    </button>
                    <a href="/admin/treatments" class=BUTTON_SECONDARY>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}
