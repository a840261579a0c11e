//! The staff screens for locations: the list (with the clinic's closed days beneath it),
//! and one page per location with its address and contact, opening hours, and rooms and
//! devices, each saved on its own.

use super::api::{
    fetch_location_editor, fetch_location_list, SaveLocation, SaveOpeningHours, SaveRoom,
};
use super::types::{LocationEditor, LocationRow};
use crate::admin::closures::pages::ClosedDays;
use crate::admin::fields::WeekFields;
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::domain::hours::WeekForm;
use crate::domain::location::{LocationForm, RoomForm, RoomKind};
use crate::ui::components::{
    Checkbox, Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD,
};
use crate::ui::saves::{reload_after, Saves};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::params::ParamsMap;

#[component]
pub fn LocationListPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_location_list());
    view! { <StaffScreen data here="/admin/locations".to_owned() view=|rows| view! { <LocationList rows/> }/> }
}

#[component]
fn LocationList(rows: Vec<LocationRow>) -> impl IntoView {
    view! {
        <Title text="Locations — Staff area"/>
        <div class="mx-auto max-w-4xl px-4 py-10">
            <ScreenHeading title="Locations" lead="Where the clinic sees patients, when each is open, and its rooms and devices.">
                <a href="/admin/locations/new" class=BUTTON_PRIMARY>"New location"</a>
            </ScreenHeading>
            <ul class="mt-8 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                {rows.into_iter().map(|l| {
                    let rooms = match l.rooms { 1 => "1 room or device".to_owned(), n => format!("{n} rooms and devices") };
                    view! {
                        <li class=format!("px-4 py-3 {}", if l.active { "" } else { "text-stone-400" })>
                            <a href=format!("/admin/locations/{}", l.id) class="font-medium text-brand-800 underline-offset-2 hover:underline">{l.name}</a>
                            <p class="text-sm text-stone-500">
                                {format!("{} · {rooms}{}", l.city, if l.active { "" } else { " · Inactive" })}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ClosedDays/>
        </div>
    }
}

#[component]
pub fn LocationEditPage() -> impl IntoView {
    let params = use_params_map();
    let saves = Saves::count();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), saves.get()),
        |(id, _)| fetch_location_editor(id),
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/locations/{here}") view=|editor| view! { <LocationPage editor/> }/>
    }
}

#[component]
fn LocationPage(editor: LocationEditor) -> impl IntoView {
    let LocationEditor {
        form,
        hours,
        rooms,
        clinic_time_zone,
    } = editor;
    let location_id = form.id.clone();
    let is_new = location_id.is_empty();
    let title = if is_new {
        "New location".to_owned()
    } else {
        form.name.clone()
    };
    let notice = |query: &ParamsMap| {
        let words = match query.get("saved")?.as_str() {
            "location" => "Location saved. The public site shows it now.",
            "hours" => "Opening hours saved.",
            "room" => "Rooms and devices saved.",
            _ => return None,
        };
        Some(words.to_owned())
    };
    view! {
        <Title text=format!("{title} — Staff area")/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/locations" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← All locations"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{title}</h1>
            <SavedNotice say=notice/>
            <LocationDetails form clinic_time_zone/>
            {(!is_new).then(|| view! {
                <OpeningHours location_id=location_id.clone() hours/>
                <Rooms location_id=location_id.clone() rooms/>
            })}
        </div>
    }
}

#[component]
fn LocationDetails(form: LocationForm, clinic_time_zone: String) -> impl IntoView {
    let action = ServerAction::<SaveLocation>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let LocationForm {
        id,
        name,
        slug,
        address_line1,
        address_line2,
        city,
        postcode,
        country,
        phone,
        time_zone,
        active,
    } = form;
    let is_new = id.is_empty();
    view! {
        <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
            <input type="hidden" name="form[id]" value=id/>
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
            <Field name="name" label="Name" problems>
                <input id="name" name="form[name]" value=name required maxlength="80" class=FIELD aria-invalid=invalid("name") aria-describedby="name-error"/>
            </Field>
            <Field name="slug" label="Web address" hint={"A short name for links. Leave empty to make one from the name.".to_owned()} problems>
                <input id="slug" name="form[slug]" value=slug class=FIELD aria-invalid=invalid("slug") aria-describedby="slug-hint slug-error"/>
            </Field>
            <Field name="address_line1" label="Street address" problems>
                <input id="address_line1" name="form[address_line1]" value=address_line1 autocomplete="address-line1" class=FIELD aria-invalid=invalid("address_line1") aria-describedby="address_line1-error"/>
            </Field>
            <Field name="address_line2" label="Address line 2 (optional)" problems>
                <input id="address_line2" name="form[address_line2]" value=address_line2 autocomplete="address-line2" class=FIELD aria-invalid=invalid("address_line2") aria-describedby="address_line2-error"/>
            </Field>
            <div class="grid gap-6 sm:grid-cols-3">
                <Field name="city" label="Town or city" problems>
                    <input id="city" name="form[city]" value=city autocomplete="address-level2" class=FIELD aria-invalid=invalid("city") aria-describedby="city-error"/>
                </Field>
                <Field name="postcode" label="Postcode" problems>
                    <input id="postcode" name="form[postcode]" value=postcode autocomplete="postal-code" class=FIELD aria-invalid=invalid("postcode") aria-describedby="postcode-error"/>
                </Field>
                <Field name="country" label="Country" problems>
                    <input id="country" name="form[country]" value=country autocomplete="country-name" class=FIELD aria-invalid=invalid("country") aria-describedby="country-error"/>
                </Field>
            </div>
            <Field name="phone" label="Phone" problems>
                <input id="phone" name="form[phone]" type="tel" value=phone class=FIELD aria-invalid=invalid("phone") aria-describedby="phone-error"/>
            </Field>
            <Field name="time_zone" label="Time zone (optional)" hint=format!("Leave empty to use the clinic's, {clinic_time_zone}.") problems>
                <input id="time_zone" name="form[time_zone]" value=time_zone class=FIELD aria-invalid=invalid("time_zone") aria-describedby="time_zone-hint time_zone-error"/>
            </Field>
            <Checkbox id="active" name="form[active]" label="Active: shown on the site and open for booking" checked=active/>
            <div class="flex flex-wrap gap-3 pt-2">
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>
                    {if is_new { "Create location" } else { "Save location" }}
                </button>
                <a href="/admin/locations" class=BUTTON_SECONDARY>"Cancel"</a>
            </div>
        </ActionForm>
    }
}

