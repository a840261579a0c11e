//! The clinic's messages, newest first: what each says, to whom, and how its delivery is
//! going (tries, the provider's last error, the next try), with "Send again" for a dead
//! letter. With no provider configured it is the development mailbox: nothing leaves the
//! server, and staff can read (and pass on) what a patient was sent.

use super::api::{fetch_mailbox, ReplyToPatient, RetryMessage, REPLY_MAX};
use super::frame::StaffScreen;
use super::types::{InboxMessage, Mailbox, MailboxMessage, MessageFilter, Try};
use crate::domain::form::{problem_for, FieldProblem};
use crate::domain::message_log::{channel_words, kind_words, CHANNELS, STATES};
use crate::ui::components::{Refusal, SavedNotice, BUTTON_SECONDARY, FIELD, LABEL};
use crate::ui::saves::{reload_after, Saves};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MailboxPage() -> impl IntoView {
    let saves = Saves::count();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |name: &str| q.get(name).unwrap_or_default();
        MessageFilter {
            status: get("status"),
            channel: get("channel"),
            kind: get("kind"),
            from: get("from"),
            to: get("to"),
            patient: get("patient"),
            appointment: get("appointment"),
        }
    };
    let data = Resource::new(
        move || (saves.get(), filter()),
        |(_, filter)| fetch_mailbox(filter),
    );
    view! { <StaffScreen data here="/admin/mailbox".to_owned() view=|mailbox| view! { <MailboxView mailbox/> }/> }
}

/// The filter: a GET form, so a filtered log lives in its address (shareable, and working
/// without JavaScript). A patient's or appointment's log keeps its scope.
#[component]
fn Filters(
    filter: MessageFilter,
    kinds: Vec<String>,
    problems: Vec<FieldProblem>,
) -> impl IntoView {
    let problem = move |field: &str| {
        problem_for(&problems, field).map(|message| {
            view! { <p id=format!("{field}-error") class="mt-1 text-sm font-medium text-red-700">{message.to_owned()}</p> }
        })
    };
    let option = |value: &str, words: String, chosen: &str| {
        view! { <option value=value.to_owned() selected=value == chosen>{words}</option> }
    };
    view! {
        <form method="get" action="/admin/mailbox" class="mt-8 grid gap-4 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter messages">
            <input type="hidden" name="patient" value=filter.patient.clone()/>
            <input type="hidden" name="appointment" value=filter.appointment.clone()/>
            <div>
                <label for="status" class=LABEL>"State"</label>
                <select id="status" name="status" class=FIELD>
                    {option("", "Any".into(), &filter.status)}
                    {STATES.iter().map(|(value, words)| option(value, (*words).to_owned(), &filter.status)).collect_view()}
                </select>
                {problem("status")}
            </div>
            <div>
                <label for="channel" class=LABEL>"Channel"</label>
                <select id="channel" name="channel" class=FIELD>
                    {option("", "Any".into(), &filter.channel)}
                    {CHANNELS.iter().map(|(value, words)| option(value, (*words).to_owned(), &filter.channel)).collect_view()}
                </select>
                {problem("channel")}
            </div>
            <div>
                <label for="kind" class=LABEL>"Kind"</label>
                <select id="kind" name="kind" class=FIELD>
                    {option("", "Any".into(), &filter.kind)}
                    {kinds.iter().map(|kind| option(kind, kind_words(kind), &filter.kind)).collect_view()}
                </select>
                {problem("kind")}
            </div>
            <div>
                <label for="from" class=LABEL>"From"</label>
                <input id="from" name="from" type="date" value=filter.from.clone() class=FIELD/>
                {problem("from")}
            </div>
            <div>
                <label for="to" class=LABEL>"To"</label>
                <input id="to" name="to" type="date" value=filter.to.clone() class=FIELD/>
                {problem("to")}
            </div>
            <div class="flex items-end">
                <button type="submit" class=BUTTON_SECONDARY>"Filter"</button>
            </div>
            {problem("patient")}
            {problem("appointment")}
        </form>
    }
}

