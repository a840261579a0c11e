//! Small shared pieces of UI.

use crate::catalog::types::TreatmentCard;
use crate::domain::duration::format_minutes;
use crate::domain::form::{problem_for, FieldProblem};
use crate::domain::password::MIN_CHARS;
use crate::error::AppError;
use leptos::prelude::*;

/// What a form shows once the server refused it: each field's problem beside the field
/// (`problems`, `invalid`) and a message at the top (`summary`).
#[derive(Clone, Copy)]
pub struct Refusal {
    error: Signal<Option<AppError>>,
    pub problems: Signal<Vec<FieldProblem>>,
}

impl Refusal {
    /// From the form action's latest result, such as `move || action.value().get()`.
    pub fn new<T: 'static>(
        latest: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    ) -> Self {
        let error = Signal::derive(move || latest().and_then(Result::err));
        let problems = Signal::derive(move || {
            error
                .get()
                .map(|e| e.field_problems().to_vec())
                .unwrap_or_default()
        });
        Refusal { error, problems }
    }

    pub fn summary(self) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        move || self.error.get().map(|e| e.to_string())
    }

    /// The `aria-invalid` value for `field`.
    pub fn invalid(
        self,
        field: &'static str,
    ) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || {
            problem_for(&self.problems.read(), field)
                .is_some()
                .to_string()
        }
    }
}

/// A text input or select; `aria-invalid` (set from the field's problem) turns it red.
pub const FIELD: &str = "mt-1 block w-full rounded-xl border border-stone-300 bg-white px-4 py-3 text-base text-stone-900 shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-200 aria-[invalid=true]:border-red-600";
pub const LABEL: &str = "text-sm font-medium text-stone-800";

/// One labelled form field with an optional hint and its problem, if any, beneath it. The
/// input inside should have the id `id` (by default the field's `name`) and point
/// `aria-describedby` at `{id}-hint` and `{id}-error`. Two forms on one page that share
/// a field name give each its own `id`.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] hint: Option<String>,
    problems: Signal<Vec<FieldProblem>>,
    children: Children,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let problem = move || problem_for(&problems.read(), name).map(str::to_owned);
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            {hint.map(|hint| view! { <p id=format!("{id}-hint") class="text-sm text-stone-500">{hint}</p> })}
            {children()}
            <p id=format!("{id}-error") class="mt-1 text-sm font-medium text-red-700">{problem}</p>
        </div>
    }
}

/// One labelled checkbox; `name` is the form's name for it, `id` the element's.
#[component]
pub fn Checkbox(
    id: &'static str,
    #[prop(into)] name: String,
    label: &'static str,
    checked: bool,
) -> impl IntoView {
    view! {
        <label for=id class="flex items-center gap-3 text-stone-800">
            <input id=id type="checkbox" name=name checked=checked class="h-5 w-5 rounded border-stone-300 text-brand-700"/>
            {label}
        </label>
    }
}

/// The line that confirms what just happened (saved, sent, signed out), in the words `say`
/// gives for the address's query (`?saved=…`), when there is one. It follows the address
/// rather than reading it once: with JavaScript the save's redirect can land after the
/// screen has already re-rendered with its reloaded data.
#[component]
pub fn SavedNotice(
    say: impl Fn(&leptos_router::params::ParamsMap) -> Option<String> + Send + Sync + 'static,
) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query.with(&say).map(|notice| {
            view! {
                <p role="status" class="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3 text-emerald-900">
                    {notice}
                </p>
            }
        })
    }
}

pub const BUTTON_PRIMARY: &str = "inline-flex items-center justify-center rounded-full bg-brand-700 px-6 py-3 text-base font-semibold text-white shadow-sm transition hover:bg-brand-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700";
/// For a dark background such as the booking band.
pub const BUTTON_ON_DARK: &str = "inline-flex items-center justify-center rounded-full bg-white px-6 py-3 text-base font-semibold text-brand-800 shadow-sm transition hover:bg-brand-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white";
pub const BUTTON_SECONDARY: &str = "inline-flex items-center justify-center rounded-full border border-brand-700 px-6 py-3 text-base font-semibold text-brand-800 transition hover:bg-brand-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700";

/// What the page shows while its data is on the way (only seen after client navigation:
/// server-rendered pages arrive complete).
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="mx-auto max-w-6xl px-4 py-16" role="status" aria-live="polite">
            <div class="h-8 w-1/2 animate-pulse rounded bg-stone-200"></div>
            <div class="mt-6 h-4 w-3/4 animate-pulse rounded bg-stone-200"></div>
            <div class="mt-3 h-4 w-2/3 animate-pulse rounded bg-stone-200"></div>
            <span class="sr-only">"Loading…"</span>
        </div>
    }
}

/// The field for choosing a new password, with the rules as its hint. `field` is the
/// server function's field name (as problems name it); `input_name` is the form's.
#[component]
pub fn NewPasswordField(
    field: &'static str,
    #[prop(optional)] input_name: Option<&'static str>,
    label: &'static str,
    refusal: Refusal,
) -> impl IntoView {
    view! {
        <Field
            name=field
            label
            hint=format!("At least {MIN_CHARS} characters. A few unrelated words make a strong password you can remember.")
            problems=refusal.problems
        >
            <input
                id=field
                name=input_name.unwrap_or(field)
                type="password"
                autocomplete="new-password"
                required
                class=FIELD
                aria-invalid=refusal.invalid(field)
                aria-describedby=format!("{field}-hint {field}-error")
            />
        </Field>
    }
}

#[component]
pub fn SectionHeading(
    title: &'static str,
    #[prop(optional)] intro: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="max-w-2xl">
            <h2 class="font-display text-3xl text-stone-900 sm:text-4xl">{title}</h2>
            {intro.map(|intro| view! { <p class="mt-3 text-lg text-stone-600">{intro}</p> })}
        </div>
    }
}

#[component]
pub fn TreatmentTile(treatment: TreatmentCard) -> impl IntoView {
    let href = format!("/treatments/{}", treatment.slug);
    let price = if treatment.price.is_zero() {
        "Free".to_owned()
    } else {
        treatment.price.to_string()
    };
    view! {
        <a
            href=href
            class="group flex h-full flex-col rounded-2xl border border-stone-200 bg-white p-6 shadow-sm transition hover:border-brand-300 hover:shadow-md focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-700"
        >
            <p class="text-xs font-semibold uppercase tracking-wider text-brand-600">{treatment.category}</p>
            <h3 class="mt-2 font-display text-xl text-stone-900 group-hover:text-brand-800">{treatment.name}</h3>
            <p class="mt-2 flex-1 text-sm leading-relaxed text-stone-600">{treatment.summary}</p>
            <p class="mt-4 flex items-center justify-between text-sm">
                <span class="text-stone-500">{format_minutes(treatment.duration_minutes)}</span>
                <span class="font-semibold text-stone-900">{price}</span>
            </p>
        </a>
    }
}
