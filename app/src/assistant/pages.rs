//! `/assistant`: the conversation so far, a form to ask (a plain form post, so it works
//! without JavaScript; with it, the answer appears without a reload), the clinic's own
//! questions and answers, and the policies answers point to.

use super::api::{fetch_chat, AskAssistant, HoldOffer};
use super::types::{ChatMessage, ChatView};
use crate::error::AppError;
use crate::ui::components::{Field, Refusal, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AssistantPage() -> impl IntoView {
    let action = ServerAction::<AskAssistant>::new();
    let hold = ServerAction::<HoldOffer>::new();
    // A time taken meanwhile is answered in the conversation: load it again then too.
    let chat = Resource::new(
        move || (action.version().get(), hold.version().get()),
        |_| fetch_chat(),
    );
    view! {
        <Title text="Ask us"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-3xl px-4 py-12">
            <h1 class="font-display text-4xl text-stone-900">"Ask us"</h1>
            <Transition fallback=|| view! { <p class="mt-6 text-stone-600">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(view! { <Chat chat=chat.await? action hold/> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The assistant in a panel over a public page: the conversation and the form, without
/// the page's questions and answers and policies (their links still lead there).
#[component]
pub fn AssistantPanel() -> impl IntoView {
    let action = ServerAction::<AskAssistant>::new();
    let hold = ServerAction::<HoldOffer>::new();
    let chat = Resource::new(
        move || (action.version().get(), hold.version().get()),
        |_| fetch_chat(),
    );
    // Mounted beside the page, outside its router: the failure is said here, plainly.
    view! {
        <Transition fallback=|| view! { <p class="mt-4 text-stone-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match chat.await {
                    Ok(chat) => view! { <Chat chat action hold compact=true/> }.into_any(),
                    Err(error) => view! { <p role="alert" class="mt-4 text-red-700">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Chat(
    chat: ChatView,
    action: ServerAction<AskAssistant>,
    hold: ServerAction<HoldOffer>,
    /// In the panel: no questions and answers or policies below the form.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let hold_summary = Refusal::new(move || hold.value().get()).summary();
    let clinic = chat.clinic.clone();
    let count = chat.messages.len();
    view! {
        <p class="mt-3 text-stone-600">
            {format!(
                "Answers come from {}'s own pages, with links to them. The assistant can't give medical advice: in an emergency, call {} now.",
                chat.clinic, chat.emergency,
            )}
        </p>
        <ol class="mt-8 space-y-4" aria-label="Conversation" aria-live="polite">
            {chat.messages.into_iter().enumerate().map(|(at, message)| {
                let latest = at + 1 == count;
                view! { <Message message clinic=clinic.clone() latest hold/> }
            }).collect_view()}
        </ol>
        <p role="alert" aria-live="assertive" class="mt-2 text-sm font-semibold text-red-700">{hold_summary}</p>
        {chat.with_staff.then(|| view! {
            <p class="mt-4 rounded-xl bg-brand-50 p-4 text-sm text-brand-900" role="status">
                "The clinic's team has this conversation and will reply here. Reload the page to see their reply."
            </p>
        })}
        <ActionForm action attr:class="mt-8 space-y-4" attr:novalidate="">
            {compact.then(|| view! { <input type="hidden" name="stay" value="true"/> })}
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
            <Field name="message" label="Your question" problems>
                <textarea id="message" name="message" rows="3" maxlength="1000" required class=FIELD
                    aria-invalid=refusal.invalid("message")
                    aria-describedby="message-error"></textarea>
            </Field>
            <div class="flex flex-wrap gap-3">
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Send"</button>
            </div>
        </ActionForm>
        <ActionForm action attr:class="mt-3">
            {compact.then(|| view! { <input type="hidden" name="stay" value="true"/> })}
            <input type="hidden" name="message" value="I'd like to talk to a person"/>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Talk to a person"</button>
        </ActionForm>
        {(!compact).then(|| view! { <Faqs faqs=chat.faqs/> <Policies chat_policies=(chat.cancellation_policy, chat.payment_policy, chat.clinic, chat.phone)/> })}
    }
}

#[component]
fn Policies(chat_policies: (String, String, String, String)) -> impl IntoView {
    let (cancellation_policy, payment_policy, clinic, phone) = chat_policies;
    view! {
        <section id="policies" class="mt-12">
            <h2 class="font-display text-2xl text-stone-900">"Our policies"</h2>
            <h3 class="mt-4 font-semibold text-stone-900">"Cancelling or changing a booking"</h3>
            <p class="mt-1 whitespace-pre-line text-stone-700">{cancellation_policy}</p>
            <h3 class="mt-4 font-semibold text-stone-900">"Paying for a booking"</h3>
            <p class="mt-1 text-stone-700">{payment_policy}</p>
            <p class="mt-4 text-sm text-stone-600">{format!("Questions? Call {clinic} on {phone}.")}</p>
        </section>
    }
}

#[component]
fn Message(
    message: ChatMessage,
    clinic: String,
    latest: bool,
    hold: ServerAction<HoldOffer>,
) -> impl IntoView {
    let (who, tone) = match message.author.as_str() {
        "patient" => ("You".to_owned(), "ml-8 bg-stone-100"),
        "staff" => (format!("{clinic} team"), "mr-8 bg-brand-50"),
        _ => (
            "Assistant".to_owned(),
            "mr-8 bg-white border border-stone-200",
        ),
    };
    view! {
        <li id=latest.then_some("latest") class=format!("rounded-2xl p-4 {tone}")>
            <p class="text-xs font-semibold uppercase tracking-wider text-stone-500">{who}</p>
            <p class="mt-1 whitespace-pre-line text-stone-900">{message.body}</p>
            {(!message.offers.is_empty()).then(|| view! {
                <ul class="mt-3 flex flex-wrap gap-2" aria-label="Free times">
                    {message.offers.into_iter().map(|offer| view! {
                        <li>
                            <ActionForm action=hold>
                                <input type="hidden" name="treatment" value=offer.treatment/>
                                <input type="hidden" name="provider" value=offer.provider/>
                                <input type="hidden" name="start" value=offer.start/>
                                <button type="submit" class="rounded-full border border-brand-700 px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50"
                                    disabled=move || hold.pending().get()>
                                    {offer.label}
                                </button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!message.sources.is_empty()).then(|| view! {
                <p class="mt-2 text-sm text-stone-600">
                    "Sources: "
                    {message.sources.into_iter().map(|source| view! {
                        <a href=source.href class="mr-3 font-medium text-brand-700 underline">{source.title}</a>
                    }).collect_view()}
                </p>
            })}
        </li>
    }
}

#[component]
fn Faqs(faqs: Vec<super::types::Faq>) -> impl IntoView {
    (!faqs.is_empty()).then(|| {
        view! {
            <section id="faq" class="mt-12">
                <h2 class="font-display text-2xl text-stone-900">"Questions we're often asked"</h2>
                <dl class="mt-4 space-y-4">
                    {faqs.into_iter().map(|faq| view! {
                        <div>
                            <dt id=format!("faq-{}", faq.id) class="font-semibold text-stone-900">{faq.question}</dt>
                            <dd class="mt-1 whitespace-pre-line text-stone-700">{faq.answer}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            </section>
        }
    })
}
