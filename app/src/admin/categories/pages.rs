//! The staff screens for categories: the list in the public site's order (with moving and
//! removing), and one editor for new and existing categories.

use super::api::{fetch_category, fetch_category_list, MoveCategory, RemoveCategory, SaveCategory};
use super::types::CategoryRow;
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::domain::category::CategoryForm;
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::saves::{reload_after, Saves};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::params::ParamsMap;

#[component]
pub fn CategoryListPage() -> impl IntoView {
    let saves = Saves::count();
    let data = Resource::new(move || saves.get(), |_| fetch_category_list());
    view! { <StaffScreen data here="/admin/categories".to_owned() view=|rows| view! { <CategoryList rows/> }/> }
}

#[component]
fn CategoryList(rows: Vec<CategoryRow>) -> impl IntoView {
    let names: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    let notice = move |query: &ParamsMap| match (query.get("saved"), query.get("removed")) {
        (Some(id), _) => names
            .iter()
            .find(|(row_id, _)| *row_id == id)
            .map(|(_, name)| format!("Saved “{name}”.")),
        (None, Some(_)) => Some("Category removed.".to_owned()),
        _ => None,
    };
    let move_action = ServerAction::<MoveCategory>::new();
    reload_after(move || matches!(move_action.value().get(), Some(Ok(_))));
    let remove_action = ServerAction::<RemoveCategory>::new();
    reload_after(move || matches!(remove_action.value().get(), Some(Ok(_))));
    let move_refusal = Refusal::new(move || move_action.value().get());
    let remove_refusal = Refusal::new(move || remove_action.value().get());
    let remove_problem = move || {
        remove_refusal
            .problems
            .get()
            .first()
            .map(|p| p.message.clone())
            .or_else(remove_refusal.summary())
    };
    let last = rows.len().saturating_sub(1);
    view! {
        <Title text="Categories — Staff area"/>
        <div class="mx-auto max-w-4xl px-4 py-10">
            <ScreenHeading title="Categories" lead="Treatments are grouped under these on the public site, in this order.">
                <a href="/admin/categories/new" class=BUTTON_PRIMARY>"New category"</a>
            </ScreenHeading>
            <SavedNotice say=notice/>
            <p role="alert" aria-live="assertive" class="mt-4 text-sm font-semibold text-red-700">
                {move || remove_problem().or_else(move_refusal.summary())}
            </p>
            <ol class="mt-6 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                {rows.into_iter().enumerate().map(|(index, row)| {
                    let id = row.id.to_string();
                    let (up_id, down_id, remove_id) = (id.clone(), id.clone(), id.clone());
                    let noun = if row.treatments == 1 { "treatment" } else { "treatments" };
                    let up_label = format!("Move {} up", row.name);
                    let down_label = format!("Move {} down", row.name);
                    let remove_label = format!("Remove {}", row.name);
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                            <div>
                                <a href=format!("/admin/categories/{id}") class="font-medium text-brand-800 underline-offset-2 hover:underline">{row.name}</a>
                                <p class="text-sm text-stone-500">{format!("/{} · {} {noun}", row.slug, row.treatments)}</p>
                            </div>
                            <div class="flex items-center gap-2">
                                <ActionForm action=move_action>
                                    <input type="hidden" name="id" value=up_id/>
                                    <input type="hidden" name="direction" value="up"/>
                                    <button type="submit" disabled=index == 0 class="rounded-full border border-stone-300 px-3 py-1 text-sm disabled:opacity-40" aria-label=up_label>"↑"</button>
                                </ActionForm>
                                <ActionForm action=move_action>
                                    <input type="hidden" name="id" value=down_id/>
                                    <input type="hidden" name="direction" value="down"/>
                                    <button type="submit" disabled=index == last class="rounded-full border border-stone-300 px-3 py-1 text-sm disabled:opacity-40" aria-label=down_label>"↓"</button>
                                </ActionForm>
                                {(row.treatments == 0).then(|| view! {
                                    <ActionForm action=remove_action>
                                        <input type="hidden" name="id" value=remove_id/>
                                        <button type="submit" class="rounded-full border border-red-300 px-3 py-1 text-sm text-red-800" aria-label=remove_label>"Remove"</button>
                                    </ActionForm>
                                })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
pub fn CategoryEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        fetch_category,
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/categories/{here}") view=|form| view! { <CategoryEditor form/> }/>
    }
}

#[component]
fn CategoryEditor(form: CategoryForm) -> impl IntoView {
    let action = ServerAction::<SaveCategory>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let CategoryForm {
        id,
        name,
        slug,
        description,
    } = form;
    let is_new = id.is_empty();
    let title = if is_new {
        "New category".to_owned()
    } else {
        format!("Edit {name}")
    };
    view! {
        <Title text=format!("{title} — Staff area")/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/categories" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← All categories"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{title}</h1>
            <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
                <input type="hidden" name="form[id]" value=id/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="name" label="Name" problems>
                    <input id="name" name="form[name]" value=name required maxlength="80" class=FIELD aria-invalid=invalid("name") aria-describedby="name-error"/>
                </Field>
                <Field name="slug" label="Web address" hint={"A short name for links, like injectables. Leave empty to make one from the name.".to_owned()} problems>
                    <input id="slug" name="form[slug]" value=slug class=FIELD aria-invalid=invalid("slug") aria-describedby="slug-hint slug-error"/>
                </Field>
                <Field name="description" label="Description" hint={"A sentence or two shown above the category's treatments.".to_owned()} problems>
                    <textarea id="description" name="form[description]" rows="3" class=FIELD aria-invalid=invalid("description") aria-describedby="description-hint description-error">{textarea_text(description)}</textarea>
                </Field>
                <div class="flex flex-wrap gap-3 pt-2">
                    <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>
                        {if is_new { "Create category" } else { "Save changes" }}
                    </button>
                    <a href="/admin/categories" class=BUTTON_SECONDARY>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}
