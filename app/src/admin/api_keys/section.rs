//! The settings screen's "API keys" section. Its actions belong to the screen, not to the
//! section: the screen loads its data again after each, and a new key's secret (the
//! action's answer) must outlive that reload to be read and copied.

use super::api::{CreateApiKey, RevokeApiKey};
use super::types::ApiKeyRow;
use crate::domain::api_keys::Scope;
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, FIELD, LABEL};
use leptos::prelude::*;

#[component]
pub fn ApiKeys(
    keys: Vec<ApiKeyRow>,
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
) -> impl IntoView {
    let refusal = Refusal::new(move || create.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let revoking = Refusal::new(move || revoke.value().get());
    let made = move || create.value().get().and_then(Result::ok);
    view! {
        <section aria-labelledby="api-keys" class="mt-12 border-t border-stone-200 pt-10">
            <h2 id="api-keys" class="font-display text-2xl text-stone-900">"API keys"</h2>
            <p class="mt-2 text-stone-600">
                "Other software (a practice system, a marketing tool) reads and books through Lumen's API with a key. "
                <a href="/api/v1/docs" class="text-brand-800 underline">"The API's reference"</a>
                " says what each key can do."
            </p>
            <SavedNotice say=|query| query.get("revoked").map(|_| "Key revoked. Requests made with it are refused from now on.".to_owned())/>
            {move || made().map(|key| view! {
                <div role="status" class="mt-6 rounded-2xl border border-brand-300 bg-brand-50 p-5">
                    <p class="font-semibold text-stone-900">{format!("The key “{}” is ready. Copy it now: it is not shown again.", key.name)}</p>
                    <label for="new-key" class="sr-only">"The new key"</label>
                    <input id="new-key" readonly value=key.secret class=format!("{FIELD} font-mono text-sm") data-testid="new-key"/>
                </div>
            })}
            // Without JavaScript the form's answer (the secret) would be lost on the way back
            // to this page, leaving a key nobody can use.
            <noscript><p class="mt-6 text-stone-700">"Making a key needs JavaScript turned on, so that its secret can be shown to you once."</p></noscript>
            <ActionForm action=create attr:class="mt-6 grid gap-5 sm:grid-cols-2" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700 sm:col-span-2">{refusal.summary()}</p>
                // Its own ids: the settings form above has a `name` field too.
                <Field name="name" id="key_name" label="Key name" hint="Who holds it, for example “Practice system”.".to_owned() problems>
                    <input id="key_name" name="form[name]" maxlength="80" class=FIELD aria-invalid=invalid("name") aria-describedby="key_name-hint key_name-error"/>
                </Field>
                <fieldset aria-describedby="key_scope-error">
                    <legend class=LABEL>"It may"</legend>
                    <div class="mt-2 space-y-2">
                        {[Scope::Read, Scope::Write].map(|scope| view! {
                            <label class="flex items-center gap-3 text-stone-800">
                                <input type="radio" name="form[scope]" value=scope.as_str() checked=scope == Scope::Read class="h-5 w-5 text-brand-700"/>
                                {match scope {
                                    Scope::Read => "Read only: treatments, times, appointments, patients",
                                    Scope::Write => "Read and write: also book, move and cancel, add patients",
                                }}
                            </label>
                        })}
                    </div>
                    <p id="key_scope-error" class="mt-1 text-sm text-red-700">{move || crate::domain::form::problem_for(&problems.read(), "scope").map(str::to_owned)}</p>
                </fieldset>
                <div class="sm:col-span-2">
                    <button type="submit" class=BUTTON_PRIMARY>"Make a key"</button>
                </div>
            </ActionForm>
            <p role="alert" class="mt-4 text-sm font-semibold text-red-700">{revoking.summary()}</p>
            {if keys.is_empty() {
                view! { <p class="mt-6 text-stone-600">"No keys yet."</p> }.into_any()
            } else {
                view! {
                    <div class="mt-6 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                        <table class="min-w-full text-sm">
                            <thead class="bg-stone-50 text-left text-stone-700">
                                <tr>
                                    <th scope="col" class="px-3 py-2">"Name"</th>
                                    <th scope="col" class="px-3 py-2">"May"</th>
                                    <th scope="col" class="px-3 py-2">"Starts"</th>
                                    <th scope="col" class="px-3 py-2">"Made"</th>
                                    <th scope="col" class="px-3 py-2">"Last used"</th>
                                    <td></td>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-100">
                                {keys.into_iter().map(|key| view! { <KeyRow key revoke/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn KeyRow(key: ApiKeyRow, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let label = format!("Revoke the key “{}”", key.name);
    let end = match key.revoked {
        Some(when) => view! { <span class="text-stone-500">{format!("Revoked {when}")}</span> }.into_any(),
        None => view! {
            <ActionForm action=revoke>
                <input type="hidden" name="id" value=key.id/>
                <button type="submit" aria-label=label class="text-sm font-semibold text-red-700 underline">"Revoke"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <tr>
            <th scope="row" class="px-3 py-2 text-left font-medium">{key.name}</th>
            <td class="px-3 py-2">{key.scope}</td>
            <td class="px-3 py-2 font-mono">{key.starts}</td>
            <td class="px-3 py-2">{key.made}</td>
            <td class="px-3 py-2">{key.last_used.unwrap_or_else(|| "Never".to_owned())}</td>
            <td class="px-3 py-2 text-right">{end}</td>
        </tr>
    }
}
