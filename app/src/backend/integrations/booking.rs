//! The booking boundary: everything the pages ask of a calendar (free times, holding a
//! time, confirming, moving, cancelling) goes through [`BookingSystem`]. Lumen's own
//! engine and Postgres calendar is the built-in one; a clinic's practice-management system
//! (`integrations::practice`) can take its place, chosen by configuration
//! ([`BookingBackend`]), without the pages changing: each asks for the clinic's
//! [`ClinicCalendar`].

use crate::backend::auth::principal::Principal;
use crate::backend::auth::session::Token;
use crate::backend::integrations::practice::{PracticeCalendar, PracticeSystem};
use crate::backend::store::booking::{
    self as store, Booked, Booker, Changer, Diaries, Notice, Placement, Refusal, Rules,
    StaffBooking, Treatment,
};
use crate::backend::store::sessions::{self, SeatRefusal, Session};
use crate::domain::alternatives::{rank, Candidate};
use crate::domain::appointment::Outcome;
use crate::domain::availability::{
    any_provider, free_slots, ProviderDiary, RoomDiary, Slot, SlotQuery, Span, WeeklyHours,
};
use crate::domain::booking::{Details, Mode};
use crate::domain::calendar::PatientChoice;
use crate::domain::closures::closed_dates;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use std::future::Future;
use std::sync::Arc;
use uuid::Uuid;

/// A free time, where it is and in which time zone it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundSlot {
    pub slot: Slot,
    pub location_id: Uuid,
    pub time_zone: Tz,
}

/// The question for free times: a treatment, one provider or any, local days.
pub struct Search<'a> {
    pub treatment: &'a Treatment,
    /// `None`: any provider who performs the treatment, in the clinic's order.
    pub provider: Option<Uuid>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub limit: Option<usize>,
    /// A booking being moved does not stand in its own way.
    pub ignoring: Option<Uuid>,
}

/// Where and when a booking should go: one provider or any, one location or any.
pub struct Wanted<'a> {
    pub treatment: &'a Treatment,
    pub provider: Option<Uuid>,
    pub location: Option<Uuid>,
    pub start: DateTime<Utc>,
    /// Staff only, where the clinic allows it: book even over another appointment or
    /// outside the provider's hours. Needs a provider and a location.
    pub double_book: bool,
}

/// Who a staff booking is for and how they hear of it.
pub struct ForPatient<'a> {
    pub patient: &'a PatientChoice,
    pub mode: Mode,
    pub notes: &'a str,
    pub manage: &'a Token,
    pub staff: &'a Principal,
    pub notice: Option<Notice<'a>>,
}

impl ForPatient<'_> {
    /// Lumen's own row for the booking, placed at `placement`: every calendar keeps one.
    pub(crate) async fn record(
        self,
        pool: &PgPool,
        clinic_id: Uuid,
        placement: &Placement,
        now: DateTime<Utc>,
    ) -> Result<Uuid, Refusal> {
        let booking = StaffBooking {
            placement,
            patient: self.patient,
            mode: self.mode,
            notes: self.notes,
            manage_hash: &self.manage.hash(),
            staff: self.staff,
            notice: self.notice,
        };
        store::book_for_patient(pool, clinic_id, booking, now).await
    }
}

pub trait BookingSystem {
    fn free_times(
        &self,
        search: &Search<'_>,
    ) -> impl Future<Output = Result<Vec<FoundSlot>, Refusal>> + Send;

    /// Holds the time starting at `start` for the link `link`; `Taken` when it is not free.
    fn hold(
        &self,
        treatment: &Treatment,
        provider: Option<Uuid>,
        start: DateTime<Utc>,
        link: &Token,
    ) -> impl Future<Output = Result<DateTime<Utc>, Refusal>> + Send;

