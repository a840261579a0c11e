//! The reports screen: a GET form of days (in the address, so a report can be shared and
//! works without JavaScript), a table per provider, treatment and location with its CSV,
//! and the week's busy hours as a grid whose numbers are in its cells.

use super::api::fetch_report;
use super::types::{Demand, ReportPage, Table};
use crate::admin::frame::{ScreenHeading, StaffScreen};
use crate::admin::payments::pages::DateField;
use crate::domain::days::DaysFilter;
use crate::domain::form::problem_for;
use crate::domain::hours::WEEK_DAYS;
use crate::domain::money::{format_amount, Currency};
use crate::domain::reports::{hours_and_minutes, Figures, Week};
use crate::ui::components::BUTTON_SECONDARY;
use crate::ui::live::changes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsScreen() -> impl IntoView {
    let query = use_query_map();
    let changes = changes(&["appointment"]);
    let data = Resource::new(
        move || {
            let q = query.read();
            let filter = DaysFilter {
                from: q.get("from").unwrap_or_default(),
                to: q.get("to").unwrap_or_default(),
            };
            (filter, q.get("demand").unwrap_or_default(), changes.get())
        },
        |(filter, demand, _)| fetch_report(filter, demand),
    );
    view! { <StaffScreen data here="/admin/reports".to_owned() view=|page| view! { <Report page/> }/> }
}

#[component]
fn Report(page: ReportPage) -> impl IntoView {
    let ReportPage {
        filter,
        problems,
        tables,
        weeks,
        peaks,
        currency,
        demand,
    } = page;
    let problem = |field: &str| problem_for(&problems, field).map(str::to_owned);
    let query = format!("from={}&to={}", filter.from, filter.to);
    let currency = Currency::parse(&currency).ok();
    let demand_for = demand.treatment.clone();
    view! {
        <Title text="Reports — Staff area"/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <ScreenHeading title="Reports" lead="Appointments patients booked that start in these days, in the clinic's time: what each provider, treatment and location did, and when the clinic is busiest."/>
            <form method="get" action="/admin/reports" class="mt-8 grid gap-4 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-3">
                <DateField id="from" label="From" value=filter.from.clone() problem=problem("from")/>
                <DateField id="to" label="To" value=filter.to.clone() problem=problem("to")/>
                <input type="hidden" name="demand" value=demand_for/>
                <div class="flex items-end">
                    <button type="submit" class=BUTTON_SECONDARY>"Show"</button>
                </div>
            </form>
            {(!weeks.is_empty()).then(|| view! { <Weeks weeks query=query.clone()/> })}
            {tables.into_iter().map(|table| view! { <FiguresTable table query=query.clone() currency/> }).collect_view()}
            {(!peaks.is_empty()).then(|| view! { <PeakTimes peaks query=query.clone()/> })}
            <DemandAhead demand filter=filter.clone()/>
        </div>
    }
}

