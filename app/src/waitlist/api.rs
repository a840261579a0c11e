//! Server functions of the waitlist. Anyone may join (as a guest or with their account);
//! an offer is reached only through the secret in its email's link, so patient A's link
//! never shows patient B's offer.

use super::types::{JoinScreen, OfferScreen};
use crate::domain::waitlist::WaitlistForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::types::OfferState,
    crate::backend::auth::principal,
    crate::backend::auth::session::Token,
    crate::backend::state::app_state,
    crate::backend::store::booking,
    crate::backend::store::waitlist::{self as store, Taking},
    crate::backend::throttle::{self, per_address},
    crate::booking::api::server::chosen_provider,
    crate::booking::types::ProviderChoice,
    crate::domain::access::Role,
    crate::domain::booking::{when, DetailsForm},
    crate::domain::rate_limit::Limit,
    crate::domain::waitlist::check,
    crate::ui::status::answer,
    chrono::Duration,
};

/// Joinings from one address: a household's or an office's, not a flood.
#[cfg(feature = "ssr")]
const JOINS_PER_ADDRESS: Limit = Limit {
    attempts: 20,
    window: Duration::hours(1),
};
/// Emails the waitlist sends one address when joining: nobody can make the clinic flood
/// an inbox by signing someone else up.
#[cfg(feature = "ssr")]
const JOINS_PER_EMAIL: Limit = Limit {
    attempts: 3,
    window: Duration::hours(1),
};