    /// Books the held time for the patient; the booking's own link replaces the hold's. When
    /// the clinic asks for money first, the booking waits for its payment instead.
    fn confirm(
        &self,
        hold: &Token,
        details: &Details,
        booker: Booker,
        manage: &Token,
        notice: Notice<'_>,
    ) -> impl Future<Output = Result<Booked, Refusal>> + Send;

    /// Staff book a patient straight in, without a hold.
    fn book_for_patient(
        &self,
        wanted: &Wanted<'_>,
        patient: ForPatient<'_>,
    ) -> impl Future<Output = Result<Uuid, Refusal>> + Send;

    fn reschedule(
        &self,
        appointment: Uuid,
        wanted: &Wanted<'_>,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> impl Future<Output = Result<(), Refusal>> + Send;

    fn cancel(
        &self,
        appointment: Uuid,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> impl Future<Output = Result<(), Refusal>> + Send;

    /// Staff put a group session (the treatment's capacity) in the calendar.
    fn schedule_session(
        &self,
        wanted: &Wanted<'_>,
        staff: &Principal,
    ) -> impl Future<Output = Result<Uuid, Refusal>> + Send;

    /// A group treatment's sessions patients can still book (within notice and horizon).
    fn sessions(
        &self,
        treatment: &Treatment,
    ) -> impl Future<Output = Result<Vec<Session>, Refusal>> + Send;

    /// A seat at a session for the patient; refused when full, already theirs, or closed.
    fn book_seat(
        &self,
        session: Uuid,
        patient: &PatientChoice,
        notice: Notice<'_>,
    ) -> impl Future<Output = Result<Uuid, SeatRefusal>> + Send;

    /// Staff record how an appointment went (arrived, completed, no-show).
    fn record_outcome(
        &self,
        appointment: Uuid,
        outcome: Outcome,
        staff: &Principal,
    ) -> impl Future<Output = Result<(), Refusal>> + Send;

    /// Lets go of every hold that has expired, and of every booking whose payment did not
    /// come in time; how many. Run by the server's worker: bookings never wait for it.
    fn release_expired(&self) -> impl Future<Output = Result<u64, Refusal>> + Send;

    /// Times providers are booked between two instants that Lumen has no row for (made in a
    /// practice system directly), for the staff calendar.
    fn booked_elsewhere(
        &self,
        between: (DateTime<Utc>, DateTime<Utc>),
    ) -> impl Future<Output = Result<Vec<BookedElsewhere>, Refusal>> + Send;
}

/// A provider's time booked outside Lumen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedElsewhere {
    pub provider_id: Uuid,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// The treatment, when the system's service is one of the clinic's.
    pub treatment: Option<String>,
}

/// Lumen's own calendar, kept in Postgres.
pub struct LumenCalendar<'a> {
    pub pool: &'a PgPool,
    pub clinic_id: Uuid,
    pub now: DateTime<Utc>,
    pub rules: &'a Rules,
}

/// Free times around `start` on the same days, for checking a wanted time and for offering
/// alternatives.
async fn around(
    calendar: &impl BookingSystem,
    treatment: &Treatment,
    provider: Option<Uuid>,
    start: DateTime<Utc>,
    days: i64,
    ignoring: Option<Uuid>,
) -> Result<Vec<FoundSlot>, Refusal> {
    let day = start.date_naive();
    calendar
        .free_times(&Search {
            treatment,
            provider,
            first_day: day - Duration::days(days),
            last_day: day + Duration::days(days),
            limit: None,
            ignoring,
        })
        .await
}

