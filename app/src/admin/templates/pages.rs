//! The wording screens: every message that may be reworded, and its editor.

use super::api::{fetch_template, fetch_templates, preview_template, ResetTemplate, SaveTemplate};
use super::types::{TemplateEditor, TemplatePreview, TemplateRow};
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::domain::templates::sms_segments;
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::saves::{reload_after, Saves};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TemplateListPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_templates());
    view! { <StaffScreen data here="/admin/templates".to_owned() view=|rows| view! { <TemplateList rows/> }/> }
}

#[component]
fn TemplateList(rows: Vec<TemplateRow>) -> impl IntoView {
    view! {
        <Title text="Message wording — Staff area"/>
        <div class="mx-auto max-w-4xl px-4 py-10">
            <ScreenHeading title="Message wording" lead="What patients read in the messages the clinic sends. Each starts with Lumen's wording; yours replaces it from the next message on.">
                <a href="/admin/mailbox" class=BUTTON_SECONDARY>"Messages sent"</a>
            </ScreenHeading>
            {groups(rows).into_iter().enumerate().map(|(i, (group, rows))| view! {
                <section class="mt-8" aria-labelledby=format!("group-{i}")>
                    <h2 id=format!("group-{i}") class="text-lg font-semibold text-stone-900">{group}</h2>
                    <ul class="mt-3 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
                        {rows.into_iter().map(|row| {
                            let href = format!("/admin/templates/{}/{}", row.kind, row.channel);
                            let state = match row.edited {
                                Some(at) => format!("Your wording, changed {at}"),
                                None => "Lumen's wording".to_owned(),
                            };
                            view! {
                                <li class="flex flex-wrap items-baseline justify-between gap-2 px-5 py-4">
                                    <a href=href class="font-medium text-brand-700 underline">{format!("{} ({})", row.title, row.channel_label)}</a>
                                    <span class="text-sm text-stone-600">{state}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
        </div>
    }
}

/// The rows under their group's heading, groups in the order they first appear.
fn groups(rows: Vec<TemplateRow>) -> Vec<(String, Vec<TemplateRow>)> {
    let mut groups: Vec<(String, Vec<TemplateRow>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(name, _)| *name == row.group) {
            Some((_, members)) => members.push(row),
            None => groups.push((row.group.clone(), vec![row])),
        }
    }
    groups
}

#[component]
pub fn TemplateEditPage() -> impl IntoView {
    let params = use_params_map();
    let saves = Saves::count();
    let param = move |name: &str| params.read().get(name).unwrap_or_default();
    let data = Resource::new(
        move || (param("kind"), param("channel"), saves.get()),
        |(kind, channel, _)| fetch_template(kind, channel),
    );
    let here = format!(
        "/admin/templates/{}/{}",
        params.read_untracked().get("kind").unwrap_or_default(),
        params.read_untracked().get("channel").unwrap_or_default()
    );
    view! { <StaffScreen data here view=|editor| view! { <Editor editor/> }/> }
}

#[component]
fn Editor(editor: TemplateEditor) -> impl IntoView {
    let TemplateEditor {
        kind,
        channel,
        title,
        channel_label,
        variables,
        subject,
        body,
        edited,
    } = editor;
    let save = ServerAction::<SaveTemplate>::new();
    let reset = ServerAction::<ResetTemplate>::new();
    reload_after(move || {
        matches!(save.value().get(), Some(Ok(_))) || matches!(reset.value().get(), Some(Ok(_)))
    });
    let refusal = Refusal::new(move || save.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
    let is_email = channel == "email";
    let (reset_kind, reset_channel) = (kind.clone(), channel.clone());
    let (typed_subject, set_subject) = signal(subject.clone());
    let (typed_body, set_body) = signal(body.clone());
    let preview = {
        let (kind, channel) = (kind.clone(), channel.clone());
        Resource::new(
            move || (typed_subject.get(), typed_body.get()),
            move |(subject, body)| preview_template(kind.clone(), channel.clone(), subject, body),
        )
    };
    let saved = |query: &leptos_router::params::ParamsMap| {
        let words = match query.get("saved")?.as_str() {
            "reset" => "Back to Lumen's wording.",
            _ => "Saved. The next message uses it.",
        };
        Some(words.to_owned())
    };
    view! {
        <Title text=format!("{title} ({channel_label}) — Message wording")/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <a href="/admin/templates" class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← Message wording"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{format!("{title} ({channel_label})")}</h1>
            <p class="mt-2 text-stone-600">{if edited { "The clinic's own wording." } else { "Lumen's wording: change it and save to use yours." }}</p>
            <SavedNotice say=saved/>
            <div class="mt-8 grid gap-8 lg:grid-cols-[1fr_18rem]">
                <div class="space-y-8">
                    <ActionForm action=save attr:class="space-y-6" attr:novalidate="">
                        <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                        <input type="hidden" name="kind" value=kind.clone()/>
                        <input type="hidden" name="channel" value=channel.clone()/>
                        {is_email.then(|| view! {
                            <Field name="subject" label="Subject" problems>
                                <input id="subject" name="subject" value=subject.clone() class=FIELD
                                    on:input=move |ev| set_subject.set(event_target_value(&ev))
                                    aria-invalid=invalid("subject") aria-describedby="subject-error"/>
                            </Field>
                        })}
                        <Field name="body" label="Message" problems>
                            <textarea id="body" name="body" rows="12" class=format!("{FIELD} font-mono text-sm")
                                on:input=move |ev| set_body.set(event_target_value(&ev))
                                aria-invalid=invalid("body") aria-describedby="body-error">{textarea_text(body.clone())}</textarea>
                        </Field>
                        <button type="submit" class=BUTTON_PRIMARY disabled=move || save.pending().get()>"Save wording"</button>
                    </ActionForm>
                    <section aria-labelledby="preview-heading" class="rounded-2xl border border-stone-200 bg-stone-50 p-5">
                        <h2 id="preview-heading" class="font-display text-2xl text-stone-900">"Preview"</h2>
                        <p class="mt-1 text-sm text-stone-600">"With sample values, as you type."</p>
                        <Transition fallback=|| view! { <p class="mt-4 text-sm text-stone-500">"Rendering…"</p> }>
                            {move || Suspend::new(async move {
                                match preview.await {
                                    Ok(preview) => view! { <Preview preview is_email/> }.into_any(),
                                    Err(error) => view! { <p class="mt-4 text-sm text-red-700">{error.to_string()}</p> }.into_any(),
                                }
                            })}
                        </Transition>
                    </section>
                    {edited.then(move || view! {
                        <ActionForm action=reset>
                            <input type="hidden" name="kind" value=reset_kind/>
                            <input type="hidden" name="channel" value=reset_channel/>
                            <button type="submit" class=BUTTON_SECONDARY>"Reset to Lumen's wording"</button>
                        </ActionForm>
                    })}
                </div>
                <aside aria-labelledby="variables-heading" class="rounded-2xl border border-stone-200 bg-white p-5">
                    <h2 id="variables-heading" class="font-semibold text-stone-900">"Variables"</h2>
                    <p class="mt-1 text-sm text-stone-600">"Write one as "<code>"{{ name }}"</code>"; no others can be used."</p>
                    <dl class="mt-4 space-y-3 text-sm">
                        {variables.into_iter().map(|v| view! {
                            <div>
                                <dt>
                                    <code class="font-semibold text-stone-900">{format!("{{{{ {} }}}}", v.name)}</code>
                                    {v.required.then(|| view! { <span class="ml-2 text-xs font-medium text-stone-700">"(must stay)"</span> })}
                                </dt>
                                <dd class="text-stone-600">{v.meaning}</dd>
                            </div>
                        }).collect_view()}
                    </dl>
                </aside>
            </div>
        </div>
    }
}

#[component]
fn Preview(preview: TemplatePreview, is_email: bool) -> impl IntoView {
    if !preview.problems.is_empty() {
        return view! {
            <ul class="mt-4 space-y-1 text-sm font-medium text-red-700" aria-label="Problems">
                {preview.problems.into_iter().map(|p| view! { <li>{p.message}</li> }).collect_view()}
            </ul>
        }
        .into_any();
    }
    let counter = (!is_email).then(|| sms_segments(&preview.body).words());
    view! {
        {is_email.then(|| view! { <p class="mt-4 font-semibold text-stone-900" data-testid="preview-subject">{preview.subject.clone()}</p> })}
        <pre class="mt-3 whitespace-pre-wrap break-words font-sans text-sm text-stone-800" data-testid="preview-body">{preview.body}</pre>
        {counter.map(|words| view! { <p class="mt-3 text-sm text-stone-600" data-testid="segments">{words}</p> })}
    }
    .into_any()
}
