//! Server functions of the booking flow. Anyone may book; a hold or booking is reached only
//! through the secret in its link, so patient A's link never shows patient B's booking.

#[cfg(feature = "ssr")]
use super::types::PaidState;
use super::types::{HeldBooking, ManagedBooking, PaidBooking, Picker, RazorpayPay, SeatScreen};
#[cfg(feature = "ssr")]
use super::{paid_href, pay_href, types::RazorpayCheckout};
use crate::domain::booking::DetailsForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::types::{DayCell, ProviderChoice, SessionChoice, SlotChoice},
    crate::backend::auth::principal,
    crate::backend::auth::session::Token,
    crate::backend::integrations::booking::{
        alternatives, BookingSystem, ClinicCalendar, FoundSlot, Search, Wanted,
    },
    crate::backend::integrations::payments::razorpay::NewOrder,
    crate::backend::integrations::payments::stripe::NewCheckout,
    crate::backend::state::{app_state, AppState},
    crate::backend::store::booking::{
        self as store, Booked, Booker, Changer, Notice, Refusal, Rules,
    },
    crate::backend::store::booking_emails::booking_link,
    crate::backend::store::payments::{self as payments, CheckoutState, PaymentDue},
    crate::backend::store::sessions::{SeatRefusal, Session},
    crate::backend::throttle::{self, per_address},
    crate::domain::access::Role,
    crate::domain::appointment::AppointmentStatus,
    crate::domain::booking::{may_change_online, DayPart, Offers},
    crate::domain::calendar::PatientChoice,
    crate::domain::duration::format_minutes,
    crate::domain::money::{Currency, Money},
    crate::domain::payment_policy::{describe_due, Processor},
    crate::domain::rate_limit::Limit,
    crate::ui::status::answer,
    chrono::{DateTime, Datelike, Duration, NaiveDate, Utc},
    chrono_tz::Tz,
    uuid::Uuid,
};

/// The picker for a treatment (`treatment`, its slug) or for moving the booking whose
/// link is `booking`. `provider` is an id or empty for any; `day` and `from` are dates.
#[server(endpoint = "booking/picker")]
pub async fn fetch_picker(
    #[server(default)] treatment: String,
    #[server(default)] provider: String,
    #[server(default)] day: String,
    #[server(default)] from: String,
    #[server(default)] booking: String,
) -> Result<Picker, AppError> {
    answer(server::picker(&treatment, &provider, &day, &from, &booking).await)
}

/// Holds the chosen time and opens the details step. `hold` is the link of a hold the
/// patient already has (they went back to choose another time): it moves.
#[server(endpoint = "booking/hold")]
pub async fn hold_slot(
    #[server(default)] treatment: String,
    #[server(default)] provider: String,
    #[server(default)] start: String,
    #[server(default)] hold: String,
) -> Result<(), AppError> {
    let link = answer(server::hold(&treatment, &provider, &start, &hold).await)?;
    leptos_axum::redirect(&format!("/book/details?hold={}", link.as_str()));
    Ok(())
}

#[server(endpoint = "booking/held")]
pub async fn fetch_held(hold: String) -> Result<HeldBooking, AppError> {
    answer(server::held(&hold).await)
}

/// Keeps what was typed (even when a field needs another look), then opens the review.
#[server(endpoint = "booking/details")]
pub async fn save_details(
    hold: String,
    #[server(default)] details: DetailsForm,
) -> Result<(), AppError> {
    answer(server::save_details(&hold, &details).await)?;
    leptos_axum::redirect(&format!("/book/review?hold={}", hold.trim()));
    Ok(())
}

