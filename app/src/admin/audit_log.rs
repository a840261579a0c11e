//! The audit log, for clinic admins: who did what to which record and when, newest first,
//! filtered by action, kind of record or person. Reading it is itself recorded.

use super::api::fetch_audit_log;
use super::frame::StaffScreen;
use super::types::{AuditFilter, AuditPage};
use crate::ui::components::{BUTTON_SECONDARY, FIELD, LABEL};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        AuditFilter {
            action: q.get("action").unwrap_or_default(),
            subject_type: q.get("subject_type").unwrap_or_default(),
            actor: q.get("actor").unwrap_or_default(),
            before_seq: q.get("before").and_then(|b| b.parse().ok()),
        }
    };
    let data = Resource::new(filter, fetch_audit_log);
    view! { <StaffScreen data here="/admin/audit".to_owned() view=|page| view! { <AuditLog page/> }/> }
}

#[component]
fn AuditLog(page: AuditPage) -> impl IntoView {
    let AuditPage {
        filter,
        entries,
        older,
    } = page;
    let older_href = older.map(|seq| {
        format!(
            "/admin/audit?action={}&subject_type={}&actor={}&before={seq}",
            crate::domain::url::percent_encode(&filter.action),
            crate::domain::url::percent_encode(&filter.subject_type),
            crate::domain::url::percent_encode(&filter.actor),
        )
    });
    let empty = entries.is_empty();
    view! {
        <Title text="Audit log — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">"Audit log"</h1>
            <p class="mt-2 text-stone-600">
                "Every sign-in, every read of patient data and every change, without the data itself. Entries cannot be changed or removed; "
                <code>"lumen audit-verify"</code>" checks that none was."
            </p>
            // A GET form: filters live in the address, so a filtered view can be shared and
            // works without JavaScript.
            <form method="get" action="/admin/audit" class="mt-8 grid gap-4 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-4">
                <div>
                    <label for="action" class=LABEL>"Action"</label>
                    <input id="action" name="action" value=filter.action.clone() placeholder="e.g. update" class=FIELD/>
                </div>
                <div>
                    <label for="subject_type" class=LABEL>"Record"</label>
                    <input id="subject_type" name="subject_type" value=filter.subject_type.clone() placeholder="e.g. treatment" class=FIELD/>
                </div>
                <div>
                    <label for="actor" class=LABEL>"Person (email)"</label>
                    <input id="actor" name="actor" type="email" value=filter.actor.clone() class=FIELD/>
                </div>
                <div class="flex items-end">
                    <button type="submit" class=BUTTON_SECONDARY>"Filter"</button>
                </div>
            </form>
            <Show when=move || empty>
                <p class="mt-8 text-stone-600">"No entries match."</p>
            </Show>
            <div class="mt-8 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                <table class="min-w-full divide-y divide-stone-200 text-sm">
                    <thead class="bg-stone-50 text-left text-stone-600">
                        <tr>
                            <th scope="col" class="px-4 py-3 font-medium">"When"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Who"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Action"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Record"</th>
                            <th scope="col" class="px-4 py-3 font-medium">"Request"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-stone-100">
                        {entries.into_iter().map(|e| view! {
                            <tr>
                                <td class="whitespace-nowrap px-4 py-3 tabular-nums">{e.at}</td>
                                <td class="px-4 py-3">{e.actor}<span class="block text-xs text-stone-500">{e.role.replace('_', " ")}</span></td>
                                <td class="px-4 py-3">{e.action.replace('_', " ")}</td>
                                <td class="px-4 py-3">{e.subject}</td>
                                <td class="px-4 py-3 font-mono text-xs text-stone-500">{e.request_id}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {older_href.map(|href| view! { <a href=href class=format!("{BUTTON_SECONDARY} mt-6")>"Older entries"</a> })}
        </div>
    }
}