impl LumenCalendar<'_> {
    /// The first place a wanted start can go, or `Taken` when there is none.
    async fn placement(
        &self,
        wanted: &Wanted<'_>,
        ignoring: Option<Uuid>,
    ) -> Result<Placement, Refusal> {
        self.placements(wanted, ignoring)
            .await?
            .into_iter()
            .next()
            .ok_or(Refusal::Taken)
    }

    /// Where a wanted start can go: every provider free then, in the clinic's order. A
    /// double booking goes exactly where it was asked, with no room.
    async fn placements(
        &self,
        wanted: &Wanted<'_>,
        ignoring: Option<Uuid>,
    ) -> Result<Vec<Placement>, Refusal> {
        let Wanted {
            treatment,
            provider,
            location,
            start,
            double_book,
        } = *wanted;
        if double_book {
            let (Some(provider_id), Some(location_id)) = (provider, location) else {
                return Err(Refusal::NotFound);
            };
            return Ok(vec![Placement {
                treatment_id: treatment.id,
                provider_id,
                location_id,
                room_id: None,
                start,
                end: start + Duration::minutes(i64::from(treatment.duration_minutes)),
                double_booked: true,
            }]);
        }
        // For "any", `free_times` keeps one provider per start; ask each in turn instead.
        let candidates: Vec<Option<Uuid>> = match provider {
            Some(one) => vec![Some(one)],
            None => treatment
                .providers
                .iter()
                .map(|(id, _)| Some(*id))
                .collect(),
        };
        let mut found = Vec::new();
        for candidate in candidates {
            found.extend(
                around(self, treatment, candidate, start, 1, ignoring)
                    .await?
                    .into_iter()
                    .filter(|f| f.slot.start == start)
                    .filter(|f| location.is_none_or(|l| l == f.location_id)),
            );
        }
        Ok(found
            .into_iter()
            .map(|f| Placement {
                treatment_id: treatment.id,
                provider_id: f.slot.provider,
                location_id: f.location_id,
                room_id: f.slot.room,
                start: f.slot.start,
                end: f.slot.end,
                double_booked: false,
            })
            .collect())
    }
}