/// Books the held time, or, when the clinic asks for money first, sends the patient to
/// the payment service's checkout (a plain redirect: it works without JavaScript).
#[server(endpoint = "booking/confirm")]
pub async fn confirm_booking(hold: String) -> Result<(), AppError> {
    let next = answer(server::confirm(&hold).await)?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// Where the checkout sends the patient back: the payment as the payment service now has
/// it, and the booking it made.
#[server(endpoint = "booking/paid")]
pub async fn fetch_paid(#[server(default)] session: String) -> Result<PaidBooking, AppError> {
    answer(server::paid(&session).await)
}

/// The clinic's own page for paying through Razorpay (`?order=`).
#[server(endpoint = "booking/pay")]
pub async fn fetch_razorpay_pay(#[server(default)] order: String) -> Result<RazorpayPay, AppError> {
    answer(server::pay_at_razorpay(&order).await)
}

#[server(endpoint = "booking/managed")]
pub async fn fetch_managed(token: String) -> Result<ManagedBooking, AppError> {
    answer(server::managed(&token).await)
}

#[server(endpoint = "booking/cancel")]
pub async fn cancel_booking(token: String) -> Result<(), AppError> {
    answer(server::cancel(&token).await)?;
    leptos_axum::redirect(&format!("/booking/{}?done=cancelled", token.trim()));
    Ok(())
}

#[server(endpoint = "booking/reschedule")]
pub async fn reschedule_booking(
    token: String,
    #[server(default)] provider: String,
    #[server(default)] start: String,
) -> Result<(), AppError> {
    answer(server::reschedule(&token, &provider, &start).await)?;
    leptos_axum::redirect(&format!("/booking/{}?done=moved", token.trim()));
    Ok(())
}

/// The page for taking a seat at group session `session`.
#[server(endpoint = "booking/seat")]
pub async fn fetch_seat(session: String) -> Result<SeatScreen, AppError> {
    answer(server::seat(&session).await)
}

/// Books a seat at `session` for the patient the details name, then shows the session
/// again with the confirmation.
#[server(endpoint = "booking/book_seat")]
pub async fn book_seat(
    session: String,
    #[server(default)] details: DetailsForm,
) -> Result<(), AppError> {
    answer(server::book_seat(&session, &details).await)?;
    leptos_axum::redirect(&format!(
        "/book/seat?session={}&done=booked",
        session.trim()
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::*;

    /// How many weeks the day picker shows at once.
    const WEEKS: i64 = 5;

    /// Times held from one address: plenty for a household or an office that shares one,
    /// too few to keep a clinic's free times held.
    const HOLDS_PER_ADDRESS: Limit = Limit {
        attempts: 30,
        window: Duration::minutes(10),
    };
    /// Bookings (and places) confirmed from one address, each sending an email.
    const CONFIRMATIONS_PER_ADDRESS: Limit = Limit {
        attempts: 30,
        window: Duration::hours(1),
    };
    /// Confirmations sent to one email address: nobody can make the clinic flood an inbox.
    const CONFIRMATIONS_PER_EMAIL: Limit = Limit {
        attempts: 3,
        window: Duration::hours(1),
    };
    /// The browser's hold, so a second choice moves it: a person holds one time at once.
    const HOLD_COOKIE: &str = "lumen_hold";

    /// The hold this browser already has, if it is still a live hold.
    async fn browser_hold(cx: &Context) -> Result<Option<Token>, AppError> {
        let Some(link) = principal::request_secret(HOLD_COOKIE) else {
            return Ok(None);
        };
        let live = store::by_link(&cx.state.pool, cx.state.clinic_id, &link.hash(), true)
            .await?
            .is_some_and(|row| row.hold_expires_at.is_some_and(|until| until > cx.now));
        Ok(live.then_some(link))
    }

    /// Tells the browser which hold is its own, for as long as a hold lasts.
    fn remember_hold(cx: &Context, link: &Token) {
        principal::keep_secret(HOLD_COOKIE, link, i64::from(cx.rules.hold_minutes) * 60);
    }

    /// Counts a confirmation from this address to `email`, or refuses it (429).
    async fn count_confirmation(cx: &Context, email: &str) -> Result<(), AppError> {
        let buckets: Vec<_> = per_address("confirm", CONFIRMATIONS_PER_ADDRESS)
            .into_iter()
            .chain([throttle::per_email(
                "confirm",
                cx.state.clinic_id,
                email,
                CONFIRMATIONS_PER_EMAIL,
            )])
            .collect();
        throttle::attempt(&buckets).await
    }

    impl From<Refusal> for AppError {
        fn from(refusal: Refusal) -> Self {
            match refusal {
                Refusal::Taken => AppError::Taken(Vec::new()),
                Refusal::NotFound => AppError::NotFound,
                Refusal::Closed => AppError::Invalid(
                    "This booking can no longer be changed online. Please call the clinic."
                        .to_owned(),
                ),
                Refusal::Database(error) => error.into(),
                Refusal::Failed(error) => error,
            }
        }
    }

    struct Context {
        state: AppState,
        rules: Rules,
        now: DateTime<Utc>,
        currency: Currency,
        zone: Tz,
    }

    impl Context {
        async fn load() -> Result<Context, AppError> {
            Context::of(app_state()?).await
        }

        async fn of(state: AppState) -> Result<Context, AppError> {
            let rules = store::rules(&state.pool, state.clinic_id).await?;
            let currency = crate::backend::store::clinic::stored_currency(&rules.currency)?;
            let zone = zone(&rules.time_zone)?;
            Ok(Context {
                now: state.clock.now(),
                state,
                rules,
                currency,
                zone,
            })
        }

        fn calendar(&self) -> ClinicCalendar<'_> {
            self.state.calendar(self.now, &self.rules)
        }

        async fn treatment(&self, slug: &str) -> Result<store::Treatment, AppError> {
            store::treatment(&self.state.pool, self.state.clinic_id, slug.trim())
                .await?
                .ok_or(AppError::NotFound)
        }

        fn today(&self) -> NaiveDate {
            self.now.with_timezone(&self.zone).date_naive()
        }

        fn link(&self, token: &Token) -> String {
            booking_link(&self.state.public_url, token)
        }

        /// Whether the booking's emails really leave (an email provider is configured).
        fn emails_leave(&self) -> bool {
            self.state
                .messaging
                .sends(crate::backend::integrations::messaging::Channel::Email)
        }
    }

    fn zone(name: &str) -> Result<Tz, AppError> {
        name.parse().map_err(|_| {
            tracing::error!(zone = name, "stored time zone is unknown");
            AppError::Unavailable
        })
    }

    /// `""`/`any` for any provider, otherwise one of the treatment's providers.
    pub fn chosen_provider(
        treatment: &store::Treatment,
        raw: &str,
    ) -> Result<Option<Uuid>, AppError> {
        match raw.trim() {
            "" | "any" => Ok(None),
            raw => {
                let id = AppError::record_id(raw)?;
                treatment
                    .providers
                    .iter()
                    .any(|(p, _)| *p == id)
                    .then_some(Some(id))
                    .ok_or(AppError::NotFound)
            }
        }
    }

    fn provider_name(treatment: &store::Treatment, id: Uuid) -> String {
        treatment
            .providers
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }

    fn choice(treatment: &store::Treatment, found: &FoundSlot) -> SlotChoice {
        let local = found.slot.start.with_timezone(&found.time_zone);
        SlotChoice {
            start: found.slot.start.to_rfc3339(),
            provider_id: found.slot.provider.to_string(),
            time: local.format("%H:%M").to_string(),
            label: format!(
                "{} with {}",
                local.format("%a %-d %b, %H:%M"),
                provider_name(treatment, found.slot.provider)
            ),
            part: DayPart::of(local.time()),
        }
    }

    pub use crate::domain::booking::when;

    fn start_time(raw: &str) -> Result<DateTime<Utc>, AppError> {
        DateTime::parse_from_rfc3339(raw.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| AppError::Invalid("Choose one of the times shown.".to_owned()))
    }

    fn token(raw: &str) -> Result<Token, AppError> {
        Token::parse(raw.trim()).ok_or(AppError::NotFound)
    }

    pub async fn picker(
        treatment: &str,
        provider: &str,
        day: &str,
        from: &str,
        booking: &str,
    ) -> Result<Picker, AppError> {
        let cx = Context::load().await?;
        let (treatment, ignoring) = if booking.trim().is_empty() {
            (cx.treatment(treatment).await?, None)
        } else {
            let made = made_booking(&cx, booking).await?;
            if !may_change(&cx, &made) {
                return Err(AppError::Invalid(
                    "This booking can no longer be moved online. Please call the clinic."
                        .to_owned(),
                ));
            }
            (cx.treatment(&made.treatment_slug).await?, Some(made.id))
        };
        if treatment.capacity.is_some() {
            return group_picker(&cx, &treatment).await;
        }
        let provider = chosen_provider(&treatment, provider)?;
        let today = cx.today();
        let last_bookable = (cx.now + Duration::days(i64::from(cx.rules.horizon_days)))
            .with_timezone(&cx.zone)
            .date_naive();
        let this_monday = today - Duration::days(today.weekday().num_days_from_monday().into());
        let asked: Option<NaiveDate> = from.trim().parse().ok();
        let window_start = asked
            .map(|d| d - Duration::days(d.weekday().num_days_from_monday().into()))
            .filter(|d| *d >= this_monday && *d <= last_bookable)
            .unwrap_or(this_monday);
        let window_end = window_start + Duration::days(WEEKS * 7 - 1);
        let found = cx
            .calendar()
            .free_times(&Search {
                treatment: &treatment,
                provider,
                first_day: window_start.max(today),
                last_day: window_end.min(last_bookable),
                limit: None,
                ignoring,
            })
            .await?;
        let local_day = |f: &FoundSlot| f.slot.start.with_timezone(&f.time_zone).date_naive();
        let days = (0..WEEKS * 7)
            .map(|offset| {
                let date = window_start + Duration::days(offset);
                DayCell {
                    date: date.to_string(),
                    weekday: date.format("%a").to_string(),
                    day_of_month: date.day(),
                    month: date.format("%b").to_string(),
                    free: found.iter().any(|f| local_day(f) == date),
                }
            })
            .collect();
        let chosen_day = day
            .trim()
            .parse::<NaiveDate>()
            .ok()
            .filter(|d| *d >= window_start && *d <= window_end)
            .or_else(|| found.first().map(local_day));
        let slots = chosen_day
            .map(|d| {
                found
                    .iter()
                    .filter(|f| local_day(f) == d)
                    .map(|f| choice(&treatment, f))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Picker {
            treatment_slug: treatment.slug.clone(),
            treatment_name: treatment.name.clone(),
            treatment_facts: format!(
                "{} · {}",
                format_minutes(treatment.duration_minutes.max(0) as u32),
                Money::new(treatment.price_minor, cx.currency)
            ),
            providers: treatment
                .providers
                .iter()
                .map(|(id, name)| ProviderChoice {
                    id: id.to_string(),
                    name: name.clone(),
                })
                .collect(),
            provider: provider.map(|p| p.to_string()).unwrap_or_default(),
            days,
            earlier: (window_start > this_monday)
                .then(|| (window_start - Duration::days(WEEKS * 7)).to_string()),
            later: (window_end < last_bookable)
                .then(|| (window_end + Duration::days(1)).to_string()),
            day: chosen_day.map(|d| d.to_string()),
            day_label: chosen_day
                .map(|d| d.format("%A %-d %B").to_string())
                .unwrap_or_default(),
            slots,
            time_zone: cx.zone.name().to_owned(),
            sessions: None,
        })
    }

    fn facts(cx: &Context, treatment: &store::Treatment) -> String {
        format!(
            "{} · {}",
            format_minutes(treatment.duration_minutes.max(0) as u32),
            Money::new(treatment.price_minor, cx.currency)
        )
    }

    fn session_choice(session: &Session) -> SessionChoice {
        let zone = session.time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
        SessionChoice {
            id: session.id.to_string(),
            when: when(session.starts, session.ends, zone),
            with: format!("{} at {}", session.provider, session.location),
            seats_left: (i64::from(session.capacity) - session.seats_taken).max(0),
            capacity: session.capacity,
        }
    }

    /// A group treatment's picker: its sessions instead of days and times.
    async fn group_picker(cx: &Context, treatment: &store::Treatment) -> Result<Picker, AppError> {
        let sessions = cx.calendar().sessions(treatment).await?;
        Ok(Picker {
            treatment_slug: treatment.slug.clone(),
            treatment_name: treatment.name.clone(),
            treatment_facts: facts(cx, treatment),
            providers: Vec::new(),
            provider: String::new(),
            days: Vec::new(),
            earlier: None,
            later: None,
            day: None,
            day_label: String::new(),
            slots: Vec::new(),
            time_zone: cx.zone.name().to_owned(),
            sessions: Some(sessions.iter().map(session_choice).collect()),
        })
    }

    async fn open_session(cx: &Context, raw: &str) -> Result<Session, AppError> {
        let id = AppError::record_id(raw)?;
        crate::backend::store::sessions::session(&cx.state.pool, cx.state.clinic_id, id)
            .await?
            .filter(|s| s.starts > cx.now)
            .ok_or(AppError::NotFound)
    }

    pub async fn seat(session: &str) -> Result<SeatScreen, AppError> {
        let cx = Context::load().await?;
        let session = open_session(&cx, session).await?;
        let treatment = cx.treatment(&session.treatment_slug).await?;
        Ok(SeatScreen {
            treatment_slug: treatment.slug.clone(),
            treatment_name: treatment.name.clone(),
            treatment_facts: facts(&cx, &treatment),
            session: session_choice(&session),
            details: signed_in_details(&cx).await?.unwrap_or_default(),
            emailed: cx.emails_leave(),
        })
    }

    pub async fn book_seat(session: &str, details: &DetailsForm) -> Result<(), AppError> {
        let cx = Context::load().await?;
        let session = open_session(&cx, session).await?;
        let details = details
            .parse(
                Offers {
                    in_person: true,
                    video: false,
                },
                cx.rules.home(),
            )
            .map_err(AppError::Rejected)?;
        count_confirmation(&cx, details.email.as_str()).await?;
        let patient = match principal::current().await? {
            Some(me) if me.role == Role::Patient => {
                match store::patient_of_account(&cx.state.pool, cx.state.clinic_id, me.user_id)
                    .await?
                {
                    Some(id) => PatientChoice::Existing(id),
                    None => details.as_guest(),
                }
            }
            _ => details.as_guest(),
        };
        let booked = cx
            .calendar()
            .book_seat(
                session.id,
                &patient,
                Notice {
                    public_url: &cx.state.public_url,
                    manage_link: None,
                },
            )
            .await;
        match booked {
            Ok(_) => Ok(()),
            Err(SeatRefusal::Full) => Err(AppError::Invalid(
                "Sorry, that session has just filled up. Please choose another session.".to_owned(),
            )),
            Err(SeatRefusal::AlreadyBooked) => Err(AppError::Invalid(
                "You already have a place at this session: we've emailed you the details."
                    .to_owned(),
            )),
            Err(SeatRefusal::Closed) => Err(AppError::NotFound),
            Err(SeatRefusal::Other(refusal)) => Err(refusal.into()),
        }
    }

    /// "Just taken": the refusal with the nearest free times.
    async fn taken(
        cx: &Context,
        treatment: &store::Treatment,
        wanted: DateTime<Utc>,
        ignoring: Option<Uuid>,
    ) -> AppError {
        match alternatives(&cx.calendar(), treatment, None, wanted, ignoring).await {
            Ok(found) => AppError::Taken(found.iter().map(|f| choice(treatment, f)).collect()),
            Err(refusal) => refusal.into(),
        }
    }

    pub async fn hold(
        treatment: &str,
        provider: &str,
        start: &str,
        hold: &str,
    ) -> Result<Token, AppError> {
        let cx = Context::load().await?;
        let treatment = cx.treatment(treatment).await?;
        let provider = chosen_provider(&treatment, provider)?;
        let start = start_time(start)?;
        throttle::attempt(&Vec::from_iter(per_address("hold", HOLDS_PER_ADDRESS))).await?;
        // The hold the page names, else the one this browser has (choosing again moves
        // it), else a new one.
        let link = match Token::parse(hold.trim()) {
            Some(link) => link,
            None => browser_hold(&cx).await?.unwrap_or_else(Token::generate),
        };
        match cx.calendar().hold(&treatment, provider, start, &link).await {
            Ok(_) => {
                remember_hold(&cx, &link);
                Ok(link)
            }
            Err(Refusal::Taken) => Err(taken(&cx, &treatment, start, None).await),
            // The only hold the calendar closes: a group treatment, booked by the place.
            Err(Refusal::Closed) => Err(AppError::Invalid(
                "This is a group session: choose a session and book a place at it.".to_owned(),
            )),
            Err(other) => Err(other.into()),
        }
    }

    async fn held_row(cx: &Context, hold: &str) -> Result<store::Booking, AppError> {
        store::by_link(
            &cx.state.pool,
            cx.state.clinic_id,
            &token(hold)?.hash(),
            true,
        )
        .await?
        .ok_or(AppError::NotFound)
    }

    fn offers(booking: &store::Booking) -> Offers {
        Offers {
            in_person: booking.offers_in_person,
            video: booking.offers_video,
        }
    }

    fn draft(booking: &store::Booking) -> Option<DetailsForm> {
        booking
            .draft
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
    }

    pub async fn held(hold: &str) -> Result<HeldBooking, AppError> {
        let cx = Context::load().await?;
        let row = held_row(&cx, hold).await?;
        let zone = zone(&row.time_zone)?;
        let details = match draft(&row) {
            Some(typed) => typed,
            None => signed_in_details(&cx).await?.unwrap_or_default(),
        };
        let expires = row.hold_expires_at;
        let payment = due_when_booking(&cx, row.id).await?;
        Ok(HeldBooking {
            treatment_slug: row.treatment_slug.clone(),
            treatment_name: row.treatment_name.clone(),
            provider_id: row.provider_id.to_string(),
            provider_name: row.provider_name.clone(),
            location: format!("{}, {}", row.location_name, row.location_address),
            when: when(row.starts, row.ends, zone),
            price: Money::new(row.price_minor, cx.currency).to_string(),
            held_until: expires
                .map(|t| t.with_timezone(&zone).format("%H:%M").to_string())
                .unwrap_or_default(),
            expired: expires.is_none_or(|t| t <= cx.now),
            offers: offers(&row),
            details_complete: details.parse(offers(&row), cx.rules.home()).is_ok(),
            details,
            pay_now: payment.as_ref().map(|(amount, _)| amount.clone()),
            keeps_card: payment.is_some_and(|(_, keeps_card)| keeps_card),
        })
    }

    /// What confirming the held appointment `id` will ask online, as the patient reads it,
    /// and whether the card is then kept for fees; `None` when nothing is due.
    async fn due_when_booking(cx: &Context, id: Uuid) -> Result<Option<(String, bool)>, AppError> {
        let patient = match principal::current().await? {
            Some(me) if me.role == Role::Patient => {
                store::patient_of_account(&cx.state.pool, cx.state.clinic_id, me.user_id).await?
            }
            _ => None,
        };
        let mut conn = cx.state.pool.acquire().await?;
        let due = store::amount_due(&mut conn, cx.state.clinic_id, id, patient).await?;
        Ok((due.amount_minor > 0).then(|| {
            (
                describe_due(due.amount_minor, due.price_minor, cx.currency),
                due.policy.keep_card,
            )
        }))
    }

    /// A signed-in patient's details, to fill the form in for them.
    async fn signed_in_details(cx: &Context) -> Result<Option<DetailsForm>, AppError> {
        let Some(me) = principal::current().await? else {
            return Ok(None);
        };
        if me.role != Role::Patient {
            return Ok(None);
        }
        Ok(
            store::account_details(&cx.state.pool, cx.state.clinic_id, me.user_id)
                .await?
                .map(|(first_name, last_name, email, phone)| DetailsForm {
                    first_name,
                    last_name,
                    email,
                    phone,
                    ..DetailsForm::default()
                }),
        )
    }

    pub async fn save_details(hold: &str, details: &DetailsForm) -> Result<(), AppError> {
        let cx = Context::load().await?;
        let row = held_row(&cx, hold).await?;
        store::save_draft(
            &cx.state.pool,
            cx.state.clinic_id,
            &token(hold)?.hash(),
            details,
        )
        .await?;
        details
            .parse(offers(&row), cx.rules.home())
            .map_err(AppError::Rejected)?;
        Ok(())
    }

    /// Where the patient goes next: their booking's page, or the checkout.
    pub async fn confirm(hold: &str) -> Result<String, AppError> {
        let cx = Context::load().await?;
        let link = token(hold)?;
        let row = held_row(&cx, hold).await?;
        let details = draft(&row)
            .unwrap_or_default()
            .parse(offers(&row), cx.rules.home())
            .map_err(AppError::Rejected)?;
        let booker = match principal::current().await? {
            Some(me) if me.role == Role::Patient => Booker::Account(me.user_id),
            _ => Booker::Guest,
        };
        count_confirmation(&cx, details.email.as_str()).await?;
        let manage = Token::generate();
        let manage_link = cx.link(&manage);
        let outcome = cx
            .calendar()
            .confirm(
                &link,
                &details,
                booker,
                &manage,
                Notice {
                    public_url: &cx.state.public_url,
                    manage_link: Some(&manage_link),
                },
            )
            .await;
        match outcome {
            Ok(Booked::Confirmed(_)) => Ok(format!("/booking/{}?done=booked", manage.as_str())),
            Ok(Booked::AwaitingPayment(due)) => open_checkout(&cx, &due, &link).await,
            Err(Refusal::Taken) => {
                let treatment = cx.treatment(&row.treatment_slug).await?;
                Err(taken(&cx, &treatment, row.starts, Some(row.id)).await)
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The checkout for a booking waiting for its payment: the one already opened, or a new
    /// one (with the payment's own idempotency key, so a retry opens no second).
    async fn open_checkout(
        cx: &Context,
        due: &PaymentDue,
        hold: &Token,
    ) -> Result<String, AppError> {
        if let Some(url) = &due.checkout_url {
            return Ok(url.clone());
        }
        let kept_until = due.expires_at.with_timezone(&cx.zone).format("%H:%M");
        let unreachable = |service: &str, error: &dyn std::fmt::Display| {
            tracing::warn!(%error, payment_id = %due.payment_id, "{service} did not open a checkout");
            AppError::Invalid(format!(
                "We couldn't reach the payment service just now. Your time is kept until {kept_until}: please try again."
            ))
        };
        let payments = &cx.state.payments;
        let public_url = &cx.state.public_url;
        let payment_id = due.payment_id.to_string();
        let (checkout_id, url) = match (due.processor, payments.stripe(), payments.razorpay()) {
            (Processor::Stripe, Some(stripe), _) => {
                let success_url = format!("{public_url}{}", paid_href("{CHECKOUT_SESSION_ID}"));
                let cancel_url = format!("{public_url}/book/review?hold={}", hold.as_str());
                let checkout = NewCheckout {
                    amount_minor: due.amount_minor,
                    currency: due.currency,
                    description: &due.description,
                    customer_email: Some(&due.customer_email),
                    success_url: &success_url,
                    cancel_url: &cancel_url,
                    expires_at: due.expires_at,
                    payment_id: &payment_id,
                    keep_card: due.keep_card,
                };
                let session = stripe
                    .create_checkout(&due.idempotency_key, &checkout)
                    .await
                    .map_err(|error| unreachable("Stripe", &error))?;
                let url = session.url.ok_or_else(|| {
                    tracing::error!(session = %session.id, "Stripe opened a checkout without its address");
                    AppError::Unavailable
                })?;
                (session.id, url)
            }
            // Razorpay's checkout opens on a page of the clinic's own, for the order.
            (Processor::Razorpay, _, Some(razorpay)) => {
                let order = NewOrder {
                    amount_minor: due.amount_minor,
                    currency: due.currency,
                    payment_id: &payment_id,
                };
                let order = razorpay
                    .create_order(&order)
                    .await
                    .map_err(|error| unreachable("Razorpay", &error))?;
                let url = format!("{public_url}{}", pay_href(&order.id));
                (order.id, url)
            }
            _ => {
                tracing::error!(
                    processor = due.processor.code(),
                    "the clinic's payment service has no keys on this server"
                );
                return Err(AppError::Invalid(
                    "Paying online isn't available just now. Please call the clinic to book."
                        .to_owned(),
                ));
            }
        };
        payments::record_checkout(
            &cx.state.pool,
            cx.state.clinic_id,
            due.payment_id,
            &checkout_id,
            &url,
        )
        .await?;
        Ok(url)
    }

    /// What the payment service says of a checkout the patient is back from: `None` when
    /// it could not be asked.
    async fn ask_processor(cx: &Context, payment: &payments::ByCheckout) -> Option<Asked> {
        let checkout = payment.checkout_session_id.as_str();
        match Processor::parse(&payment.processor)? {
            Processor::Stripe => {
                let session = cx.state.payments.stripe()?.checkout_session(checkout).await;
                match session {
                    Ok(now) => Some(Asked {
                        paid: now.is_paid(),
                        payment: now.payment_intent,
                        customer: now.customer,
                    }),
                    Err(error) => {
                        tracing::warn!(%error, "Stripe could not say whether a checkout was paid");
                        None
                    }
                }
            }
            Processor::Razorpay => {
                let made = cx.state.payments.razorpay()?.order_payments(checkout).await;
                match made {
                    Ok(made) => {
                        let captured = made.into_iter().find(|p| p.is_captured());
                        Some(Asked {
                            paid: captured.is_some(),
                            payment: captured.map(|p| p.id),
                            customer: None,
                        })
                    }
                    Err(error) => {
                        tracing::warn!(%error, "Razorpay could not say whether an order was paid");
                        None
                    }
                }
            }
            Processor::Offline => None,
        }
    }

    /// A processor's word on a checkout.
    struct Asked {
        paid: bool,
        payment: Option<String>,
        customer: Option<String>,
    }

    pub async fn paid(session: &str) -> Result<PaidBooking, AppError> {
        let cx = Context::load().await?;
        let pool = &cx.state.pool;
        let clinic_id = cx.state.clinic_id;
        let Some(payment) = payments::by_checkout(pool, clinic_id, session.trim()).await? else {
            return Err(AppError::NotFound);
        };
        let mut settled = false;
        if matches!(payment.status.as_str(), "open" | "expired") {
            // The patient is back before the webhook: ask the service itself. An expired
            // payment may still have been paid, too late; the patient hears of its refund here.
            if let Some(asked) = ask_processor(&cx, &payment).await {
                let state = CheckoutState {
                    session_id: &payment.checkout_session_id,
                    paid: asked.paid,
                    payment_intent: asked.payment.as_deref(),
                    customer: asked.customer.as_deref(),
                };
                crate::backend::settling::settle(&cx.state, &state).await?;
                settled = true;
            }
        }
        let payment = match settled {
            true => payments::by_checkout(pool, clinic_id, session.trim())
                .await?
                .ok_or(AppError::NotFound)?,
            false => payment,
        };
        let zone = zone(&payment.time_zone)?;
        Ok(PaidBooking {
            treatment_name: payment.treatment_name,
            when: when(payment.starts, payment.ends, zone),
            amount: Money::new(payment.amount_minor, cx.currency).to_string(),
            state: match (payment.status.as_str(), payment.appointment_status.as_str()) {
                ("paid", "confirmed" | "completed") => PaidState::Confirmed,
                ("paid", _) => PaidState::PaidAfterRelease,
                ("open", _) => PaidState::Waiting,
                _ => PaidState::NotPaid,
            },
        })
    }

    /// The page of the clinic's own where a booking waiting for its payment is paid through
    /// Razorpay's checkout (or its payment link, without JavaScript).
    pub async fn pay_at_razorpay(order: &str) -> Result<RazorpayPay, AppError> {
        let cx = Context::load().await?;
        let razorpay = cx.state.payments.razorpay().ok_or(AppError::NotFound)?;
        let payment = payments::by_checkout(&cx.state.pool, cx.state.clinic_id, order.trim())
            .await?
            .filter(|p| p.processor == Processor::Razorpay.code())
            .ok_or(AppError::NotFound)?;
        let zone = zone(&payment.time_zone)?;
        let open = payment.status == "open" && payment.expires_at.is_some_and(|at| at > cx.now);
        Ok(RazorpayPay {
            when: when(payment.starts, payment.ends, zone),
            amount: Money::new(
                payment.amount_minor,
                crate::backend::store::clinic::stored_currency(&payment.currency)?,
            )
            .to_string(),
            kept_until: payment
                .expires_at
                .map(|at| at.with_timezone(&zone).format("%H:%M").to_string())
                .unwrap_or_default(),
            open,
            checkout: RazorpayCheckout {
                script: razorpay.checkout_js().to_owned(),
                key: razorpay.key_id().to_owned(),
                order_id: payment.checkout_session_id,
                amount_minor: payment.amount_minor,
                currency: payment.currency.clone(),
                description: payment.treatment_name.clone(),
                email: payment.customer_email.unwrap_or_default(),
            },
            treatment_name: payment.treatment_name,
        })
    }

    async fn made_booking(cx: &Context, token_text: &str) -> Result<store::Booking, AppError> {
        store::by_link(
            &cx.state.pool,
            cx.state.clinic_id,
            &token(token_text)?.hash(),
            false,
        )
        .await?
        .ok_or(AppError::NotFound)
    }

    fn is_open(booking: &store::Booking) -> bool {
        matches!(booking.status.as_str(), "confirmed" | "pending_payment")
    }

    fn may_change(cx: &Context, booking: &store::Booking) -> bool {
        is_open(booking) && may_change_online(booking.starts, cx.now, booking.late_cancel_hours)
    }

    pub async fn managed(token_text: &str) -> Result<ManagedBooking, AppError> {
        let cx = Context::load().await?;
        let row = made_booking(&cx, token_text).await?;
        let zone = zone(&row.time_zone)?;
        let may = may_change(&cx, &row);
        let call_instead = (is_open(&row) && !may).then(|| {
            format!(
                "Your appointment is less than {} hours away, so it can't be changed online. Please call the clinic on {}.",
                row.late_cancel_hours, row.location_phone
            )
        });
        Ok(ManagedBooking {
            treatment_slug: row.treatment_slug.clone(),
            treatment_name: row.treatment_name.clone(),
            provider_name: row.provider_name.clone(),
            location: row.location_name.clone(),
            address: row.location_address.clone(),
            when: when(row.starts, row.ends, zone),
            mode: store::stored_mode(&row.mode),
            status: status_words(&row.status).to_owned(),
            cancelled: row.status == "cancelled",
            may_change: may,
            call_instead,
            late_cancel_hours: row.late_cancel_hours,
            clinic_phone: row.location_phone.clone(),
            emailed: cx.emails_leave(),
            payments: payment_lines(&cx, row.id).await?,
        })
    }

    /// The booking's payments as its patient reads them: what was taken, how and when, and
    /// each refund; never what staff wrote about them.
    async fn payment_lines(cx: &Context, id: Uuid) -> Result<Vec<String>, AppError> {
        let records =
            crate::backend::store::refunds::payments_of(&cx.state.pool, cx.state.clinic_id, id)
                .await?;
        let on = |at: DateTime<Utc>| crate::backend::store::receipts::paid_on(at, cx.zone);
        let money = |minor| Money::new(minor, cx.currency).to_string();
        let mut lines = Vec::new();
        for payment in records.iter().filter(|p| p.status == "paid") {
            let how = crate::domain::payments::how_paid(&payment.processor);
            let what = if payment.purpose.is_fee() {
                format!(" as the {}", payment.purpose.label().to_lowercase())
            } else {
                String::new()
            };
            if let Some(at) = payment.paid_at {
                lines.push(format!(
                    "{} paid{what} on {} ({how})",
                    money(payment.amount_minor),
                    on(at)
                ));
            }
            for refund in payment.refunds.iter().filter(|r| r.status != "failed") {
                let state = if refund.status == "succeeded" {
                    "refunded on"
                } else {
                    "on its way back to you since"
                };
                lines.push(format!(
                    "{} {state} {}",
                    money(refund.amount_minor),
                    on(refund.created_at)
                ));
            }
        }
        Ok(lines)
    }

    pub fn status_words(status: &str) -> &'static str {
        AppointmentStatus::parse(status).map_or("Unknown", AppointmentStatus::label)
    }

    fn refuse_change(row: &store::Booking) -> AppError {
        if row.status == "cancelled" {
            AppError::Invalid("This booking has already been cancelled.".to_owned())
        } else {
            AppError::Invalid(format!(
                "This booking can no longer be changed online. Please call the clinic on {}.",
                row.location_phone
            ))
        }
    }

    pub async fn cancel(token_text: &str) -> Result<(), AppError> {
        let cx = Context::load().await?;
        let row = made_booking(&cx, token_text).await?;
        if !may_change(&cx, &row) {
            return Err(refuse_change(&row));
        }
        cx.calendar()
            .cancel(
                row.id,
                &Changer::ManageLink,
                Some(Notice {
                    public_url: &cx.state.public_url,
                    // A cancellation's wording has no use for the link.
                    manage_link: None,
                }),
            )
            .await
            .map_err(|refusal| match refusal {
                Refusal::Closed => refuse_change(&row),
                other => other.into(),
            })?;
        // The clinic may refund a cancellation in good time.
        cx.state.send_refunds_soon();
        Ok(())
    }

    pub async fn reschedule(token_text: &str, provider: &str, start: &str) -> Result<(), AppError> {
        let cx = Context::load().await?;
        let row = made_booking(&cx, token_text).await?;
        let manage_link = cx.link(&token(token_text)?);
        if !may_change(&cx, &row) {
            return Err(refuse_change(&row));
        }
        let treatment = cx.treatment(&row.treatment_slug).await?;
        let provider = chosen_provider(&treatment, provider)?;
        let start = start_time(start)?;
        let outcome = cx
            .calendar()
            .reschedule(
                row.id,
                &Wanted {
                    treatment: &treatment,
                    provider,
                    location: None,
                    start,
                    double_book: false,
                },
                &Changer::ManageLink,
                Some(Notice {
                    public_url: &cx.state.public_url,
                    manage_link: Some(&manage_link),
                }),
            )
            .await;
        match outcome {
            Ok(()) => Ok(()),
            Err(Refusal::Taken) => Err(taken(&cx, &treatment, start, Some(row.id)).await),
            Err(Refusal::Closed) => Err(refuse_change(&row)),
            Err(other) => Err(other.into()),
        }
    }

    /// The booking as an iCalendar file, for the link on its page.
    pub async fn calendar_file(state: AppState, token_text: &str) -> Result<String, AppError> {
        let cx = Context::of(state).await?;
        let row = made_booking(&cx, token_text).await?;
        Ok(crate::domain::ics::event(&crate::domain::ics::Event {
            uid: &format!("{}@lumen", row.id),
            start: row.starts,
            end: row.ends,
            stamp: cx.now,
            summary: &format!("{} with {}", row.treatment_name, row.provider_name),
            location: &format!("{}, {}", row.location_name, row.location_address),
            description: &format!(
                "{} at {}. To change it, call {}.",
                row.treatment_name, cx.rules.clinic_name, row.location_phone
            ),
            cancelled: row.status == "cancelled",
            method: crate::domain::ics::Method::Publish,
            sequence: row.calendar_sequence,
            organizer: None,
            attendee: None,
        }))
    }
}
