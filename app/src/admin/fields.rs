//! Form pieces the staff screens share: a list of things to tick, and the week of hours.

use crate::admin::types::Choice;
use crate::domain::form::{problem_for, FieldProblem};
use crate::domain::hours::{WeekForm, WEEK_DAYS};
use crate::ui::components::{FIELD, LABEL};
use leptos::prelude::*;

/// Seven labelled inputs named `week[monday]` … `week[sunday]`. `prefix` keeps the ids
/// apart when a page shows several weeks.
#[component]
pub fn WeekFields(
    prefix: String,
    week: WeekForm,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let hint_id = format!("{prefix}-hint");
    view! {
        <p id=hint_id.clone() class="text-sm text-stone-500">
            "24-hour times, like 09:00–13:00, 14:00–17:30. Leave a day empty when closed."
        </p>
        <div class="mt-3 grid gap-3 sm:grid-cols-2">
            {WEEK_DAYS.into_iter().zip(week.days().map(str::to_owned)).map(|((field, day), value)| {
                let id = format!("{prefix}-{field}");
                let error_id = format!("{id}-error");
                let described = format!("{hint_id} {error_id}");
                let problem = move || problem_for(&problems.read(), field).map(str::to_owned);
                view! {
                    <div>
                        <label for=id.clone() class=LABEL>{day}</label>
                        <input
                            id=id
                            name=format!("week[{field}]")
                            value=value.clone()
                            // The stored hours are written back tidied ("9-5" becomes
                            // "09:00–17:00"); the property shows them even when the
                            // browser keeps this input across a reload of the screen.
                            prop:value=value
                            class=FIELD
                            aria-invalid=move || problem().is_some().to_string()
                            aria-describedby=described
                        />
                        <p id=error_id class="mt-1 text-sm font-medium text-red-700">{problem}</p>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// A fieldset of checkboxes named `{name}[]`, one per choice, ticked when its id is in
/// `ticked`; the problem for `field` beneath.
#[component]
pub fn Checklist(
    legend: &'static str,
    field: &'static str,
    name: &'static str,
    choices: Vec<Choice>,
    ticked: Vec<String>,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    view! {
        <fieldset class="space-y-2">
            <legend class=LABEL>{legend}</legend>
            {choices.into_iter().map(|Choice { id, label }| {
                let checked = ticked.contains(&id);
                let input_id = format!("{field}-{id}");
                let label_for = input_id.clone();
                view! {
                    <label for=label_for class="flex items-center gap-3 text-stone-800">
                        <input id=input_id type="checkbox" name=format!("{name}[]") value=id checked=checked class="h-5 w-5 rounded border-stone-300 text-brand-700"/>
                        {label}
                    </label>
                }
            }).collect_view()}
            <p class="text-sm font-medium text-red-700">{move || problem_for(&problems.read(), field).map(str::to_owned)}</p>
        </fieldset>
    }
}