impl BookingSystem for LumenCalendar<'_> {
    async fn free_times(&self, search: &Search<'_>) -> Result<Vec<FoundSlot>, Refusal> {
        let providers: Vec<Uuid> = match search.provider {
            Some(one) => vec![one],
            None => search
                .treatment
                .providers
                .iter()
                .map(|(id, _)| *id)
                .collect(),
        };
        if providers.is_empty() || search.first_day > search.last_day {
            return Ok(Vec::new());
        }
        let between = (
            search.first_day.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::days(1),
            search.last_day.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(2),
        );
        let diaries = store::diaries(
            self.pool,
            self.clinic_id,
            search.treatment.id,
            &providers,
            between,
            self.now,
            search.ignoring,
        )
        .await?;
        Ok(engine(search, self.rules, &providers, &diaries, self.now))
    }

    async fn hold(
        &self,
        treatment: &Treatment,
        provider: Option<Uuid>,
        start: DateTime<Utc>,
        link: &Token,
    ) -> Result<DateTime<Utc>, Refusal> {
        let expires_at = self.now + Duration::minutes(i64::from(self.rules.hold_minutes));
        if treatment.capacity.is_some() {
            // A group treatment is booked by the seat, never held a time at a time.
            return Err(Refusal::Closed);
        }
        let wanted = Wanted {
            treatment,
            provider,
            location: None,
            start,
            double_book: false,
        };
        let mut placements = self.placements(&wanted, None).await?.into_iter();
        let Some(first) = placements.next() else {
            return Err(Refusal::Taken);
        };
        let mut outcome = store::hold(
            self.pool,
            self.clinic_id,
            &first,
            &link.hash(),
            expires_at,
            self.now,
        )
        .await;
        // "Any available": when one provider's time went in the meantime, try the next.
        for next in placements {
            if !matches!(outcome, Err(Refusal::Taken)) {
                break;
            }
            outcome = store::hold(
                self.pool,
                self.clinic_id,
                &next,
                &link.hash(),
                expires_at,
                self.now,
            )
            .await;
        }
        outcome.map(|_| expires_at)
    }

    async fn confirm(
        &self,
        hold: &Token,
        details: &Details,
        booker: Booker,
        manage: &Token,
        notice: Notice<'_>,
    ) -> Result<Booked, Refusal> {
        store::confirm(
            self.pool,
            self.clinic_id,
            store::Confirmation {
                hold_hash: &hold.hash(),
                details,
                booker,
                manage_hash: &manage.hash(),
                notice,
            },
            self.now,
        )
        .await
    }

    async fn book_for_patient(
        &self,
        wanted: &Wanted<'_>,
        patient: ForPatient<'_>,
    ) -> Result<Uuid, Refusal> {
        if wanted.treatment.capacity.is_some() {
            return Err(Refusal::Closed);
        }
        let placement = self.placement(wanted, None).await?;
        patient
            .record(self.pool, self.clinic_id, &placement, self.now)
            .await
    }

    async fn reschedule(
        &self,
        appointment: Uuid,
        wanted: &Wanted<'_>,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        let placement = self.placement(wanted, Some(appointment)).await?;
        store::reschedule(
            self.pool,
            self.clinic_id,
            appointment,
            &placement,
            by,
            notice,
            self.now,
        )
        .await
    }

    async fn cancel(
        &self,
        appointment: Uuid,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        store::cancel(self.pool, self.clinic_id, appointment, by, notice, self.now).await
    }

    async fn schedule_session(
        &self,
        wanted: &Wanted<'_>,
        staff: &Principal,
    ) -> Result<Uuid, Refusal> {
        let Some(capacity) = wanted.treatment.capacity else {
            return Err(Refusal::Closed);
        };
        let placement = self.placement(wanted, None).await?;
        store::schedule_session(
            self.pool,
            self.clinic_id,
            &placement,
            capacity,
            staff,
            self.now,
        )
        .await
    }

    async fn sessions(&self, treatment: &Treatment) -> Result<Vec<Session>, Refusal> {
        let from = self.now + Duration::minutes(i64::from(self.rules.min_notice_minutes));
        let until = self.now + Duration::days(i64::from(self.rules.horizon_days));
        Ok(sessions::upcoming(self.pool, self.clinic_id, treatment.id, (from, until)).await?)
    }

    async fn book_seat(
        &self,
        session: Uuid,
        patient: &PatientChoice,
        notice: Notice<'_>,
    ) -> Result<Uuid, SeatRefusal> {
        sessions::book_seat(
            self.pool,
            self.clinic_id,
            session,
            patient,
            notice,
            self.now,
        )
        .await
    }

    async fn record_outcome(
        &self,
        appointment: Uuid,
        outcome: Outcome,
        staff: &Principal,
    ) -> Result<(), Refusal> {
        store::record_outcome(
            self.pool,
            self.clinic_id,
            appointment,
            outcome,
            staff,
            self.now,
        )
        .await
    }

    async fn release_expired(&self) -> Result<u64, Refusal> {
        Ok(store::release_expired_holds(self.pool, self.clinic_id, self.now).await?)
    }

    /// Every booking in Lumen's own calendar is a row of Lumen's.
    async fn booked_elsewhere(
        &self,
        _between: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Vec<BookedElsewhere>, Refusal> {
        Ok(Vec::new())
    }
}

/// Which calendar the clinic books through, from configuration.
#[derive(Clone, Default)]
pub enum BookingBackend {
    /// Lumen's own engine and Postgres calendar.
    #[default]
    Lumen,
    /// The clinic's practice-management system.
    Practice(Arc<PracticeSystem>),
}

impl BookingBackend {
    /// The clinic's calendar as of `now`, under its booking rules.
    pub fn calendar<'a>(
        &'a self,
        pool: &'a PgPool,
        clinic_id: Uuid,
        now: DateTime<Utc>,
        rules: &'a Rules,
    ) -> ClinicCalendar<'a> {
        match self {
            BookingBackend::Lumen => ClinicCalendar::Lumen(LumenCalendar {
                pool,
                clinic_id,
                now,
                rules,
            }),
            BookingBackend::Practice(system) => ClinicCalendar::Practice(PracticeCalendar {
                pool,
                clinic_id,
                now,
                rules,
                system,
            }),
        }
    }
}

