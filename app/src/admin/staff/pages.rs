//! The staff screen: everyone with a staff account, their role and state, and the
//! invitation form.

use super::api::{fetch_staff, InviteStaff, ResetStaffAuthenticator, UpdateStaff};
use crate::admin::frame::StaffScreen;
use crate::admin::types::StaffMember;
use crate::domain::access::Role;
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::saves::{reload_after, Saves};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::ParamsMap;

const STAFF_ROLES: [Role; 3] = [Role::ClinicAdmin, Role::FrontDesk, Role::Provider];

#[component]
pub fn StaffPage() -> impl IntoView {
    let saves = Saves::count();
    let data = Resource::new(move || saves.get(), |_| fetch_staff());
    view! { <StaffScreen data here="/admin/staff".to_owned() view=|staff| view! { <Staff staff/> }/> }
}

#[component]
fn Staff(staff: Vec<StaffMember>) -> impl IntoView {
    let saved = |query: &ParamsMap| {
        let words = match query.get("saved")?.as_str() {
            "invited" => "Invitation made. It goes out by email, or waits in the mailbox while no mail provider is set up.",
            "updated" => "Saved.",
            "authenticator_reset" => "Authenticator reset. They'll set up a new one when they next sign in; they've been emailed.",
            _ => return None,
        };
        Some(words.to_owned())
    };
    view! {
        <Title text="Staff — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">"Staff"</h1>
            <SavedNotice say=saved/>
            <ul class="mt-8 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
                {staff.into_iter().map(|member| view! { <StaffRow member/> }).collect_view()}
            </ul>
            <InviteForm/>
        </div>
    }
}

#[component]
fn StaffRow(member: StaffMember) -> impl IntoView {
    let action = ServerAction::<UpdateStaff>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let reset = ServerAction::<ResetStaffAuthenticator>::new();
    reload_after(move || matches!(reset.value().get(), Some(Ok(_))));
    let error = move || {
        action
            .value()
            .get()
            .or_else(|| reset.value().get())
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let state = if !member.active {
        "Turned off"
    } else if member.invited {
        "Invited, no password yet"
    } else if member.second_factor {
        "Active"
    } else {
        "Active, authenticator not set up"
    };
    let current_role = member.role.clone();
    let role_id = format!("role-{}", member.id);
    let label_for = role_id.clone();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-4 px-5 py-4">
            <div>
                <p class="font-medium text-stone-900">{member.name.clone()}</p>
                <p class="text-sm text-stone-600">{format!("{} · {}", member.email, state)}</p>
                <p role="alert" class="text-sm font-medium text-red-700">{error}</p>
            </div>
            <ActionForm action attr:class="flex flex-wrap items-end gap-3">
                <input type="hidden" name="user_id" value=member.id.to_string()/>
                <div>
                    <label for=label_for class="text-sm font-medium text-stone-800">"Role"</label>
                    <select id=role_id name="role" class=FIELD>
                        {STAFF_ROLES.map(|role| {
                            let selected = role.as_str() == current_role;
                            view! { <option value=role.as_str() selected=selected>{role.label()}</option> }
                        })}
                    </select>
                </div>
                <input type="hidden" name="active" value=member.active.to_string()/>
                <button type="submit" class=BUTTON_SECONDARY>"Save role"</button>
            </ActionForm>
            <ActionForm action>
                <input type="hidden" name="user_id" value=member.id.to_string()/>
                <input type="hidden" name="role" value=member.role.clone()/>
                <input type="hidden" name="active" value=(!member.active).to_string()/>
                <button type="submit" class=BUTTON_SECONDARY>
                    {if member.active { "Turn off account" } else { "Turn on account" }}
                </button>
            </ActionForm>
            {member.second_factor.then(|| view! {
                <ActionForm action=reset>
                    <input type="hidden" name="user_id" value=member.id.to_string()/>
                    <button type="submit" class=BUTTON_SECONDARY>"Reset authenticator"</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn InviteForm() -> impl IntoView {
    let action = ServerAction::<InviteStaff>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <section class="mt-12 rounded-2xl border border-stone-200 bg-white p-6" aria-labelledby="invite-heading">
            <h2 id="invite-heading" class="font-display text-2xl text-stone-900">"Invite a member of staff"</h2>
            <p class="mt-2 text-stone-600">"They get an email with a link to choose a password; at their first sign-in they set up an authenticator app."</p>
            <ActionForm action attr:class="mt-6 grid gap-5 sm:grid-cols-3" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700 sm:col-span-3">{summary}</p>
                <Field name="name" label="Name" problems>
                    <input id="name" name="form[name]" class=FIELD aria-invalid=invalid("name") aria-describedby="name-error"/>
                </Field>
                <Field name="email" label="Email" problems>
                    <input id="email" name="form[email]" type="email" class=FIELD aria-invalid=invalid("email") aria-describedby="email-error"/>
                </Field>
                <Field name="role" label="Role" problems>
                    <select id="role" name="form[role]" class=FIELD aria-invalid=invalid("role") aria-describedby="role-error">
                        <option value="">"Choose a role"</option>
                        {STAFF_ROLES.map(|role| view! { <option value=role.as_str()>{role.label()}</option> })}
                    </select>
                </Field>
                <div class="sm:col-span-3">
                    <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Send invitation"</button>
                </div>
            </ActionForm>
        </section>
    }
}