#[component]
fn FiguresTable(table: Table, query: String, currency: Option<Currency>) -> impl IntoView {
    let Table { by, rows } = table;
    let money = currency.filter(|_| rows.iter().any(|row| row.money.is_some()));
    let time = rows.iter().any(|row| row.time.is_some());
    let heading = format!("report-{}", by.code());
    let empty = rows.is_empty();
    view! {
        <section aria-labelledby=heading.clone() class="mt-10">
            <TableHeading file=by.code() title=by.title() query=query.clone()/>
            {if empty {
                view! { <p class="mt-3 text-stone-600">"No appointments in these days."</p> }.into_any()
            } else {
                view! {
                    // Drawn on the server: no charting code comes to the browser.
                    <img
                        src=format!("/admin/reports/{}.svg?{query}", by.code())
                        alt=format!("Bar chart of bookings {}; the numbers are in the table below.", by.title().to_lowercase())
                        class="mt-3 h-auto max-w-full"
                    />
                    <div class="mt-3 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                        <table class="min-w-full text-sm">
                            <thead class="bg-stone-50 text-left text-stone-700">
                                <tr>
                                    <th scope="col" class="px-3 py-2">"Name"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"Booked"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"Attended"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"Cancelled"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"Late cancellations"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"No-shows"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"No-show rate"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"New patients"</th>
                                    <th scope="col" class="px-3 py-2 text-right">"Returning"</th>
                                    {time.then(|| view! {
                                        <th scope="col" class="px-3 py-2 text-right">"Booked hours"</th>
                                        <th scope="col" class="px-3 py-2 text-right">"Working hours"</th>
                                        <th scope="col" class="px-3 py-2 text-right">"Utilisation"</th>
                                    })}
                                    {money.map(|c| view! {
                                        <th scope="col" class="px-3 py-2 text-right">{format!("Deposits ({})", c.code())}</th>
                                        <th scope="col" class="px-3 py-2 text-right">{format!("At the desk ({})", c.code())}</th>
                                        <th scope="col" class="px-3 py-2 text-right">{format!("Fees ({})", c.code())}</th>
                                        <th scope="col" class="px-3 py-2 text-right">{format!("Refunded ({})", c.code())}</th>
                                        <th scope="col" class="px-3 py-2 text-right">{format!("Net ({})", c.code())}</th>
                                    })}
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-100">
                                {rows.into_iter().map(|row: Figures| {
                                    let rate = row.no_show_percent().map(|p| format!("{p}%")).unwrap_or_else(|| "–".to_owned());
                                    let worked = row.time.unwrap_or_default();
                                    let utilisation = worked.percent().map(|p| format!("{p}%")).unwrap_or_else(|| "–".to_owned());
                                    view! {
                                        <tr>
                                            <th scope="row" class="px-3 py-2 text-left font-medium">{row.name.clone()}</th>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.booked}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.attended}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.cancelled}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.late_cancelled}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.no_shows}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{rate}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.new_patients}</td>
                                            <td class="px-3 py-2 text-right tabular-nums">{row.returning}</td>
                                            {time.then(|| view! {
                                                <td class="px-3 py-2 text-right tabular-nums">{hours_and_minutes(worked.booked_minutes)}</td>
                                                <td class="px-3 py-2 text-right tabular-nums">{hours_and_minutes(worked.working_minutes)}</td>
                                                <td class="px-3 py-2 text-right tabular-nums">{utilisation}</td>
                                            })}
                                            {money.map(|currency| {
                                                let m = row.money.unwrap_or_default();
                                                [m.deposits_minor, m.at_desk_minor, m.fees_minor, m.refunded_minor, m.net_minor()]
                                                    .map(|minor| view! { <td class="px-3 py-2 text-right tabular-nums">{format_amount(minor, currency)}</td> })
                                                    .collect_view()
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// A table's heading (`report-{file}`, which its section is labelled by) and the link to
/// download it as CSV.
#[component]
fn TableHeading(file: &'static str, title: &'static str, query: String) -> impl IntoView {
    view! {
        <div class="flex flex-wrap items-baseline justify-between gap-3">
            <h2 id=format!("report-{file}") class="font-display text-2xl text-stone-900">{title}</h2>
            <a href=format!("/admin/reports/{file}.csv?{query}") rel="external" download="" class="text-sm font-semibold text-brand-800 underline">
                {format!("Download {} (CSV)", title.to_lowercase())}
            </a>
        </div>
    }
}

/// The range week by week: a line chart drawn on the server, the numbers in a table
/// beside it, and the same as CSV.
#[component]
fn Weeks(weeks: Vec<Week>, query: String) -> impl IntoView {
    view! {
        <section aria-labelledby="report-weeks" class="mt-10">
            <TableHeading file="weeks" title="Week by week" query=query.clone()/>
            <img
                src=format!("/admin/reports/weeks.svg?{query}")
                alt="Line chart of appointments booked and attended each week; the numbers are in the table beside it."
                class="mt-3 h-auto max-w-full"
            />
            <div class="mt-3 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                <table class="min-w-full text-sm">
                    <thead class="bg-stone-50 text-left text-stone-700">
                        <tr>
                            <th scope="col" class="px-3 py-2">"Week starting"</th>
                            <th scope="col" class="px-3 py-2 text-right">"Booked"</th>
                            <th scope="col" class="px-3 py-2 text-right">"Attended"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-stone-100">
                        {weeks.into_iter().map(|week| view! {
                            <tr>
                                <th scope="row" class="px-3 py-2 text-left font-medium">{week.starts.format("%-d %B %Y").to_string()}</th>
                                <td class="px-3 py-2 text-right tabular-nums">{week.booked}</td>
                                <td class="px-3 py-2 text-right tabular-nums">{week.attended}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Tenths of a visit as people read them: `2.5`.
fn visits(tenths: i64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Next week's likely demand beside the room the working hours give, the hours worth
/// acting on first, and how the forecast did on weeks it did not see.
#[component]
fn DemandAhead(demand: Demand, filter: DaysFilter) -> impl IntoView {
    let Demand {
        treatment,
        treatments,
        week,
        forecast_tenths,
        capacity_tenths,
        suggestions,
        history_weeks,
        score,
    } = demand;
    let hours: Vec<usize> = (0..24)
        .filter(|hour| {
            forecast_tenths
                .iter()
                .chain(capacity_tenths.iter())
                .any(|day| day.get(*hour).is_some_and(|n| *n > 0))
        })
        .collect();
    let method = format!(
        "The forecast is each hour's mean over the last eight weeks, times the trend of the last four weeks against the four before (halved, as busy months rarely double), read from {history_weeks} weeks of bookings, cancelled ones too."
    );
    let scored = score.map(|(weeks, error, naive)| {
        format!(
            "On the last {weeks} weeks, forecast from the weeks before each, it was off by {} visits per hour on average; \"the same hour last week\" was off by {}.",
            visits(error / 10),
            visits(naive / 10)
        )
    });
    view! {
        <section aria-labelledby="report-demand" class="mt-10">
            <h2 id="report-demand" class="font-display text-2xl text-stone-900">{format!("Demand in the week of {week}")}</h2>
            <form method="get" action="/admin/reports" class="mt-3 flex flex-wrap items-end gap-3">
                <input type="hidden" name="from" value=filter.from/>
                <input type="hidden" name="to" value=filter.to/>
                <label for="demand" class="text-sm font-medium text-stone-800">"Treatment"</label>
                <select id="demand" name="demand" class="rounded-xl border border-stone-300 bg-white px-3 py-2">
                    <option value="" selected=treatment.is_empty()>"All treatments"</option>
                    {treatments.into_iter().map(|(slug, name)| {
                        let selected = slug == treatment;
                        view! { <option value=slug selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class=BUTTON_SECONDARY>"Show"</button>
            </form>
            <p class="mt-3 text-sm text-stone-600">{method}" "{scored}</p>
            {if suggestions.is_empty() {
                view! { <p class="mt-3 text-stone-700">"No hour stands out: the working hours fit the likely demand."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-3 space-y-1">
                        {suggestions.into_iter().map(|(text, short)| view! {
                            <li class=if short { "text-red-800" } else { "text-stone-800" }>{text}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!hours.is_empty()).then(|| view! {
                <div class="mt-3 overflow-x-auto">
                    <table class="text-xs" aria-label="Likely visits and room for them, by weekday and hour">
                        <caption class="mb-1 text-left text-sm text-stone-600">"Each cell: visits likely asked for / visits the working hours hold."</caption>
                        <thead>
                            <tr>
                                <td></td>
                                {hours.iter().map(|hour| view! { <th scope="col" class="px-1 py-1 font-medium text-stone-600">{format!("{hour:02}:00")}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {WEEK_DAYS.iter().enumerate().map(|(day, (_, weekday))| view! {
                                <tr>
                                    <th scope="row" class="pr-2 text-left font-medium text-stone-700">{*weekday}</th>
                                    {hours.iter().map(|hour| {
                                        let asked = forecast_tenths.get(day).and_then(|d| d.get(*hour)).copied().unwrap_or(0);
                                        let room = capacity_tenths.get(day).and_then(|d| d.get(*hour)).copied().unwrap_or(0);
                                        let shade = if asked >= room + 10 { "bg-red-100 text-red-900" } else { "bg-white text-stone-800" };
                                        view! { <td class=format!("h-8 whitespace-nowrap border border-stone-100 px-1 text-center tabular-nums {shade}")>{format!("{} / {}", visits(asked), visits(room))}</td> }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

/// The week's hours as a grid: each cell says how many visits started in it, and is
/// shaded by how many that is beside the busiest hour.
#[component]
fn PeakTimes(peaks: Vec<Vec<i64>>, query: String) -> impl IntoView {
    let busiest = peaks.iter().flatten().copied().max().unwrap_or(0).max(1);
    // Only the hours anything happens in, so the grid fits a screen.
    let hours: Vec<usize> = (0..24)
        .filter(|hour| {
            peaks
                .iter()
                .any(|day| day.get(*hour).is_some_and(|n| *n > 0))
        })
        .collect();
    let shade = move |count: i64| match count * 4 / busiest {
        _ if count == 0 => "bg-white text-stone-400",
        0 => "bg-brand-50 text-stone-900",
        1 => "bg-brand-100 text-stone-900",
        2 => "bg-brand-300 text-stone-900",
        _ => "bg-brand-700 text-white",
    };
    view! {
        <section aria-labelledby="report-peaks" class="mt-10">
            <TableHeading file="peaks" title="Busy hours" query=query.clone()/>
            <p class="mt-1 text-sm text-stone-600">"Visits starting in each hour, in each location's own time. Darker is busier."</p>
            {if hours.is_empty() {
                view! { <p class="mt-3 text-stone-600">"No visits in these days."</p> }.into_any()
            } else {
                view! {
                    <img
                        src=format!("/admin/reports/peaks.svg?{query}")
                        alt="Heatmap of visits by weekday and hour; the numbers are in the table below."
                        class="mt-3 h-auto max-w-full"
                    />
                    <div class="mt-3 overflow-x-auto">
                        <table class="text-xs" aria-label="Visits by weekday and hour">
                            <thead>
                                <tr>
                                    <td></td>
                                    {hours.iter().map(|hour| view! { <th scope="col" class="px-1 py-1 font-medium text-stone-600">{format!("{hour:02}:00")}</th> }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {WEEK_DAYS.iter().zip(peaks.iter()).map(|((_, weekday), counts)| view! {
                                    <tr>
                                        <th scope="row" class="pr-2 text-left font-medium text-stone-700">{*weekday}</th>
                                        {hours.iter().map(|hour| {
                                            let count = counts.get(*hour).copied().unwrap_or(0);
                                            view! { <td class=format!("h-8 w-12 border border-stone-100 text-center tabular-nums {}", shade(count))>{count}</td> }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
