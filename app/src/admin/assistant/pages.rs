//! `/admin/assistant` (conversations, urgent first), `/admin/assistant/:id` (a transcript
//! and the reply form) and `/admin/assistant/answers` (staff's questions and answers).

use super::api::{
    fetch_conversations, fetch_faqs, fetch_transcript, CloseConversation, DeleteFaq,
    ReplyToPatient, SaveFaq, ANSWER_MAX, QUESTION_MAX, REPLY_MAX,
};
use super::types::{ConversationRow, Faq, Transcript};
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::live::changes;
use crate::ui::saves::{reload_after, Saves};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let saves = Saves::count();
    let changes = changes(&["conversation"]);
    let data = Resource::new(
        move || (saves.get(), changes.get()),
        |_| fetch_conversations(),
    );
    view! {
        <StaffScreen data here="/admin/assistant".to_owned() view=|rows| view! { <Conversations rows/> }/>
    }
}

fn badge(row: &ConversationRow) -> impl IntoView {
    row.urgent.then(|| {
        view! { <span class="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800">"Urgent"</span> }
    })
}

#[component]
fn Conversations(rows: Vec<ConversationRow>) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <Title text="Assistant — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Assistant" lead="Conversations patients had with the assistant. Those waiting for the team come first, urgent ones at the top.">
                <a href="/admin/assistant/answers" class=BUTTON_SECONDARY>"Questions and answers"</a>
            </ScreenHeading>
            <SavedNotice say=|q| (q.get("saved").as_deref() == Some("closed")).then(|| "Conversation closed.".to_owned())/>
            {if empty {
                view! { <p class="mt-6 text-stone-600">"No conversations yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-6 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white" aria-label="Conversations">
                        {rows.into_iter().map(|row| view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
                                <span>
                                    <a href=format!("/admin/assistant/{}", row.id) class="font-medium text-brand-700 underline">{row.who.clone()}</a>
                                    {badge(&row)}
                                </span>
                                <span class="text-stone-600">{format!("{} · {} messages · last {}", row.status, row.messages, row.last)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

#[component]
pub fn ConversationPage() -> impl IntoView {
    let params = use_params_map();
    let saves = Saves::count();
    let changes = changes(&["conversation"]);
    let data = Resource::new(
        move || {
            let id = params.read().get("id").unwrap_or_default();
            (id, saves.get(), changes.get())
        },
        |(id, _, _)| fetch_transcript(id),
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/assistant/{here}") view=|transcript| view! { <Conversation transcript/> }/>
    }
}

#[component]
fn Conversation(transcript: Transcript) -> impl IntoView {
    let Transcript {
        conversation,
        lines,
    } = transcript;
    let reply = ServerAction::<ReplyToPatient>::new();
    let close = ServerAction::<CloseConversation>::new();
    reload_after(move || matches!(reply.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || reply.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let id = conversation.id.clone();
    let close_id = conversation.id.clone();
    view! {
        <Title text="Conversation — Staff area"/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/assistant" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← All conversations"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{conversation.who.clone()} {badge(&conversation)}</h1>
            <p class="mt-2 text-stone-600">{format!("{} · started {}", conversation.status, conversation.started)}</p>
            <SavedNotice say=|q| (q.get("saved").as_deref() == Some("reply")).then(|| "Reply sent: the patient sees it in the conversation.".to_owned())/>
            <ol class="mt-6 space-y-3" aria-label="Transcript">
                {lines.into_iter().map(|line| view! {
                    <li class="rounded-2xl border border-stone-200 bg-white p-4">
                        <p class="text-xs font-semibold uppercase tracking-wider text-stone-500">
                            {format!("{} · {}", line.who, line.at)}
                            {line.flagged.map(|flag| view! { <span class="ml-2 text-red-700">{flag}</span> })}
                        </p>
                        <p class="mt-1 whitespace-pre-line text-stone-900">{line.body}</p>
                    </li>
                }).collect_view()}
            </ol>
            {conversation.open.then(|| view! {
                <ActionForm action=reply attr:class="mt-8 space-y-4" attr:novalidate="">
                    <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                    <input type="hidden" name="conversation" value=id/>
                    <Field name="message" label="Reply to the patient" problems>
                        <textarea id="message" name="message" rows="3" maxlength=REPLY_MAX.to_string() class=FIELD
                            aria-invalid=refusal.invalid("message") aria-describedby="message-error"></textarea>
                    </Field>
                    <button type="submit" class=BUTTON_PRIMARY disabled=move || reply.pending().get()>"Send reply"</button>
                </ActionForm>
                <ActionForm action=close attr:class="mt-4">
                    <input type="hidden" name="conversation" value=close_id/>
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || close.pending().get()>"Close conversation"</button>
                </ActionForm>
            })}
        </div>
    }
}

#[component]
pub fn AnswersPage() -> impl IntoView {
    let saves = Saves::count();
    let data = Resource::new(move || saves.get(), |_| fetch_faqs());
    view! {
        <StaffScreen data here="/admin/assistant/answers".to_owned() view=|faqs| view! { <Answers faqs/> }/>
    }
}

#[component]
fn Answers(faqs: Vec<Faq>) -> impl IntoView {
    let save = ServerAction::<SaveFaq>::new();
    let delete = ServerAction::<DeleteFaq>::new();
    reload_after(move || {
        matches!(save.value().get(), Some(Ok(_))) || matches!(delete.value().get(), Some(Ok(_)))
    });
    let refusal = Refusal::new(move || save.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    view! {
        <Title text="Questions and answers — Staff area"/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href="/admin/assistant" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← Assistant"</a>
            <ScreenHeading title="Questions and answers" lead="The assistant answers these word for word when a patient asks the same thing, and lists them on its page. Prices and times come from the treatments themselves: don't copy them here."/>
            <SavedNotice say=|q| match q.get("saved").as_deref() {
                Some("answer") => Some("Saved.".to_owned()),
                Some("deleted") => Some("Deleted.".to_owned()),
                _ => None,
            }/>
            <ul class="mt-6 space-y-4" aria-label="Questions and answers">
                {faqs.into_iter().map(|faq| view! {
                    <li class="rounded-2xl border border-stone-200 bg-white p-4">
                        <p class="font-semibold text-stone-900">{faq.question}</p>
                        <p class="mt-1 whitespace-pre-line text-stone-700">{faq.answer}</p>
                        <ActionForm action=delete attr:class="mt-3">
                            <input type="hidden" name="id" value=faq.id/>
                            <button type="submit" class="text-sm font-medium text-red-700 underline">"Delete"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <h2 class="mt-10 font-display text-2xl text-stone-900">"Add a question"</h2>
            <ActionForm action=save attr:class="mt-4 space-y-4" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <input type="hidden" name="id" value=""/>
                <Field name="question" label="Question, as a patient would ask it" problems>
                    <input id="question" name="question" type="text" maxlength=QUESTION_MAX.to_string() class=FIELD
                        aria-invalid=refusal.invalid("question") aria-describedby="question-error"/>
                </Field>
                <Field name="answer_text" label="Answer" problems>
                    <textarea id="answer_text" name="answer_text" rows="4" maxlength=ANSWER_MAX.to_string() class=FIELD
                        aria-invalid=refusal.invalid("answer_text") aria-describedby="answer_text-error"></textarea>
                </Field>
                <button type="submit" class=BUTTON_PRIMARY disabled=move || save.pending().get()>"Save"</button>
            </ActionForm>
        </div>
    }
}
