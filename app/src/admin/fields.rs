//! Form pieces the staff screens share: a list of things to tick, the week of hours, and a
//! payment rule.

use crate::admin::types::Choice;
use crate::domain::form::{problem_for, FieldProblem};
use crate::domain::hours::{WeekForm, WEEK_DAYS};
use crate::domain::payment_policy::ChargeNames;
use crate::ui::components::{Field, FIELD, LABEL};
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

/// A payment rule as the clinic's settings and a treatment choose it. `unset` names what
/// choosing no rule means ("The clinic's rule"); without it a rule must be chosen.
#[component]
pub fn ChargeFields(
    names: ChargeNames,
    label: &'static str,
    /// The saved `(rule, deposit, percent)`, as `payment_policy::charge_fields` gives them.
    values: (String, String, String),
    #[prop(optional)] unset: Option<&'static str>,
    currency: String,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let (rule, deposit, percent) = values;
    let invalid = move |field: &'static str| {
        move || problem_for(&problems.read(), field).is_some().to_string()
    };
    let choices = unset.map(|label| ("", label)).into_iter().chain([
        ("at_clinic", "Nothing online: pay at the clinic"),
        ("deposit", "A deposit (a fixed amount)"),
        ("percent", "A deposit (a share of the price)"),
        ("full", "The full price"),
    ]);
    let described = |name: &str| format!("{name}-error");
    view! {
        <div class="grid gap-6 sm:grid-cols-3">
            <Field name=names.rule label problems>
                <select id=names.rule name=format!("form[{}]", names.rule) class=FIELD aria-invalid=invalid(names.rule) aria-describedby=described(names.rule)>
                    {choices.map(|(value, text)| view! { <option value=value selected=value == rule>{text}</option> }).collect_view()}
                </select>
            </Field>
            <Field name=names.deposit label="Deposit" hint=format!("For a fixed deposit, in {currency}.") problems>
                <input id=names.deposit name=format!("form[{}]", names.deposit) value=deposit inputmode="decimal" class=FIELD aria-invalid=invalid(names.deposit) aria-describedby=format!("{0}-hint {0}-error", names.deposit)/>
            </Field>
            <Field name=names.percent label="Share of the price (%)" hint={"For a deposit that is a share, 1 to 100.".to_owned()} problems>
                <input id=names.percent name=format!("form[{}]", names.percent) value=percent inputmode="numeric" class=FIELD aria-invalid=invalid(names.percent) aria-describedby=format!("{0}-hint {0}-error", names.percent)/>
            </Field>
        </div>
    }
}
