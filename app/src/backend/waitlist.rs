//! A round of the waitlist: offers nobody took lapse, then each treatment's free times
//! (found by the booking engine, under the same rules as the picker) are shared out among
//! those waiting for it, and each time given out is held by Lumen and offered by email.
//! Rounds run whenever an appointment changes (a cancellation, a move, a released hold)
//! and every minute besides (new hours, a time coming within the booking horizon).

use crate::backend::auth::session::Token;
use crate::backend::integrations::booking::{BookingSystem, Search};
use crate::backend::state::AppState;
use crate::backend::store::booking::{self, Refusal};
use crate::backend::store::waitlist as store;
use crate::domain::waitlist::{share_out, FreeTime, Waiting, OFFER_MINUTES};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};

/// What a round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Offers that lapsed unanswered.
    pub lapsed: u64,
    /// Times held and offered.
    pub times: usize,
    /// Patients told of one.
    pub offers: usize,
}

pub async fn offer_free_times(state: &AppState, now: DateTime<Utc>) -> Result<Round, AppError> {
    let (pool, clinic_id) = (&state.pool, state.clinic_id);
    let mut round = Round {
        lapsed: store::expire_offers(pool, clinic_id, now).await?,
        ..Round::default()
    };
    let rules = booking::rules(pool, clinic_id).await?;
    let today = now.with_timezone(&rules.zone()).date_naive();
    // Per treatment, in the order of the first who waits for it; within each, first come.
    let mut treatments: Vec<(String, Vec<Waiting>)> = Vec::new();
    for (slug, waiting) in store::waiting(pool, clinic_id, today, now).await? {
        match treatments.iter_mut().find(|(of, _)| *of == slug) {
            Some((_, list)) => list.push(waiting),
            None => treatments.push((slug, vec![waiting])),
        }
    }
    let calendar = state.calendar(now, &rules);
    for (slug, waiting) in treatments {
        let Some(treatment) = booking::treatment(pool, clinic_id, &slug).await? else {
            continue;
        };
        let Some(last_day) = waiting.iter().map(|w| w.wish.last_day).max() else {
            continue;
        };
        // A group session is booked by the place, not held.
        if treatment.capacity.is_some() || waiting.iter().all(|w| w.has_open_offer) {
            continue;
        }
        let found = calendar
            .free_times(&Search {
                treatment: &treatment,
                provider: None,
                first_day: today,
                last_day,
                limit: None,
                ignoring: None,
            })
            .await?;
        let free: Vec<FreeTime> = found
            .iter()
            .map(|found| FreeTime {
                provider: found.slot.provider,
                start: found.slot.start,
                end: found.slot.end,
                local_start: found
                    .slot
                    .start
                    .with_timezone(&found.time_zone)
                    .naive_local(),
                local_end: found.slot.end.with_timezone(&found.time_zone).naive_local(),
            })
            .collect();
        for offer in share_out(&waiting, &free) {
            // Lumen's own hold: its link is never given out; taking an offer gives the hold
            // a link of the patient's.
            let link = Token::generate();
            match calendar
                .hold(
                    &treatment,
                    Some(offer.time.provider),
                    offer.time.start,
                    &link,
                )
                .await
            {
                Ok(_) => {}
                // Taken since the engine looked: the next round finds what is free then.
                Err(Refusal::Taken) => continue,
                Err(other) => return Err(other.into()),
            }
            let Some(hold) = booking::by_link(pool, clinic_id, &link.hash(), true).await? else {
                continue;
            };
            store::offer(
                pool,
                clinic_id,
                store::Offered {
                    hold: hold.id,
                    time: &offer.time,
                    entries: &offer.entries,
                    until: now + Duration::minutes(OFFER_MINUTES),
                },
                &state.public_url,
                now,
            )
            .await?;
            round.times += 1;
            round.offers += offer.entries.len();
        }
    }
    Ok(round)
}
