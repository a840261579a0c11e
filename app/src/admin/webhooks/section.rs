//! The settings screen's "Webhooks" section. Like the API keys beside it, its actions
//! belong to the screen, so a new secret (an action's answer) outlives the reload.

use super::api::{AddWebhook, RemoveWebhook, ReplayWebhook, RotateWebhookSecret};
use super::types::{DeliveryView, EndpointView, WebhooksScreen};
use crate::domain::form::problem_for;
use crate::domain::webhooks::{EventType, OLD_SECRET_HOURS};
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, FIELD, LABEL};
use leptos::prelude::*;

/// What the section's actions do, passed down together.
#[derive(Clone, Copy)]
pub struct WebhookActions {
    pub add: ServerAction<AddWebhook>,
    pub rotate: ServerAction<RotateWebhookSecret>,
    pub remove: ServerAction<RemoveWebhook>,
    pub replay: ServerAction<ReplayWebhook>,
}

#[component]
pub fn Webhooks(screen: WebhooksScreen, actions: WebhookActions) -> impl IntoView {
    let WebhookActions {
        add,
        rotate,
        remove,
        replay,
    } = actions;
    let refusal = Refusal::new(move || add.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let others = [
        Refusal::new(move || rotate.value().get()),
        Refusal::new(move || remove.value().get()),
        Refusal::new(move || replay.value().get()),
    ];
    let shown = move || {
        [add.value().get(), rotate.value().get()]
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .collect::<Vec<_>>()
    };
    let WebhooksScreen {
        endpoints,
        deliveries,
    } = screen;
    view! {
        <section aria-labelledby="webhooks" class="mt-12 border-t border-stone-200 pt-10">
            <h2 id="webhooks" class="font-display text-2xl text-stone-900">"Webhooks"</h2>
            <p class="mt-2 text-stone-600">
                "Lumen tells other software when something happens (a booking made, moved or cancelled, a payment, a new patient) by sending it a signed message. "
                "The README's “Webhooks” section shows receivers how to check the signature."
            </p>
            <SavedNotice say=|query| {
                if query.get("webhook_removed").is_some() {
                    Some("Endpoint removed. Nothing more is sent to it.".to_owned())
                } else {
                    query.get("webhook_replayed").map(|_| "Sending it again now.".to_owned())
                }
            }/>
            {move || shown().into_iter().enumerate().map(|(n, made)| view! {
                <div role="status" class="mt-6 rounded-2xl border border-brand-300 bg-brand-50 p-5">
                    <p class="font-semibold text-stone-900">{format!("The signing secret for {} is ready. Copy it now: it is not shown again.", made.url)}</p>
                    <label for=format!("new-webhook-secret-{n}") class="sr-only">"The new signing secret"</label>
                    <input id=format!("new-webhook-secret-{n}") readonly value=made.secret class=format!("{FIELD} font-mono text-sm") data-testid="new-webhook-secret"/>
                </div>
            }).collect_view()}
            <noscript><p class="mt-6 text-stone-700">"Adding an endpoint needs JavaScript turned on, so that its signing secret can be shown to you once."</p></noscript>
            <ActionForm action=add attr:class="mt-6 grid gap-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="url" id="webhook_url" label="Endpoint address" hint="Where the other software receives events, starting https://.".to_owned() problems>
                    <input id="webhook_url" name="form[url]" type="url" maxlength="2000" class=FIELD aria-invalid=invalid("url") aria-describedby="webhook_url-hint webhook_url-error"/>
                </Field>
                <fieldset aria-describedby="webhook_events-error">
                    <legend class=LABEL>"Send it"</legend>
                    <div class="mt-2 grid gap-2 sm:grid-cols-2">
                        {EventType::ALL.map(|event| {
                            let id = format!("webhook_{}", event.field());
                            view! {
                                <label for=id.clone() class="flex items-center gap-3 text-stone-800">
                                    <input id=id.clone() type="checkbox" name=format!("form[{}]", event.field()) class="h-5 w-5 rounded border-stone-300 text-brand-700"/>
                                    {event.label()}
                                    <code class="text-xs text-stone-500">{event.as_str()}</code>
                                </label>
                            }
                        })}
                    </div>
                    <p id="webhook_events-error" class="mt-1 text-sm text-red-700">{move || problem_for(&problems.read(), EventType::BookingCreated.field()).map(str::to_owned)}</p>
                </fieldset>
                <div>
                    <button type="submit" class=BUTTON_PRIMARY>"Add the endpoint"</button>
                </div>
            </ActionForm>
            {others.map(|refusal| view! { <p role="alert" class="mt-4 text-sm font-semibold text-red-700">{refusal.summary()}</p> })}
            {if endpoints.is_empty() {
                view! { <p class="mt-6 text-stone-600">"No endpoints yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-6 space-y-4">
                        {endpoints.into_iter().map(|endpoint| view! { <Endpoint endpoint rotate remove/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3 class="mt-10 text-lg font-semibold text-stone-900">"Delivery log"</h3>
            {if deliveries.is_empty() {
                view! { <p class="mt-2 text-stone-600">"Nothing sent yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-4 space-y-3" data-testid="webhook-log">
                        {deliveries.into_iter().map(|delivery| view! { <Delivery delivery replay/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Endpoint(
    endpoint: EndpointView,
    rotate: ServerAction<RotateWebhookSecret>,
    remove: ServerAction<RemoveWebhook>,
) -> impl IntoView {
    let (rotate_id, remove_id) = (endpoint.id.clone(), endpoint.id);
    let rotate_label = format!("New signing secret for {}", endpoint.url);
    let remove_label = format!("Remove {}", endpoint.url);
    let actions = match endpoint.removed {
        Some(when) => view! { <p class="mt-3 text-sm text-stone-500">{format!("Removed {when}")}</p> }.into_any(),
        None => view! {
            <div class="mt-3 flex flex-wrap gap-4">
                <ActionForm action=rotate>
                    <input type="hidden" name="id" value=rotate_id/>
                    <button type="submit" aria-label=rotate_label class="text-sm font-semibold text-brand-800 underline">
                        {format!("New secret (the old one signs for {OLD_SECRET_HOURS} more hours)")}
                    </button>
                </ActionForm>
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=remove_id/>
                    <button type="submit" aria-label=remove_label class="text-sm font-semibold text-red-700 underline">"Remove"</button>
                </ActionForm>
            </div>
        }
        .into_any(),
    };
    view! {
        <li class="rounded-2xl border border-stone-200 bg-white p-4">
            <p class="break-all font-mono text-sm text-stone-900">{endpoint.url}</p>
            <p class="mt-1 text-sm text-stone-700">{endpoint.events.join(", ")}</p>
            <p class="mt-1 text-sm text-stone-600">{format!("Added {}", endpoint.made)}</p>
            <p class="mt-1 text-sm text-stone-600">{format!("Signing secrets: {}", endpoint.secrets.join("; "))}</p>
            {actions}
        </li>
    }
}

#[component]
fn Delivery(delivery: DeliveryView, replay: ServerAction<ReplayWebhook>) -> impl IntoView {
    let summary = format!(
        "{} · {} · {} · {}",
        delivery.created, delivery.event, delivery.url, delivery.status
    );
    let again = delivery.replayable.then(|| {
        view! {
            <ActionForm action=replay attr:class="mt-3">
                <input type="hidden" name="id" value=delivery.id.clone()/>
                <button type="submit" aria-label=format!("Send the {} delivery of {} again", delivery.event, delivery.created) class="text-sm font-semibold text-brand-800 underline">"Send again"</button>
            </ActionForm>
        }
    });
    view! {
        <li class="rounded-xl border border-stone-200 bg-white p-3">
            <details>
                <summary class="cursor-pointer text-sm text-stone-900">{summary}</summary>
                <pre class="mt-3 overflow-x-auto rounded bg-stone-50 p-2 text-xs">{delivery.body}</pre>
                <ol class="mt-3 space-y-2 text-sm">
                    {delivery.attempts.into_iter().map(|a| view! {
                        <li>
                            <p class="text-stone-800">
                                {format!("Try {} at {}: {}", a.number, a.at, a.outcome)}
                                {a.response_status.map(|s| format!(" (HTTP {s})"))}
                            </p>
                            {a.error.map(|e| view! { <p class="text-stone-600">{e}</p> })}
                            {a.response_body.filter(|b| !b.is_empty()).map(|b| view! { <pre class="mt-1 overflow-x-auto rounded bg-stone-50 p-2 text-xs">{b}</pre> })}
                        </li>
                    }).collect_view()}
                </ol>
                {again}
            </details>
        </li>
    }
}
