//! The public gallery: every case, a gallery's, or an album's, with filters and pages that
//! work as plain links and forms; and each case's own page.

use super::api::{fetch_case, fetch_gallery, GalleryView};
use super::components::CaseGrid;
use super::slider::BeforeAfter;
use super::types::{CaseDetail, GalleryNav};
use crate::catalog::types::ClinicInfo;
use crate::domain::gallery::{age_range_label, sessions_label, CaseFilter, TimeSince};
use crate::error::AppError;
use crate::ui::components::{Loading, BUTTON_PRIMARY, LABEL};
use crate::ui::layout::use_clinic;
use crate::ui::seo::{absolute, JsonLd, PageMeta};
use crate::ui::status::{ErrorPage, NotFound};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::json;

/// `/gallery`, `/gallery/:gallery` and `/gallery/:gallery/:album`: one page, narrowed by
/// its address.
#[component]
pub fn GalleryPage() -> impl IntoView {
    let clinic = use_clinic();
    let params = use_params_map();
    let query = use_query_map();
    let scope = move || {
        let params = params.read();
        let query = query.read();
        let mut filter = CaseFilter::from_query(|name| query.get(name));
        if let Some(album) = params.get("album") {
            filter.album = Some(album);
        }
        (params.get("gallery"), filter)
    };
    let data = Resource::new(scope, |(gallery, filter)| fetch_gallery(gallery, filter));
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let clinic = clinic.await?;
                    let (gallery, filter) = scope();
                    let album_page = params.read().get("album").is_some();
                    Ok::<_, AppError>(match data.await {
                        Err(AppError::NotFound) => Either::Left(view! { <NotFound/> }),
                        found => Either::Right(view! { <Gallery clinic view=found? gallery filter album_page/> }),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Gallery(
    clinic: ClinicInfo,
    view: GalleryView,
    gallery: Option<String>,
    filter: CaseFilter,
    album_page: bool,
) -> impl IntoView {
    let current: Option<GalleryNav> = gallery
        .as_ref()
        .and_then(|slug| view.galleries.iter().find(|g| &g.slug == slug).cloned());
    let album = current
        .as_ref()
        .zip(filter.album.as_ref())
        .and_then(|(g, a)| g.albums.iter().find(|x| &x.slug == a).cloned());
    let path = match (&current, &album, album_page) {
        (Some(g), Some(a), true) => format!("/gallery/{}/{}", g.slug, a.slug),
        (Some(g), _, _) => format!("/gallery/{}", g.slug),
        _ => "/gallery".to_owned(),
    };
    let heading = match (&current, &album, album_page) {
        (Some(g), Some(a), true) => format!("{}: {}", g.title, a.title),
        (Some(g), _, _) => g.title.clone(),
        _ => "Before and after gallery".to_owned(),
    };
    let intro = match (&current, &album, album_page) {
        (_, Some(a), true) if !a.description.is_empty() => a.description.clone(),
        (Some(g), _, _) if !g.description.is_empty() => g.description.clone(),
        _ => format!(
            "Real results from {}'s patients, shown with their written consent.",
            clinic.name
        ),
    };
    let page = view.cases.page;
    let title = if page > 1 {
        format!("{heading} (page {page}) — {}", clinic.name)
    } else {
        format!("{heading} — {}", clinic.name)
    };
    // Filtered views are the same page's content narrowed: their canonical address is the
    // unfiltered one, so search engines index each page once.
    let canonical = if filter.is_filtered() || page > 1 {
        format!(
            "{path}{}",
            CaseFilter {
                page,
                ..CaseFilter::default()
            }
            .query_for_page(page)
        )
    } else {
        path.clone()
    };
    let cover = view.cases.cases.first().map(|c| c.after.src.clone());
    let gallery_ld = json!({
        "@context": "https://schema.org",
        "@type": "ImageGallery",
        "name": heading,
        "description": intro,
        "url": absolute(&clinic.site_url, &path),
        "about": { "@type": "MedicalClinic", "name": clinic.name, "url": clinic.site_url },
        "hasPart": view.cases.cases.iter().map(|c| json!({
            "@type": "WebPage",
            "name": c.title,
            "url": absolute(&clinic.site_url, &format!("/cases/{}", c.slug)),
        })).collect::<Vec<_>>(),
    });
    let empty = view.cases.cases.is_empty();
    let (total, pages) = (view.cases.total, view.cases.pages);
    let previous = (page > 1).then(|| format!("{path}{}", filter.query_for_page(page - 1)));
    let next = (page < pages).then(|| format!("{path}{}", filter.query_for_page(page + 1)));
    view! {
        <PageMeta title description=intro.clone() site_url=clinic.site_url.clone() path=canonical image=cover/>
        <JsonLd data=gallery_ld/>
        <div class="mx-auto max-w-6xl px-4 py-10">
            <nav aria-label="Breadcrumb" class="text-sm text-stone-500">
                <a href="/gallery" class="hover:underline">"Gallery"</a>
                {current.clone().filter(|_| album_page).map(|g| view! { " / " <a href=format!("/gallery/{}", g.slug) class="hover:underline">{g.title}</a> })}
            </nav>
            <h1 class="mt-4 font-display text-4xl text-stone-900">{heading}</h1>
            <p class="mt-3 max-w-2xl text-lg text-stone-600">{intro}</p>
            <GalleryTabs galleries=view.galleries.clone() current=current.clone()/>
            <FilterForm path=path.clone() view=view.clone() filter=filter.clone() show_album=current.is_some() && !album_page albums=current.map(|g| g.albums).unwrap_or_default()/>
            <p class="mt-6 text-sm text-stone-600" role="status">
                {match total { 0 => "No cases match.".to_owned(), 1 => "1 case".to_owned(), n => format!("{n} cases") }}
                {(pages > 1).then(|| format!(", page {page} of {pages}"))}
            </p>
            <div class="mt-4">
                {if empty {
                    Either::Left(view! {
                        <p class="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-stone-600">
                            "No cases match these filters yet. "
                            <a href=path.clone() class="font-medium text-brand-700 underline">"Show every case"</a>
                        </p>
                    })
                } else {
                    Either::Right(view! { <CaseGrid cases=view.cases.cases/> })
                }}
            </div>
            <nav aria-label="Pages" class="mt-8 flex justify-between">
                {previous.map(|href| view! { <a href=href rel="prev" class="font-medium text-brand-700 underline">"← Previous page"</a> })}
                <span></span>
                {next.map(|href| view! { <a href=href rel="next" class="font-medium text-brand-700 underline">"Next page →"</a> })}
            </nav>
        </div>
    }
}

#[component]
fn GalleryTabs(galleries: Vec<GalleryNav>, current: Option<GalleryNav>) -> impl IntoView {
    let current_slug = current.map(|g| g.slug);
    let tab = |active: bool| {
        if active {
            "rounded-full bg-brand-700 px-4 py-2 text-sm font-semibold text-white"
        } else {
            "rounded-full border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-700 hover:border-brand-600"
        }
    };
    view! {
        <nav aria-label="Galleries" class="mt-6 flex flex-wrap gap-2">
            <a href="/gallery" class=tab(current_slug.is_none()) aria-current=current_slug.is_none().then_some("page")>"All"</a>
            {galleries.into_iter().map(|g| {
                let active = current_slug.as_deref() == Some(g.slug.as_str());
                view! { <a href=format!("/gallery/{}", g.slug) class=tab(active) aria-current=active.then_some("page")>{g.title}</a> }
            }).collect_view()}
        </nav>
    }
}

fn choices(items: Vec<(String, String)>, selected: Option<String>) -> impl IntoView {
    view! {
        <option value="">"Any"</option>
        {items.into_iter().map(|(value, label)| {
            let chosen = selected.as_deref() == Some(value.as_str());
            view! { <option value=value selected=chosen>{label}</option> }
        }).collect_view()}
    }
}

/// A plain GET form: with or without JavaScript, choosing filters loads their address.
#[component]
fn FilterForm(
    path: String,
    view: GalleryView,
    filter: CaseFilter,
    show_album: bool,
    albums: Vec<super::types::AlbumNav>,
) -> impl IntoView {
    let select = "mt-1 block w-full rounded-xl border border-stone-300 bg-white px-3 py-2 text-sm";
    let treatments = view.options.treatments.clone();
    let ages = view
        .options
        .age_ranges
        .iter()
        .map(|a| (a.clone(), age_range_label(a)))
        .collect();
    let sessions = view
        .options
        .sessions
        .iter()
        .map(|n| (n.to_string(), sessions_label(*n)))
        .collect();
    let since = TimeSince::ALL
        .iter()
        .map(|t| (t.code().to_owned(), t.label().to_owned()))
        .collect();
    let album_choices: Vec<(String, String)> =
        albums.into_iter().map(|a| (a.slug, a.title)).collect();
    let clear = path.clone();
    view! {
        <form method="get" action=path class="mt-6 grid gap-4 rounded-2xl border border-stone-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter cases">
            <label class=LABEL>"Treatment"
                <select name="treatment" class=select>{choices(treatments, filter.treatment.clone())}</select>
            </label>
            {show_album.then(|| view! {
                <label class=LABEL>"Area"
                    <select name="album" class=select>{choices(album_choices, filter.album.clone())}</select>
                </label>
            })}
            <label class=LABEL>"Age"
                <select name="age" class=select>{choices(ages, filter.age_range.clone())}</select>
            </label>
            <label class=LABEL>"Sessions"
                <select name="sessions" class=select>{choices(sessions, filter.sessions.map(|n| n.to_string()))}</select>
            </label>
            <label class=LABEL>"Time since treatment"
                <select name="after" class=select>{choices(since, filter.time_since.map(|t| t.code().to_owned()))}</select>
            </label>
            <div class="flex items-end gap-3">
                <button type="submit" class="rounded-full bg-brand-700 px-5 py-2 text-sm font-semibold text-white hover:bg-brand-800">"Show cases"</button>
                {filter.is_filtered().then(|| view! { <a href=clear class="text-sm text-stone-600 underline">"Clear"</a> })}
            </div>
        </form>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let clinic = use_clinic();
    let params = use_params_map();
    let case = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        fetch_case,
    );
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let clinic = clinic.await?;
                    Ok::<_, AppError>(match case.await {
                        Err(AppError::NotFound) => Either::Left(view! { <NotFound/> }),
                        found => Either::Right(view! { <Case clinic case=found?/> }),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
pub fn Case(clinic: ClinicInfo, case: CaseDetail) -> impl IntoView {
    let path = format!("/cases/{}", case.slug);
    let description = if case.summary.is_empty() {
        format!(
            "{} — before and after photos at {}.",
            case.title, clinic.name
        )
    } else {
        format!(
            "{} {}",
            case.summary,
            case.treatment_name
                .as_deref()
                .map(|t| format!("{t} at {}.", clinic.name))
                .unwrap_or_default()
        )
    };
    let image = case.pairs.first().map(|p| p.after.src.clone());
    let facts: Vec<(&'static str, String)> = [
        ("Treatment", case.treatment_name.clone()),
        ("Photos taken", case.time_after.clone()),
        ("Sessions", case.sessions.map(sessions_label)),
        ("Age", case.age_range.clone()),
        (
            "By",
            case.provider_name
                .clone()
                .map(|n| match &case.provider_title {
                    Some(t) if !t.is_empty() => format!("{n}, {t}"),
                    _ => n,
                }),
        ),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let procedure_ld = json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "MedicalProcedure",
                "name": case.treatment_name.clone().unwrap_or_else(|| case.title.clone()),
                "description": case.treatment_summary.clone().unwrap_or_default(),
                "url": case.treatment_slug.as_ref().map(|s| absolute(&clinic.site_url, &format!("/treatments/{s}"))),
            },
            {
                "@type": "ImageGallery",
                "name": case.title,
                "description": case.summary,
                "url": absolute(&clinic.site_url, &path),
                "image": case.pairs.iter().flat_map(|p| [&p.before, &p.after]).map(|pic| json!({
                    "@type": "ImageObject",
                    "contentUrl": absolute(&clinic.site_url, &pic.src),
                    "width": pic.width,
                    "height": pic.height,
                    "caption": pic.alt,
                })).collect::<Vec<_>>(),
                "provider": { "@type": "MedicalClinic", "name": clinic.name, "url": clinic.site_url, "telephone": clinic.phone },
            }
        ]
    });
    let book = case.treatment_slug.clone().zip(case.treatment_name.clone());
    let notes: Vec<String> = case
        .notes
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    view! {
        <PageMeta title=format!("{} — before and after — {}", case.title, clinic.name) description site_url=clinic.site_url.clone() path=path image/>
        <JsonLd data=procedure_ld/>
        <article class="mx-auto max-w-3xl px-4 py-10">
            <nav aria-label="Breadcrumb" class="text-sm text-stone-500">
                <a href="/gallery" class="hover:underline">"Gallery"</a>
                " / "
                <a href=format!("/gallery/{}", case.gallery_slug) class="hover:underline">{case.gallery_title.clone()}</a>
                " / "
                <a href=format!("/gallery/{}/{}", case.gallery_slug, case.album_slug) class="hover:underline">{case.album_title.clone()}</a>
            </nav>
            <h1 class="mt-4 font-display text-4xl text-stone-900">{case.title.clone()}</h1>
            <p class="mt-3 text-lg text-stone-600">{case.summary.clone()}</p>
            <div class="mt-8 space-y-8">
                {case.pairs.into_iter().enumerate().map(|(i, pair)| view! { <BeforeAfter pair eager={i == 0}/> }).collect_view()}
            </div>
            <dl class="mt-8 grid gap-4 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-2">
                {facts.into_iter().map(|(k, v)| view! {
                    <div><dt class="text-xs font-semibold uppercase tracking-wide text-stone-500">{k}</dt><dd class="mt-1 text-stone-900">{v}</dd></div>
                }).collect_view()}
            </dl>
            {(!notes.is_empty()).then(|| view! {
                <section class="mt-8 space-y-3 text-stone-700" aria-labelledby="case-notes">
                    <h2 id="case-notes" class="font-display text-2xl text-stone-900">"Case notes"</h2>
                    {notes.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                </section>
            })}
            <p class="mt-6 text-sm text-stone-500">"Shown with the patient's written consent. Results vary from person to person."</p>
            {book.map(|(slug, name)| view! {
                <div class="mt-8 flex flex-wrap items-center gap-4 rounded-2xl bg-brand-50 p-6">
                    <p class="flex-1 text-stone-800">{format!("Interested in {name}? Start with a consultation.")}</p>
                    <a href=format!("/book?treatment={slug}") class=BUTTON_PRIMARY>"Book this treatment"</a>
                    <a href=format!("/treatments/{slug}") class="text-brand-800 underline">"About the treatment"</a>
                </div>
            })}
        </article>
    }
}
