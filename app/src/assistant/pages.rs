//! `/assistant`: the conversation so far, a form to ask (a plain form post, so it works
//! without JavaScript; with it, the answer streams in as it is written, and a reply from
//! staff appears by itself), the clinic's own questions and answers, and the policies
//! answers point to.

use super::api::{fetch_chat, fetch_chat_length, stream_answer, AskAssistant, HoldOffer};
use super::types::{ChatMessage, ChatView, Said};
use crate::error::AppError;
use crate::ui::components::{Field, Refusal, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::interactive::typed_before_hydration;
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};

/// What outlives each loading of the conversation: the question being typed, and a count
/// that loads the conversation again when it goes up.
#[derive(Clone, Copy)]
struct Asking {
    draft: RwSignal<String>,
    reload: RwSignal<u32>,
    hold: ServerAction<HoldOffer>,
}

impl Asking {
    fn new() -> (Asking, Resource<Result<ChatView, AppError>>) {
        let asking = Asking {
            draft: RwSignal::new(String::new()),
            reload: RwSignal::new(0),
            hold: ServerAction::<HoldOffer>::new(),
        };
        // A time taken meanwhile is answered in the conversation: load it again then too.
        let chat = Resource::new(
            move || (asking.reload.get(), asking.hold.version().get()),
            |_| fetch_chat(),
        );
        (asking, chat)
    }
}

