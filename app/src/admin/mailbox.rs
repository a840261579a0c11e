//! The clinic's mailbox: every email and text the app has written, newest first. With no
//! mail or SMS provider configured this is where messages wait, so staff can still see
//! (and pass on) what a patient was sent.

use super::api::fetch_mailbox;
use super::frame::StaffScreen;
use super::types::MailboxMessage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MailboxPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_mailbox());
    view! { <StaffScreen data here="/admin/mailbox".to_owned() view=|messages| view! { <Mailbox messages/> }/> }
}

#[component]
fn Mailbox(messages: Vec<MailboxMessage>) -> impl IntoView {
    let empty = messages.is_empty();
    view! {
        <Title text="Mailbox — Staff area"/>
        <div class="mx-auto max-w-4xl px-4 py-10">
            <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">"Mailbox"</h1>
            <p class="mt-2 text-stone-600">
                "Messages to patients and staff, newest first. No mail provider is set up, so they are kept here rather than sent."
            </p>
            <Show when=move || empty>
                <p class="mt-8 text-stone-600">"No messages yet."</p>
            </Show>
            <ol class="mt-8 space-y-4">
                {messages.into_iter().map(|m| view! {
                    <li>
                        <article class="rounded-2xl border border-stone-200 bg-white p-5" aria-label=format!("{} to {}", m.subject, m.recipient)>
                            <header class="flex flex-wrap items-baseline justify-between gap-2">
                                <h2 class="font-semibold text-stone-900">{m.subject.clone()}</h2>
                                <p class="text-sm text-stone-500">{format!("{} · {} · {}", m.created, m.channel, if m.sent { "sent" } else { "not sent" })}</p>
                            </header>
                            <p class="mt-1 text-sm text-stone-600">"To "{m.recipient.clone()}</p>
                            <pre class="mt-4 whitespace-pre-wrap break-words font-sans text-sm text-stone-800">{m.body}</pre>
                        </article>
                    </li>
                }).collect_view()}
            </ol>
        </div>
    }
}
