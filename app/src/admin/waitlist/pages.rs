//! The staff's waitlist screen: everyone waiting, first come first, and a button to take
//! each off it. It follows the calendar live: an offer made or taken shows without a reload.

use super::api::{fetch_waitlist, RemoveFromWaitlist};
use super::types::WaitingRow;
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::ui::components::{Refusal, SavedNotice};
use crate::ui::live::changes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WaitlistScreen() -> impl IntoView {
    let remove = ServerAction::<RemoveFromWaitlist>::new();
    let changes = changes(&["appointment"]);
    let data = Resource::new(
        move || (remove.version().get(), changes.get()),
        |_| fetch_waitlist(),
    );
    view! {
        <StaffScreen data here="/admin/waitlist".to_owned() view=move |rows| view! { <Waitlist rows remove/> }/>
    }
}

#[component]
fn Waitlist(rows: Vec<WaitingRow>, remove: ServerAction<RemoveFromWaitlist>) -> impl IntoView {
    let refusal = Refusal::new(move || remove.value().get());
    let empty = rows.is_empty();
    view! {
        <Title text="Waitlist — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Waitlist" lead="Patients waiting for a time that suits them, first come first. When such a time comes free, Lumen holds it and offers it to the first three by email; the first to take it books it."/>
            <SavedNotice say=|query| query.get("removed").map(|_| "Taken off the waitlist.".to_owned())/>
            <p role="alert" class="mt-4 text-sm font-semibold text-red-700">{refusal.summary()}</p>
            {if empty {
                view! { <p class="mt-6 text-stone-600">"Nobody is waiting."</p> }.into_any()
            } else {
                view! {
                    <div class="mt-6 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                        <table class="min-w-full text-sm">
                            <thead class="bg-stone-50 text-left text-stone-700">
                                <tr>
                                    <th scope="col" class="px-3 py-2">"Patient"</th>
                                    <th scope="col" class="px-3 py-2">"Treatment"</th>
                                    <th scope="col" class="px-3 py-2">"With"</th>
                                    <th scope="col" class="px-3 py-2">"Can come"</th>
                                    <th scope="col" class="px-3 py-2">"Joined"</th>
                                    <th scope="col" class="px-3 py-2">"Offers"</th>
                                    <td></td>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-100">
                                {rows.into_iter().map(|row| {
                                    let offers = if row.offered_now {
                                        format!("{} (one open now)", row.offers)
                                    } else {
                                        row.offers.to_string()
                                    };
                                    let label = format!("Take {} off the waitlist", row.patient);
                                    view! {
                                        <tr>
                                            <th scope="row" class="px-3 py-2 text-left font-medium">
                                                <a href=format!("/admin/patients/{}", row.patient_id) class="text-brand-800 underline">{row.patient.clone()}</a>
                                            </th>
                                            <td class="px-3 py-2">{row.treatment}</td>
                                            <td class="px-3 py-2">{row.provider}</td>
                                            <td class="px-3 py-2">{row.when}</td>
                                            <td class="px-3 py-2 tabular-nums">{row.joined}</td>
                                            <td class="px-3 py-2 tabular-nums">{offers}</td>
                                            <td class="px-3 py-2 text-right">
                                                <ActionForm action=remove>
                                                    <input type="hidden" name="id" value=row.id/>
                                                    <button type="submit" aria-label=label class="text-sm font-semibold text-red-700 underline">"Remove"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </div>
    }
}