#[component]
fn MailboxView(mailbox: Mailbox) -> impl IntoView {
    let Mailbox {
        development,
        filter,
        problems,
        kinds,
        scope,
        can_manage,
        messages,
        inbox,
    } = mailbox;
    let empty = messages.is_empty() && problems.is_empty();
    let replies = (!inbox.is_empty()).then(|| {
        view! {
            <section class="mt-8" aria-labelledby="replies">
                <h2 id="replies" class="font-display text-2xl text-stone-900">"Replies from patients"</h2>
                <p class="mt-1 text-sm text-stone-600">"Texts and WhatsApp messages sent to the clinic's number, newest first."</p>
                <ol class="mt-4 space-y-3">
                    {inbox.into_iter().map(|reply| view! { <li><Reply reply/></li> }).collect_view()}
                </ol>
            </section>
        }
    });
    let (title, lead) = if let Some(scope) = &scope {
        ("Messages", format!("Messages {scope}, newest first."))
    } else if development {
        (
            "Development mailbox",
            "No mail or SMS provider is set up, so nothing was sent: every message is kept here instead, newest first, links included.".to_owned(),
        )
    } else {
        (
            "Messages",
            "Every message the clinic has sent or is sending, newest first. Private links (password resets, invitations, booking links) are never shown here.".to_owned(),
        )
    };
    view! {
        <Title text=format!("{title} — Staff area")/>
        <div class="mx-auto max-w-4xl px-4 py-10">
            <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">{title}</h1>
            <p class="mt-2 text-stone-600">{lead}</p>
            {(scope.is_some() && can_manage).then(|| view! {
                <p class="mt-2 text-sm"><a href="/admin/mailbox" class="font-medium text-brand-700 underline">"All messages"</a></p>
            })}
            {(development && scope.is_some()).then(|| view! {
                <p class="mt-2 text-sm text-stone-600">"This is the development mailbox: no provider is set up, so nothing was sent."</p>
            })}
            <Filters filter kinds problems/>
            <SavedNotice say=|q| match q.get("saved").as_deref() {
                Some("retry") => Some("Queued to be sent again now.".to_owned()),
                Some("reply") => Some("Your reply is on its way.".to_owned()),
                _ => None,
            }/>
            {replies}
            <Show when=move || empty>
                <p class="mt-8 text-stone-600">"No messages match."</p>
            </Show>
            <ol class="mt-8 space-y-4">
                {messages.into_iter().map(|message| view! { <li><Message message can_manage/></li> }).collect_view()}
            </ol>
        </div>
    }
}

/// A message's delivery in words.
fn state_words(m: &MailboxMessage) -> String {
    let tries = |n: i32| {
        if n == 1 {
            "1 try".to_owned()
        } else {
            format!("{n} tries")
        }
    };
    match m.status.as_str() {
        "sent" => "Sent".to_owned(),
        "delivered" => "Delivered".to_owned(),
        "undelivered" => "Not delivered".to_owned(),
        "failed" => "Could not be sent to the phone".to_owned(),
        "dead" => format!("Failed for good after {}", tries(m.attempts)),
        _ if m.attempts == 0 => "Waiting to be sent".to_owned(),
        _ => format!("Not sent yet: {} so far", tries(m.attempts)),
    }
}

fn try_words(t: &Try) -> String {
    let outcome = match t.outcome.as_str() {
        "sent" => "handed over",
        "retry" => "failed, will try again",
        _ => "failed for good",
    };
    match &t.error {
        Some(error) => format!("Try {} at {}: {outcome} ({error})", t.number, t.at),
        None => format!("Try {} at {}: {outcome}", t.number, t.at),
    }
}

