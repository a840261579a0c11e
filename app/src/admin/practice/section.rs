//! The settings screen's "Practice system" section: one form holding every treatment's
//! service id, every provider's therapist id and the choice of centre, saved together.

use super::api::SavePracticeIds;
use super::types::{MappedRow, PracticeIdsScreen};
use crate::domain::form::{problem_for, FieldProblem};
use crate::domain::practice_ids::{service_field, therapist_field, ID_MAX};
use crate::ui::components::{Field, Refusal, SavedNotice, BUTTON_PRIMARY, FIELD, LABEL};
use crate::ui::saves::reload_after;
use leptos::prelude::*;

#[component]
pub fn PracticeIds(screen: PracticeIdsScreen) -> impl IntoView {
    let save = ServerAction::<SavePracticeIds>::new();
    reload_after(move || matches!(save.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || save.value().get());
    let problems = refusal.problems;
    let PracticeIdsScreen {
        centre,
        treatments,
        providers,
        locations,
    } = screen;
    let unmapped = treatments
        .iter()
        .filter(|t| !t.hidden && t.practice_id.is_empty())
        .count();
    let mapped_centre = locations
        .iter()
        .find(|l| !l.practice_id.is_empty())
        .map(|l| l.id.clone())
        .unwrap_or_default();
    view! {
        <section aria-labelledby="practice-system" class="mt-12 border-t border-stone-200 pt-10">
            <h2 id="practice-system" class="font-display text-2xl text-stone-900">"Practice system"</h2>
            <p class="mt-2 text-stone-600">
                {format!("Online bookings go into the clinic's practice system, at its centre “{centre}”. ")}
                "Type what the system calls each treatment (its service) and each provider (their therapist id), as its own screens show them. "
                "Online, patients are offered only treatments with a service, with providers who have an id, once a location is the centre."
            </p>
            {(unmapped > 0).then(|| view! {
                <p class="mt-3 font-semibold text-amber-800">
                    {format!("{unmapped} offered treatment{} no service yet.", if unmapped == 1 { " has" } else { "s have" })}
                </p>
            })}
            <SavedNotice say=|query| query.get("practice_saved").map(|_| "Saved. Bookings use these ids now.".to_owned())/>
            <ActionForm action=save attr:class="mt-6 space-y-8" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="centre" id="practice_centre" label="The location that is the centre" hint={format!("Where the system's centre “{centre}” is: its address and time zone are the ones patients see.")} problems>
                    <select id="practice_centre" name="form[centre]" class=FIELD aria-invalid=refusal.invalid("centre") aria-describedby="practice_centre-hint practice_centre-error">
                        <option value="" selected=mapped_centre.is_empty()>"None yet"</option>
                        {locations.into_iter().map(|l| {
                            let selected = l.id == mapped_centre;
                            view! { <option value=l.id selected=selected>{named(&l.name, l.hidden)}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <IdList legend="Treatments: the system's service" rows=treatments key="service" field=service_field problems/>
                <IdList legend="Providers: the system's therapist id" rows=providers key="therapist" field=therapist_field problems/>
                <button type="submit" class=BUTTON_PRIMARY disabled=move || save.pending().get()>"Save the practice system's ids"</button>
            </ActionForm>
        </section>
    }
}

/// A row's name, saying when patients no longer see it.
fn named(name: &str, hidden: bool) -> String {
    if hidden {
        format!("{name} (hidden)")
    } else {
        name.to_owned()
    }
}

/// One input per row (`form[key][n][id]`, beside its row's id), with the row's own problem
/// under it.
#[component]
fn IdList(
    legend: &'static str,
    rows: Vec<MappedRow>,
    key: &'static str,
    field: fn(&str) -> String,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    view! {
        <fieldset class="rounded-2xl border border-stone-200 bg-white p-5">
            <legend class="px-1 font-semibold text-stone-900">{legend}</legend>
            {if rows.is_empty() {
                view! { <p class="text-stone-600">"None yet."</p> }.into_any()
            } else {
                view! {
                    <div class="grid gap-4 sm:grid-cols-2">
                        {rows.into_iter().enumerate().map(|(n, row)| {
                            let id = field(&row.id);
                            let error = format!("{id}-error");
                            let problem = Signal::derive({
                                let id = id.clone();
                                move || problem_for(&problems.read(), &id).map(str::to_owned)
                            });
                            let invalid = move || problem.read().is_some().to_string();
                            view! {
                                <div>
                                    <label for=id.clone() class=LABEL>{named(&row.name, row.hidden)}</label>
                                    <input type="hidden" name=format!("form[{key}][{n}][row]") value=row.id/>
                                    <input id=id.clone() name=format!("form[{key}][{n}][id]") value=row.practice_id maxlength=ID_MAX.to_string() class=format!("{FIELD} font-mono") aria-invalid=invalid aria-describedby=error.clone()/>
                                    <p id=error class="mt-1 text-sm font-medium text-red-700">{problem}</p>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            }}
        </fieldset>
    }
}
