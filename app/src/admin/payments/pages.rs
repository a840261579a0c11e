//! The payments screen: a GET form of filters (in the address, so a view can be shared and
//! works without JavaScript), each day's totals, and the payments themselves.

use super::api::fetch_payments;
use super::types::{DayTotal, PaymentRow, PaymentsPage};
use crate::admin::calendar::types::Choice;
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::domain::form::problem_for;
use crate::domain::payment_report::{methods, PaymentsFilter, STATUSES};
use crate::ui::components::{BUTTON_SECONDARY, FIELD, LABEL};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PaymentsScreen() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        PaymentsFilter {
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            method: q.get("method").unwrap_or_default(),
            provider: q.get("provider").unwrap_or_default(),
            treatment: q.get("treatment").unwrap_or_default(),
        }
    };
    let data = Resource::new(filter, fetch_payments);
    view! { <StaffScreen data here="/admin/payments".to_owned() view=|page| view! { <Payments page/> }/> }
}

#[component]
fn Payments(page: PaymentsPage) -> impl IntoView {
    let PaymentsPage {
        filter,
        problems,
        rows,
        more,
        days,
        total,
        providers,
        treatments,
    } = page;
    let problem = move |field: &str| problem_for(&problems, field).map(str::to_owned);
    let statuses: Vec<(String, String)> = STATUSES
        .iter()
        .map(|(code, label)| ((*code).to_owned(), (*label).to_owned()))
        .collect();
    let ways: Vec<(String, String)> = methods()
        .into_iter()
        .map(|(code, label)| (code.to_owned(), label.to_owned()))
        .collect();
    let named = |list: Vec<Choice>| -> Vec<(String, String)> {
        list.into_iter().map(|c| (c.id, c.name)).collect()
    };
    let empty = rows.is_empty();
    view! {
        <Title text="Payments — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Payments" lead="Money taken online and at the desk, what went back, and each day's totals, in the clinic's time."/>
            <form method="get" action="/admin/payments" class="mt-8 grid gap-4 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-3 lg:grid-cols-7">
                <DateField id="from" label="From" value=filter.from.clone() problem=problem("from")/>
                <DateField id="to" label="To" value=filter.to.clone() problem=problem("to")/>
                <Select id="status" label="State" value=filter.status.clone() options=statuses problem=problem("status")/>
                <Select id="method" label="How" value=filter.method.clone() options=ways problem=problem("method")/>
                <Select id="provider" label="Provider" value=filter.provider.clone() options=named(providers) problem=problem("provider")/>
                <Select id="treatment" label="Treatment" value=filter.treatment.clone() options=named(treatments) problem=problem("treatment")/>
                <div class="flex items-end">
                    <button type="submit" class=BUTTON_SECONDARY>"Show"</button>
                </div>
            </form>
            {(!days.is_empty()).then(|| view! { <DayTotals days total/> })}
            <h2 class="mt-10 font-display text-2xl text-stone-900">"Each payment"</h2>
            <Show when=move || empty>
                <p class="mt-3 text-stone-600">"No payments match."</p>
            </Show>
            {(!empty).then(|| view! { <PaymentTable rows/> })}
            {more.then(|| view! {
                <p class="mt-4 text-stone-700">"Only the latest payments are listed: choose fewer days to see the rest. The totals count them all."</p>
            })}
        </div>
    }
}

#[component]
pub(crate) fn DateField(
    id: &'static str,
    label: &'static str,
    value: String,
    problem: Option<String>,
) -> impl IntoView {
    let invalid = problem.is_some().to_string();
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <input id=id name=id type="date" value=value class=FIELD aria-invalid=invalid aria-describedby=format!("{id}-error")/>
            <p id=format!("{id}-error") class="mt-1 text-sm font-medium text-red-700">{problem}</p>
        </div>
    }
}

#[component]
fn Select(
    id: &'static str,
    label: &'static str,
    value: String,
    options: Vec<(String, String)>,
    problem: Option<String>,
) -> impl IntoView {
    let invalid = problem.is_some().to_string();
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <select id=id name=id class=FIELD aria-invalid=invalid aria-describedby=format!("{id}-error")>
                <option value="">"Any"</option>
                {options.into_iter().map(|(code, name)| {
                    let selected = code == value;
                    view! { <option value=code selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <p id=format!("{id}-error") class="mt-1 text-sm font-medium text-red-700">{problem}</p>
        </div>
    }
}

#[component]
fn DayTotals(days: Vec<DayTotal>, total: Option<DayTotal>) -> impl IntoView {
    let row = |d: DayTotal, strong: bool| {
        let class = if strong {
            "bg-stone-50 font-semibold"
        } else {
            ""
        };
        view! {
            <tr class=class data-testid="day-total">
                <th scope="row" class="px-4 py-3 text-left font-medium">{d.day}</th>
                <td class="px-4 py-3 text-right tabular-nums">{d.taken}</td>
                <td class="px-4 py-3 text-right tabular-nums">{d.refunded}</td>
                <td class="px-4 py-3 text-right tabular-nums">{d.net}</td>
            </tr>
        }
    };
    view! {
        <h2 class="mt-10 font-display text-2xl text-stone-900">"Each day"</h2>
        <div class="mt-3 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
            <table class="min-w-full divide-y divide-stone-200 text-sm">
                <thead class="bg-stone-50 text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-3 text-left font-medium">"Day"</th>
                        <th scope="col" class="px-4 py-3 text-right font-medium">"Taken"</th>
                        <th scope="col" class="px-4 py-3 text-right font-medium">"Refunded"</th>
                        <th scope="col" class="px-4 py-3 text-right font-medium">"Net"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {days.into_iter().map(|d| row(d, false)).collect_view()}
                    {total.map(|t| row(t, true))}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PaymentTable(rows: Vec<PaymentRow>) -> impl IntoView {
    view! {
        <div class="mt-3 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
            <table class="min-w-full divide-y divide-stone-200 text-sm">
                <thead class="bg-stone-50 text-left text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-3 font-medium">"When"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"Patient"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"For"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"How"</th>
                        <th scope="col" class="px-4 py-3 text-right font-medium">"Amount"</th>
                        <th scope="col" class="px-4 py-3 font-medium">"State"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {rows.into_iter().map(|r| view! {
                        <tr data-testid="payment-row">
                            <td class="whitespace-nowrap px-4 py-3 tabular-nums">
                                <a href=r.appointment_href class="font-medium text-brand-700 underline">{r.when}</a>
                            </td>
                            <td class="px-4 py-3">{r.patient}</td>
                            <td class="px-4 py-3">{r.what}<span class="block text-xs text-stone-500">{format!("{} · {}", r.treatment, r.provider)}</span></td>
                            <td class="px-4 py-3">
                                {match r.dashboard_href {
                                    Some(href) => view! { <a href=href rel="noopener noreferrer" target="_blank" class="text-brand-700 underline">{r.method}</a> }.into_any(),
                                    None => view! { <span>{r.method}</span> }.into_any(),
                                }}
                            </td>
                            <td class="px-4 py-3 text-right tabular-nums">
                                {r.amount}
                                {r.refunded.map(|x| view! { <span class="block text-xs text-stone-500">{format!("{x} refunded")}</span> })}
                            </td>
                            <td class="px-4 py-3">{r.status}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