/// The calendar every caller books through: whichever backend the clinic uses.
pub enum ClinicCalendar<'a> {
    Lumen(LumenCalendar<'a>),
    Practice(PracticeCalendar<'a>),
}

impl ClinicCalendar<'_> {
    pub fn rules(&self) -> &Rules {
        match self {
            ClinicCalendar::Lumen(calendar) => calendar.rules,
            ClinicCalendar::Practice(calendar) => calendar.rules,
        }
    }
}

/// The same call on whichever backend it is.
macro_rules! on_backend {
    ($calendar:expr, $backend:ident => $call:expr) => {
        match $calendar {
            ClinicCalendar::Lumen($backend) => $call.await,
            ClinicCalendar::Practice($backend) => $call.await,
        }
    };
}

impl BookingSystem for ClinicCalendar<'_> {
    async fn free_times(&self, search: &Search<'_>) -> Result<Vec<FoundSlot>, Refusal> {
        on_backend!(self, c => c.free_times(search))
    }

    async fn hold(
        &self,
        treatment: &Treatment,
        provider: Option<Uuid>,
        start: DateTime<Utc>,
        link: &Token,
    ) -> Result<DateTime<Utc>, Refusal> {
        on_backend!(self, c => c.hold(treatment, provider, start, link))
    }

    async fn confirm(
        &self,
        hold: &Token,
        details: &Details,
        booker: Booker,
        manage: &Token,
        notice: Notice<'_>,
    ) -> Result<Booked, Refusal> {
        on_backend!(self, c => c.confirm(hold, details, booker, manage, notice))
    }

    async fn book_for_patient(
        &self,
        wanted: &Wanted<'_>,
        patient: ForPatient<'_>,
    ) -> Result<Uuid, Refusal> {
        on_backend!(self, c => c.book_for_patient(wanted, patient))
    }

    async fn reschedule(
        &self,
        appointment: Uuid,
        wanted: &Wanted<'_>,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        on_backend!(self, c => c.reschedule(appointment, wanted, by, notice))
    }

    async fn cancel(
        &self,
        appointment: Uuid,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        on_backend!(self, c => c.cancel(appointment, by, notice))
    }

    async fn schedule_session(
        &self,
        wanted: &Wanted<'_>,
        staff: &Principal,
    ) -> Result<Uuid, Refusal> {
        on_backend!(self, c => c.schedule_session(wanted, staff))
    }

    async fn sessions(&self, treatment: &Treatment) -> Result<Vec<Session>, Refusal> {
        on_backend!(self, c => c.sessions(treatment))
    }

    async fn book_seat(
        &self,
        session: Uuid,
        patient: &PatientChoice,
        notice: Notice<'_>,
    ) -> Result<Uuid, SeatRefusal> {
        on_backend!(self, c => c.book_seat(session, patient, notice))
    }

    async fn record_outcome(
        &self,
        appointment: Uuid,
        outcome: Outcome,
        staff: &Principal,
    ) -> Result<(), Refusal> {
        on_backend!(self, c => c.record_outcome(appointment, outcome, staff))
    }

    async fn release_expired(&self) -> Result<u64, Refusal> {
        on_backend!(self, c => c.release_expired())
    }

    async fn booked_elsewhere(
        &self,
        between: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Vec<BookedElsewhere>, Refusal> {
        on_backend!(self, c => c.booked_elsewhere(between))
    }
}

/// Free times to offer instead of a wanted start (for "that time was just taken"): near
/// it, and of those about as near, in the quieter stretches (`domain::alternatives`).
pub async fn alternatives(
    calendar: &ClinicCalendar<'_>,
    treatment: &Treatment,
    provider: Option<Uuid>,
    wanted: DateTime<Utc>,
    ignoring: Option<Uuid>,
) -> Result<Vec<FoundSlot>, Refusal> {
    let found = around(calendar, treatment, provider, wanted, 3, ignoring).await?;
    let candidates: Vec<Candidate> = found
        .iter()
        .map(|f| Candidate {
            provider: f.slot.provider,
            start: f.slot.start,
        })
        .collect();
    let step = Duration::minutes(i64::from(calendar.rules().slot_minutes));
    Ok(rank(wanted, &candidates, step)
        .into_iter()
        .filter_map(|chosen| {
            found
                .iter()
                .find(|f| f.slot.provider == chosen.provider && f.slot.start == chosen.start)
                .copied()
        })
        .collect())
}