#[component]
fn OpeningHours(location_id: String, hours: WeekForm) -> impl IntoView {
    let action = ServerAction::<SaveOpeningHours>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    view! {
        <section aria-labelledby="hours-heading" class="mt-12">
            <h2 id="hours-heading" class="font-display text-2xl text-stone-900">"Opening hours"</h2>
            <ActionForm action attr:class="mt-4 rounded-2xl border border-stone-200 bg-white p-5">
                <input type="hidden" name="location_id" value=location_id/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <WeekFields prefix="opening".to_owned() week=hours problems=refusal.problems/>
                <button type="submit" class=format!("{BUTTON_SECONDARY} mt-4") disabled=move || action.pending().get()>"Save opening hours"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Rooms(location_id: String, rooms: Vec<RoomForm>) -> impl IntoView {
    view! {
        <section aria-labelledby="rooms-heading" class="mt-12">
            <h2 id="rooms-heading" class="font-display text-2xl text-stone-900">"Rooms and devices"</h2>
            <p class="mt-1 text-stone-600">"A treatment that needs one can only be booked while it is free."</p>
            <div class="mt-4 space-y-3">
                {rooms.into_iter().map(|room| view! { <RoomRow location_id=location_id.clone() room/> }).collect_view()}
                <RoomRow location_id=location_id.clone() room=RoomForm { kind: "room".to_owned(), active: true, ..RoomForm::default() }/>
            </div>
        </section>
    }
}

/// One room or device as a small form of its own; a blank one adds a new room.
#[component]
fn RoomRow(location_id: String, room: RoomForm) -> impl IntoView {
    let action = ServerAction::<SaveRoom>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let RoomForm {
        id,
        name,
        kind,
        active,
    } = room;
    let is_new = id.is_empty();
    let key = if is_new {
        "new-room".to_owned()
    } else {
        format!("room-{id}")
    };
    let problem = move |field: &'static str| {
        crate::domain::form::problem_for(&refusal.problems.read(), field).map(str::to_owned)
    };
    let name_label = if is_new {
        "New room or device".to_owned()
    } else {
        format!("Name of {name}")
    };
    view! {
        <ActionForm action attr:class="flex flex-wrap items-end gap-3 rounded-2xl border border-stone-200 bg-white p-4">
            <input type="hidden" name="location_id" value=location_id/>
            <input type="hidden" name="room[id]" value=id/>
            <div class="min-w-48 flex-1">
                <label for=format!("{key}-name") class="text-sm font-medium text-stone-800">{name_label}</label>
                <input id=format!("{key}-name") name="room[name]" value=name class=FIELD aria-invalid=move || problem("name").is_some().to_string() aria-describedby=format!("{key}-error")/>
            </div>
            <div>
                <label for=format!("{key}-kind") class="text-sm font-medium text-stone-800">"Kind"</label>
                <select id=format!("{key}-kind") name="room[kind]" class=FIELD>
                    {[RoomKind::Room, RoomKind::Device].map(|k| view! {
                        <option value=k.as_str() selected=kind == k.as_str()>{k.label()}</option>
                    })}
                </select>
            </div>
            <label class="flex items-center gap-2 pb-3 text-stone-800">
                <input type="checkbox" name="room[active]" checked=active class="h-5 w-5 rounded border-stone-300 text-brand-700"/>
                "In use"
            </label>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>
                {if is_new { "Add" } else { "Save" }}
            </button>
            <p id=format!("{key}-error") role="alert" class="w-full text-sm font-medium text-red-700">
                {move || problem("name").or_else(|| problem("kind")).or_else(refusal.summary())}
            </p>
        </ActionForm>
    }
}
