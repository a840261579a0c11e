//! The patient list (searchable, a GET form) and a patient's page: contact details,
//! every appointment, and the staff's notes with a form to add one.

use super::api::{fetch_patient, fetch_patients, AddPatientNote, MergePatients, NOTE_MAX};
use super::types::{OtherRecord, PatientDetail, PatientRow};
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::ui::components::{
    Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD, LABEL,
};
use crate::ui::saves::{reload_after, Saves};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PatientListPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("search").unwrap_or_default(),
        fetch_patients,
    );
    view! { <StaffScreen data here="/admin/patients".to_owned() view=|rows| view! { <PatientList rows/> }/> }
}

#[component]
fn PatientList(rows: Vec<PatientRow>) -> impl IntoView {
    let search = use_query_map()
        .read_untracked()
        .get("search")
        .unwrap_or_default();
    let empty = rows.is_empty();
    view! {
        <Title text="Patients — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Patients" lead="Everyone the clinic has seen or booked.">
                <a href="/admin/calendar/new" class=BUTTON_PRIMARY>"New appointment"</a>
            </ScreenHeading>
            <form method="get" action="/admin/patients" role="search" class="mt-8 flex flex-wrap items-end gap-3">
                <div class="grow">
                    <label for="search" class=LABEL>"Name, email or phone"</label>
                    <input id="search" name="search" type="search" value=search class=FIELD/>
                </div>
                <button type="submit" class=BUTTON_SECONDARY>"Search"</button>
            </form>
            {if empty {
                view! { <p class="mt-6 text-stone-600">"No patients match."</p> }.into_any()
            } else {
                view! {
                    <div class="mt-6 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                        <table class="min-w-full divide-y divide-stone-200 text-sm">
                            <thead class="bg-stone-50 text-left text-stone-600">
                                <tr>
                                    <th scope="col" class="px-4 py-3 font-medium">"Name"</th>
                                    <th scope="col" class="px-4 py-3 font-medium">"Email"</th>
                                    <th scope="col" class="px-4 py-3 font-medium">"Phone"</th>
                                    <th scope="col" class="px-4 py-3 font-medium">"Next visit"</th>
                                    <th scope="col" class="px-4 py-3 font-medium">"Appointments"</th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-100">
                                {rows.into_iter().map(|p| view! {
                                    <tr>
                                        <td class="px-4 py-3"><a href=format!("/admin/patients/{}", p.id) class="font-medium text-brand-700 underline">{p.name}</a></td>
                                        <td class="px-4 py-3">{p.email}</td>
                                        <td class="px-4 py-3">{p.phone}</td>
                                        <td class="px-4 py-3">{p.next_visit.unwrap_or_else(|| "—".to_owned())}</td>
                                        <td class="px-4 py-3 tabular-nums">{p.visits}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}

#[component]
pub fn PatientPage() -> impl IntoView {
    let params = use_params_map();
    let saves = Saves::count();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), saves.get()),
        |(id, _)| fetch_patient(id),
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/patients/{here}") view=|patient| view! { <Patient patient/> }/>
    }
}

/// The clinic's other records with this email address, each with a button that merges it
/// into this one. A guest's booking is kept apart from the record whose address they typed
/// until staff know it is the same person.
#[component]
fn SameEmail(into: String, records: Vec<OtherRecord>) -> impl IntoView {
    let merge = ServerAction::<MergePatients>::new();
    reload_after(move || matches!(merge.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || merge.value().get());
    view! {
        <section aria-labelledby="same-email-heading" class="mt-10">
            <h2 id="same-email-heading" class="font-display text-2xl text-stone-900">"Other records with this email"</h2>
            <p class="mt-1 text-stone-600">"If they are the same person, merge: the other record's appointments, notes and messages move here, its phone fills this one's if it has none, and it is removed."</p>
            <p role="alert" aria-live="assertive" class="mt-2 text-sm font-semibold text-red-700">{refusal.summary()}</p>
            <ul class="mt-3 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                {records.into_iter().map(|other| {
                    let about = [
                        (!other.phone.is_empty()).then(|| other.phone.clone()),
                        Some(format!("on file since {}", other.since)),
                        other.booked_as_guest.then(|| "booked online as a guest".to_owned()),
                        other.has_account.then(|| "has an online account".to_owned()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                    let label = format!("Merge {} into this record", other.name);
                    let into = into.clone();
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm">
                            <span>
                                <a href=format!("/admin/patients/{}", other.id) class="font-medium text-brand-700 underline">{other.name}</a>
                                <span class="block text-stone-600">{about}</span>
                            </span>
                            <ActionForm action=merge>
                                <input type="hidden" name="from" value=other.id/>
                                <input type="hidden" name="into" value=into/>
                                <button type="submit" class=BUTTON_SECONDARY aria-label=label disabled=move || merge.pending().get()>"Merge into this record"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Patient(patient: PatientDetail) -> impl IntoView {
    let PatientDetail {
        id,
        name,
        email,
        phone,
        has_account,
        booked_as_guest,
        since,
        visits,
        notes,
        same_email,
    } = patient;
    let action = ServerAction::<AddPatientNote>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let no_visits = visits.is_empty();
    let no_notes = notes.is_empty();
    let book_href = format!("/admin/calendar/new?patient={id}");
    let messages_href = format!("/admin/mailbox?patient={id}");
    view! {
        <Title text=format!("{name} — Staff area")/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/patients" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← All patients"</a>
            <div class="mt-3 flex flex-wrap items-end justify-between gap-4">
                <h1 class="font-display text-4xl text-stone-900">{name}</h1>
                <a href=book_href class=BUTTON_PRIMARY>"Book an appointment"</a>
            </div>
            <SavedNotice say=|q| match q.get("saved").as_deref() {
                Some("note") => Some("Note added.".to_owned()),
                Some("merged") => Some("Records merged: everything is on this record now.".to_owned()),
                _ => None,
            }/>
            {booked_as_guest.then(|| view! {
                <p class="mt-4 rounded-xl bg-amber-50 p-4 text-sm text-amber-900">
                    "Booked online without signing in: these details are as the person typed them, and nobody has confirmed the email address."
                </p>
            })}
            <dl class="mt-6 grid gap-x-6 gap-y-3 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-[10rem_1fr]">
                <dt class="font-medium text-stone-600">"Email"</dt>
                <dd>{email}</dd>
                <dt class="font-medium text-stone-600">"Phone"</dt>
                <dd>{if phone.is_empty() { "—".to_owned() } else { phone }}</dd>
                <dt class="font-medium text-stone-600">"On file since"</dt>
                <dd>{since}</dd>
                <dt class="font-medium text-stone-600">"Online account"</dt>
                <dd>{if has_account { "Yes" } else { "No" }}</dd>
            </dl>
            <p class="mt-3 text-sm"><a href=messages_href class="font-medium text-brand-700 underline">"Messages sent to this patient"</a></p>
            {(!same_email.is_empty()).then(|| view! { <SameEmail into=id.clone() records=same_email/> })}
            <section aria-labelledby="visits-heading" class="mt-10">
                <h2 id="visits-heading" class="font-display text-2xl text-stone-900">"Appointments"</h2>
                {if no_visits {
                    view! { <p class="mt-3 text-stone-600">"None yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-3 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                            {visits.into_iter().map(|v| view! {
                                <li class="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
                                    <a href=format!("/admin/appointments/{}", v.id) class="font-medium text-brand-700 underline">
                                        {format!("{} · {}", v.when, v.treatment)}
                                    </a>
                                    <span class="text-stone-600">
                                        {format!("{} · {}{}", v.provider, v.status_label, if v.upcoming { " · upcoming" } else { "" })}
                                    </span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="notes-heading" class="mt-10">
                <h2 id="notes-heading" class="font-display text-2xl text-stone-900">"Notes"</h2>
                <p class="mt-1 text-stone-600">"For the clinic's staff only; patients never see them."</p>
                <ActionForm action attr:class="mt-4 space-y-4" attr:novalidate="">
                    <input type="hidden" name="patient_id" value=id/>
                    <Field name="body" label="New note" problems>
                        <textarea id="body" name="body" rows="3" maxlength=NOTE_MAX.to_string() class=FIELD aria-invalid=invalid("body") aria-describedby="body-error"></textarea>
                    </Field>
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Add note"</button>
                </ActionForm>
                {if no_notes {
                    view! { <p class="mt-4 text-stone-600">"No notes yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-4 space-y-3" aria-label="Notes, newest first">
                            {notes.into_iter().map(|n| view! {
                                <li class="rounded-2xl border border-stone-200 bg-white p-4">
                                    <p class="whitespace-pre-line text-stone-900">{n.body}</p>
                                    <p class="mt-2 text-xs text-stone-500">{format!("{} · {}", n.author, n.at)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
    .into_any()
}