#[component]
fn Message(message: MailboxMessage, can_manage: bool) -> impl IntoView {
    let retry = ServerAction::<RetryMessage>::new();
    reload_after(move || matches!(retry.value().get(), Some(Ok(_))));
    let error = move || {
        retry
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let state = state_words(&message);
    let heading = if message.subject.is_empty() {
        kind_words(&message.kind)
    } else {
        message.subject.clone()
    };
    let dead = message.status == "dead" && can_manage;
    view! {
        <article class="rounded-2xl border border-stone-200 bg-white p-5" aria-label=format!("{heading} to {}", message.recipient)>
            <header class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 class="font-semibold text-stone-900">{heading.clone()}</h2>
                <p class="text-sm text-stone-500">{format!("{} · {} · {}", message.created, channel_words(&message.channel), kind_words(&message.kind))}</p>
            </header>
            <p class="mt-1 text-sm text-stone-600">"To "{message.recipient.clone()}</p>
            <p class="mt-1 text-sm font-medium text-stone-800">{state}</p>
            {message.delivery_error.clone().map(|error| view! { <p class="mt-1 text-sm text-red-700">{error}</p> })}
            {(!message.tries.is_empty()).then(|| view! {
                <ol class="mt-2 space-y-1 text-sm text-stone-600" aria-label="Tries">
                    {message.tries.iter().map(|t| view! { <li>{try_words(t)}</li> }).collect_view()}
                </ol>
            })}
            {message.next_attempt.clone().map(|at| view! { <p class="mt-1 text-sm text-stone-600">"Next try: "{at}</p> })}
            {message.attachment_name.clone().map(|name| view! { <p class="mt-1 text-sm text-stone-600">"Attached: "{name}</p> })}
            <pre class="mt-4 whitespace-pre-wrap break-words font-sans text-sm text-stone-800">{message.body.clone()}</pre>
            {(dead && message.retryable).then(|| view! {
                <ActionForm action=retry attr:class="mt-4">
                    <input type="hidden" name="id" value=message.id.to_string()/>
                    <button type="submit" class=BUTTON_SECONDARY>"Send again"</button>
                </ActionForm>
                <p role="alert" class="mt-2 text-sm font-medium text-red-700">{error}</p>
            })}
            {(dead && !message.retryable).then(|| view! {
                <p class="mt-4 text-sm text-stone-600">
                    "It carried a private link, removed when it failed. Ask the person to request a new one, or send them a new confirmation."
                </p>
            })}
        </article>
    }
}

/// What Lumen did with a reply, in words.
fn handled_words(handled_as: &str) -> &'static str {
    match handled_as {
        "opt_out" => "Opted out: no more messages go to this number on this channel",
        "opt_in" => "Opted back in",
        "confirmed" => "Confirmed their next appointment",
        _ => "For the front desk",
    }
}

#[component]
fn Reply(reply: InboxMessage) -> impl IntoView {
    let from = match &reply.patient_name {
        Some(name) => format!("{name} ({})", reply.from_phone),
        None => reply.from_phone.clone(),
    };
    let channel = if reply.channel == "whatsapp" {
        "WhatsApp"
    } else {
        "Text"
    };
    let label = format!("Reply from {from}");
    view! {
        <article class="rounded-2xl border border-stone-200 bg-white p-4" aria-label=label>
            <p class="text-sm text-stone-500">{format!("{} · {channel} · from ", reply.received)}
                {match reply.patient_id {
                    Some(id) => view! { <a class="text-brand-700 underline" href=format!("/admin/patients/{id}")>{from}</a> }.into_any(),
                    None => view! { <span>{from}</span> }.into_any(),
                }}
            </p>
            <p class="mt-2 whitespace-pre-wrap break-words text-stone-900">{reply.body.clone()}</p>
            <p class="mt-1 text-sm text-stone-600">{handled_words(&reply.handled_as)}</p>
            {(reply.handled_as != "opt_out").then(|| view! { <ReplyForm id=reply.id/> })}
        </article>
    }
}

/// The staff's answer, texted back on the channel the message came by.
#[component]
fn ReplyForm(id: uuid::Uuid) -> impl IntoView {
    let action = ServerAction::<ReplyToPatient>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let summary = refusal.summary();
    let problems = refusal.problems;
    let problem = move || problem_for(&problems.read(), "body").map(str::to_owned);
    let field = format!("reply-{id}");
    view! {
        <ActionForm action attr:class="mt-3 space-y-2">
            <input type="hidden" name="id" value=id.to_string()/>
            <label for=field.clone() class="text-sm font-medium text-stone-800">"Reply"</label>
            <textarea id=field name="body" rows="2" maxlength=REPLY_MAX.to_string() class=FIELD></textarea>
            <p class="text-sm font-medium text-red-700">{problem}</p>
            <p role="alert" class="text-sm font-medium text-red-700">{summary}</p>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Send reply"</button>
        </ActionForm>
    }
}