/// Runs the engine once per location (each has its own zone and rooms) and merges.
fn engine(
    search: &Search<'_>,
    rules: &Rules,
    providers: &[Uuid],
    diaries: &Diaries,
    now: DateTime<Utc>,
) -> Vec<FoundSlot> {
    let treatment = search.treatment;
    let busy_of = |provider: Uuid| -> Vec<Span> {
        diaries
            .busy
            .iter()
            .filter(|b| b.provider_id == Some(provider))
            .map(|b| Span::new(b.starts, b.ends))
            .collect()
    };
    let mut found: Vec<(usize, FoundSlot)> = Vec::new();
    for (location_id, zone_name) in &diaries.locations {
        let Ok(time_zone) = zone_name.parse::<Tz>() else {
            tracing::error!(%location_id, "location has an unknown time zone; no times offered");
            continue;
        };
        let rooms = diaries.rooms.as_ref().map(|rooms| {
            rooms
                .iter()
                .filter(|(_, at)| at == location_id)
                .map(|(room, _)| RoomDiary {
                    room: *room,
                    busy: diaries
                        .busy
                        .iter()
                        .filter(|b| b.room_id == Some(*room))
                        .map(|b| Span::new(b.starts, b.ends))
                        .collect(),
                })
                .collect()
        });
        let query = SlotQuery {
            time_zone,
            first_day: search.first_day,
            last_day: search.last_day,
            now,
            min_notice: Duration::minutes(i64::from(rules.min_notice_minutes)),
            horizon: Duration::days(i64::from(rules.horizon_days)),
            duration: Duration::minutes(i64::from(treatment.duration_minutes)),
            buffer_before: Duration::minutes(i64::from(treatment.buffer_before_minutes)),
            buffer_after: Duration::minutes(i64::from(treatment.buffer_after_minutes)),
            granularity: Duration::minutes(i64::from(rules.slot_minutes)),
            rooms,
            closed: closed_dates(
                &diaries.closures,
                *location_id,
                search.first_day,
                search.last_day,
            ),
            limit: None,
        };
        let diaries_here: Vec<ProviderDiary> = providers
            .iter()
            .map(|&provider| ProviderDiary {
                provider,
                weekly: diaries
                    .weeks
                    .iter()
                    .filter(|w| w.provider_id == provider && w.location_id == *location_id)
                    .map(|w| WeeklyHours {
                        weekday: w.weekday as u8,
                        starts: w.starts,
                        ends: w.ends,
                    })
                    .collect(),
                extra: Vec::new(),
                busy: busy_of(provider),
            })
            .filter(|d| !d.weekly.is_empty())
            .collect();
        let slots = if search.provider.is_none() {
            any_provider(&query, &diaries_here)
        } else {
            free_slots(&query, &diaries_here)
        };
        found.extend(slots.into_iter().map(|slot| {
            let order = providers
                .iter()
                .position(|p| *p == slot.provider)
                .unwrap_or(usize::MAX);
            (
                order,
                FoundSlot {
                    slot,
                    location_id: *location_id,
                    time_zone,
                },
            )
        }));
    }
    found.sort_by_key(|(order, f)| (f.slot.start, *order));
    if search.provider.is_none() {
        found.dedup_by_key(|(_, f)| f.slot.start);
    }
    let mut found: Vec<FoundSlot> = found.into_iter().map(|(_, f)| f).collect();
    if let Some(limit) = search.limit {
        found.truncate(limit);
    }
    found
}