#[component]
pub fn AssistantPage() -> impl IntoView {
    let (asking, chat) = Asking::new();
    let typed = typed_before_hydration("message");
    if !typed.is_empty() {
        Effect::new(move |_| asking.draft.set(typed.clone()));
    }
    view! {
        <Title text="Ask us"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-3xl px-4 py-12">
            <h1 class="font-display text-4xl text-stone-900">"Ask us"</h1>
            <Transition fallback=|| view! { <p class="mt-6 text-stone-600">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(view! { <Chat chat=chat.await? asking/> })
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
    let (asking, chat) = Asking::new();
    // Mounted beside the page, outside its router: the failure is said here, plainly.
    view! {
        <Transition fallback=|| view! { <p class="mt-4 text-stone-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match chat.await {
                    Ok(chat) => view! { <Chat chat asking compact=true/> }.into_any(),
                    Err(error) => view! { <p role="alert" class="mt-4 text-red-700">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A question on its way and the answer so far, shown until the conversation is loaded
/// again with both stored.
#[derive(Debug, Clone, Default)]
struct Live {
    asked: String,
    answer: String,
}

/// How often the conversation is checked for a reply while staff have it.
const STAFF_REPLY_CHECK: std::time::Duration = std::time::Duration::from_secs(4);

#[component]
fn Chat(
    chat: ChatView,
    asking: Asking,
    /// In the panel: no questions and answers or policies below the form.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let Asking {
        draft,
        reload,
        hold,
    } = asking;
    let outcome = RwSignal::new(None::<Result<(), AppError>>);
    let live = RwSignal::new(None::<Live>);
    let refusal = Refusal::new(move || outcome.get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let hold_summary = Refusal::new(move || hold.value().get()).summary();
    let clinic = chat.clinic.clone();
    let count = chat.messages.len();
    if chat.with_staff {
        watch_for_replies(count, reload);
    }
    let send = move |message: String| {
        if live.get_untracked().is_some() {
            return;
        }
        leptos::task::spawn_local(stream(message, live, outcome, draft, reload));
    };
    let ask_url = AskAssistant::PATH;
    let question = NodeRef::<leptos::html::Textarea>::new();
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
            {move || live.get().map(|live| view! {
                <li class="ml-8 rounded-2xl bg-stone-100 p-4">
                    <p class="text-xs font-semibold uppercase tracking-wider text-stone-500">"You"</p>
                    <p class="mt-1 whitespace-pre-line text-stone-900">{live.asked}</p>
                </li>
                <li class="mr-8 rounded-2xl border border-stone-200 bg-white p-4" aria-busy="true">
                    <p class="text-xs font-semibold uppercase tracking-wider text-stone-500">"Assistant"</p>
                    <p class="mt-1 whitespace-pre-line text-stone-900">
                        {if live.answer.is_empty() { "…".to_owned() } else { live.answer }}
                    </p>
                </li>
            })}
        </ol>
        <p role="alert" aria-live="assertive" class="mt-2 text-sm font-semibold text-red-700">{hold_summary}</p>
        {chat.with_staff.then(|| view! {
            <p class="mt-4 rounded-xl bg-brand-50 p-4 text-sm text-brand-900" role="status">
                "The clinic's team has this conversation and will reply here."
            </p>
        })}
        // A plain form post without JavaScript; with it, the answer streams in as it is
        // written.
        <form method="post" action=ask_url class="mt-8 space-y-4" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                // What the box holds: typed before the page's code arrived, it never
                // passed through `draft`.
                let typed = question
                    .get_untracked()
                    .map(|box_| box_.value())
                    .unwrap_or_else(|| draft.get_untracked());
                draft.set(typed.clone());
                send(typed);
            }>
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
            <Field name="message" label="Your question" problems>
                <textarea id="message" name="message" rows="3" maxlength="1000" required class=FIELD node_ref=question
                    aria-invalid=refusal.invalid("message")
                    aria-describedby="message-error"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
            </Field>
            <div class="flex flex-wrap gap-3">
                <button type="submit" class=BUTTON_PRIMARY disabled=move || live.get().is_some()>"Send"</button>
            </div>
        </form>
        <form method="post" action=ask_url class="mt-3"
            on:submit=move |ev| {
                ev.prevent_default();
                send(TALK_TO_A_PERSON.to_owned());
            }>
            <input type="hidden" name="message" value=TALK_TO_A_PERSON/>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || live.get().is_some()>"Talk to a person"</button>
        </form>
        {(!compact).then(|| view! { <Faqs faqs=chat.faqs/> <Policies chat_policies=(chat.cancellation_policy, chat.payment_policy, chat.clinic, chat.phone)/> })}
    }
}

const TALK_TO_A_PERSON: &str = "I'd like to talk to a person";

/// Sends `message` and shows the answer as it streams in; once it is stored, the
/// conversation is loaded again (which also empties the form: the question was sent).
async fn stream(
    message: String,
    live: RwSignal<Option<Live>>,
    outcome: RwSignal<Option<Result<(), AppError>>>,
    draft: RwSignal<String>,
    reload: RwSignal<u32>,
) {
    use futures::StreamExt;
    outcome.set(None);
    live.set(Some(Live {
        asked: message.trim().to_owned(),
        answer: String::new(),
    }));
    let mut result = Ok(());
    match stream_answer(message).await {
        Err(error) => result = Err(error),
        Ok(lines) => {
            let mut lines = lines.into_inner();
            let mut buffer = String::new();
            while let Some(piece) = lines.next().await {
                match piece {
                    Ok(piece) => buffer.push_str(&piece),
                    Err(error) => {
                        result = Err(error);
                        break;
                    }
                }
                for said in Said::take_lines(&mut buffer) {
                    match said {
                        Said::Text(text) => {
                            live.update(|l| l.iter_mut().for_each(|l| l.answer.push_str(&text)))
                        }
                        Said::Withdrawn => {
                            live.update(|l| l.iter_mut().for_each(|l| l.answer.clear()))
                        }
                        Said::Done => {}
                        Said::Failed(problem) => result = Err(AppError::Invalid(problem)),
                    }
                }
            }
        }
    }
    if result.is_ok() {
        draft.set(String::new());
    }
    // The form is shown again: what was asked is in the conversation, or, refused, still
    // in the form with the reason.
    let asked = result.is_ok();
    outcome.try_set(Some(result));
    live.try_set(None);
    if asked {
        reload.update(|n| *n += 1);
    }
}

/// While staff have the conversation, looks every few seconds for a message it does not
/// show yet, and loads the conversation again when one has come.
/// (An effect: it runs in the browser only, and stops when the conversation is replaced.)
fn watch_for_replies(shown: usize, reload: RwSignal<u32>) {
    Effect::new(move |_| {
        let look = set_interval_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    if fetch_chat_length().await.is_ok_and(|now| now > shown) {
                        reload.try_update(|n| *n += 1);
                    }
                })
            },
            STAFF_REPLY_CHECK,
        );
        if let Ok(look) = look {
            on_cleanup(move || look.clear());
        }
    });
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
            // A way on (a time held, to confirm) is a link of the server's own, which the
            // router must leave to the browser; the rest are the pages the answer came from.
            {let (ways_on, sources): (Vec<_>, Vec<_>) =
                message.sources.into_iter().partition(|s| s.href.starts_with("/api/"));
            view! {
                {ways_on.into_iter().map(|way| view! {
                    <p class="mt-3">
                        <a href=way.href rel="external" class=BUTTON_PRIMARY>{way.title}</a>
                    </p>
                }).collect_view()}
                {(!sources.is_empty()).then(|| view! {
                    <p class="mt-2 text-sm text-stone-600">
                        "Sources: "
                        {sources.into_iter().map(|source| view! {
                            <a href=source.href class="mr-3 font-medium text-brand-700 underline">{source.title}</a>
                        }).collect_view()}
                    </p>
                })}
            }}
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