/// The treatment's slug, or `NotFound`; a group session's places are booked, not waited for.
#[cfg(feature = "ssr")]
async fn waitable(slug: &str) -> Result<booking::Treatment, AppError> {
    let state = app_state()?;
    let treatment = booking::treatment(&state.pool, state.clinic_id, slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    if treatment.capacity.is_some() {
        return Err(AppError::Invalid(
            "This is a group session: choose a session and book a place at it.".to_owned(),
        ));
    }
    Ok(treatment)
}

#[cfg(feature = "ssr")]
fn link_token(raw: &str) -> Result<Token, AppError> {
    Token::parse(raw.trim()).ok_or(AppError::NotFound)
}

#[server(endpoint = "waitlist/form")]
pub async fn fetch_join(
    treatment: String,
    #[server(default)] provider: String,
) -> Result<JoinScreen, AppError> {
    let state = app_state()?;
    let treatment = answer(waitable(&treatment).await)?;
    let provider = answer(chosen_provider(&treatment, &provider))?;
    let rules = booking::rules(&state.pool, state.clinic_id).await?;
    let today = state.clock.now().with_timezone(&rules.zone()).date_naive();
    let details = match principal::current().await? {
        Some(me) if me.role == Role::Patient => {
            booking::account_details(&state.pool, state.clinic_id, me.user_id).await?
        }
        _ => None,
    };
    Ok(JoinScreen {
        treatment: treatment.name,
        slug: treatment.slug,
        providers: treatment
            .providers
            .into_iter()
            .map(|(id, name)| ProviderChoice {
                id: id.to_string(),
                name,
            })
            .collect(),
        provider: provider.map(|id| id.to_string()).unwrap_or_default(),
        details,
        horizon: (today + Duration::days(i64::from(rules.horizon_days))).to_string(),
    })
}

/// Puts the patient on the waitlist and says so by email, with the link to leave it.
#[server(endpoint = "waitlist/join")]
pub async fn join_waitlist(form: WaitlistForm) -> Result<(), AppError> {
    let state = app_state()?;
    let treatment = answer(waitable(&form.treatment).await)?;
    let provider = answer(chosen_provider(&treatment, &form.provider))?;
    let rules = booking::rules(&state.pool, state.clinic_id).await?;
    let now = state.clock.now();
    let today = now.with_timezone(&rules.zone()).date_naive();
    let joining = answer(
        check(
            &form,
            provider,
            today,
            i64::from(rules.horizon_days),
            rules.home(),
        )
        .map_err(AppError::Rejected),
    )?;
    let buckets: Vec<_> = per_address("waitlist", JOINS_PER_ADDRESS)
        .into_iter()
        .chain([throttle::per_email(
            "waitlist",
            state.clinic_id,
            joining.email.as_str(),
            JOINS_PER_EMAIL,
        )])
        .collect();
    answer(throttle::attempt(&buckets).await)?;
    let account = principal::current()
        .await?
        .filter(|me| me.role == Role::Patient)
        .map(|me| me.user_id);
    let joined = store::join(
        &state.pool,
        state.clinic_id,
        treatment.id,
        &joining,
        account,
        &state.public_url,
        now,
    )
    .await?;
    answer(joined.ok_or(AppError::NotFound))?;
    tracing::info!(treatment = %treatment.slug, "a patient joined the waitlist");
    leptos_axum::redirect("/waitlist/joined");
    Ok(())
}

#[server(endpoint = "waitlist/offer")]
pub async fn fetch_offer(token: String) -> Result<OfferScreen, AppError> {
    let state = app_state()?;
    let token = answer(link_token(&token))?;
    let offer = answer(
        store::offer_by_link(&state.pool, state.clinic_id, &token.hash())
            .await?
            .ok_or(AppError::NotFound),
    )?;
    let zone: chrono_tz::Tz = offer.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let now = state.clock.now();
    let state = if offer.taken_by_other || offer.status == "gone" {
        OfferState::Gone
    } else if offer.status == "taken" {
        OfferState::Taken
    } else if offer.status == "open" && offer.expires_at > now && offer.entry_status == "waiting" {
        OfferState::Open {
            held_until: offer
                .expires_at
                .with_timezone(&zone)
                .format("%H:%M")
                .to_string(),
        }
    } else {
        OfferState::Lapsed
    };
    Ok(OfferScreen {
        treatment: offer.treatment,
        provider: offer.provider,
        location: offer.location,
        when: when(offer.starts, offer.ends, zone),
        state,
    })
}

/// Takes the offered time: the first to take it gets its hold and goes on to the booking
/// steps with their details filled in; later ones hear it has gone.
#[server(endpoint = "waitlist/take")]
pub async fn take_offer(token: String) -> Result<(), AppError> {
    let state = app_state()?;
    let token = answer(link_token(&token))?;
    let offer = answer(
        store::offer_by_link(&state.pool, state.clinic_id, &token.hash())
            .await?
            .ok_or(AppError::NotFound),
    )?;
    let rules = booking::rules(&state.pool, state.clinic_id).await?;
    let now = state.clock.now();
    let hold = Token::generate();
    let draft = DetailsForm {
        first_name: offer.first_name,
        last_name: offer.last_name,
        email: offer.email,
        phone: offer.phone,
        notes: String::new(),
        mode: String::new(),
    };
    let taking = store::take(
        &state.pool,
        state.clinic_id,
        &token.hash(),
        &hold.hash(),
        now + Duration::minutes(i64::from(rules.hold_minutes)),
        &draft,
        now,
    )
    .await?;
    match taking {
        Taking::Held => {
            leptos_axum::redirect(&format!("/book/details?hold={}", hold.as_str()));
            Ok(())
        }
        Taking::Gone => answer(Err(AppError::Invalid(
            "Sorry, another patient on the waitlist took this time first. You're still on the \
             waitlist: we'll email you when another time comes free."
                .to_owned(),
        ))),
        Taking::Lapsed => answer(Err(AppError::Invalid(
            "This offer is no longer open: it was held for a short while only. If you're still \
             on the waitlist, we'll email you when another time comes free."
                .to_owned(),
        ))),
        Taking::NotFound => answer(Err(AppError::NotFound)),
    }
}

/// Takes the patient off the waitlist, by the link of their first email or of an offer.
#[server(endpoint = "waitlist/leave")]
pub async fn leave_waitlist(token: String) -> Result<(), AppError> {
    let state = app_state()?;
    let token = answer(link_token(&token))?;
    // The same answer whether or not the link was still on the list: nothing to learn.
    store::leave(
        &state.pool,
        state.clinic_id,
        &token.hash(),
        state.clock.now(),
    )
    .await?;
    leptos_axum::redirect("/waitlist/left");
    Ok(())
}
