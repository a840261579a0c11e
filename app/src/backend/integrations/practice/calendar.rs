//! [`BookingSystem`] over a practice system. The system says which times are free and
//! takes each change first; Lumen's own rows follow, so a time the system refuses is never
//! booked in Lumen. When Lumen's write fails after the system took a change, the change is
//! undone there.
//!
//! Group sessions are not booked through a practice system: its group classes are its own.

use super::client::{Guest, PracticeError, PracticeSystem, SlotWanted};
use crate::backend::auth::principal::Principal;
use crate::backend::auth::session::Token;
use crate::backend::integrations::booking::{
    BookedElsewhere, BookingSystem, ForPatient, FoundSlot, LumenCalendar, Search, Wanted,
};
use crate::backend::store::booking::{
    self as store, Booked, Booker, Changer, Notice, Placement, Refusal, Rules, Treatment,
};
use crate::backend::store::closures;
use crate::backend::store::practice::{self, Counterpart, Person};
use crate::backend::store::sessions::{SeatRefusal, Session};
use crate::domain::appointment::Outcome;
use crate::domain::availability::Slot;
use crate::domain::booking::Details;
use crate::domain::calendar::{NewPatient, PatientChoice};
use crate::domain::closures::closed_on;
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

/// The clinic's calendar in its practice system.
pub struct PracticeCalendar<'a> {
    pub pool: &'a PgPool,
    pub clinic_id: Uuid,
    pub now: DateTime<Utc>,
    pub rules: &'a Rules,
    pub system: &'a PracticeSystem,
}

/// How the system knows a treatment: its service, and the providers (with their therapist
/// ids, in the clinic's order) who perform it there.
struct Known {
    service: String,
    providers: Vec<(Uuid, String)>,
    location_id: Uuid,
    time_zone: Tz,
}

impl From<PracticeError> for Refusal {
    fn from(error: PracticeError) -> Refusal {
        match error {
            PracticeError::Taken => Refusal::Taken,
            PracticeError::NotFound => Refusal::NotFound,
            other => {
                tracing::warn!(error = %other, "the practice system did not take a change");
                Refusal::Failed(AppError::Unavailable)
            }
        }
    }
}

impl From<&Details> for Guest {
    fn from(details: &Details) -> Guest {
        Guest {
            first_name: details.first_name.clone(),
            last_name: details.last_name.clone(),
            email: details.email.as_str().to_owned(),
            phone: details.phone.clone(),
        }
    }
}

impl From<&NewPatient> for Guest {
    fn from(person: &NewPatient) -> Guest {
        Guest {
            first_name: person.first_name.clone(),
            last_name: person.last_name.clone(),
            email: person.email.as_str().to_owned(),
            phone: person.phone.clone(),
        }
    }
}

impl From<Person> for Guest {
    fn from(person: Person) -> Guest {
        Guest {
            first_name: person.first_name,
            last_name: person.last_name,
            email: person.email,
            phone: person.phone,
        }
    }
}

impl PracticeCalendar<'_> {
    /// Lumen's own calendar, for what stays Lumen's record alone.
    fn lumen(&self) -> LumenCalendar<'_> {
        LumenCalendar {
            pool: self.pool,
            clinic_id: self.clinic_id,
            now: self.now,
            rules: self.rules,
        }
    }

    /// The treatment as the system knows it; `None` when it is not mapped (then nothing of
    /// it is booked online), or is a group treatment.
    async fn known(
        &self,
        treatment: &Treatment,
        provider: Option<Uuid>,
    ) -> Result<Option<Known>, Refusal> {
        if treatment.capacity.is_some() {
            return Ok(None);
        }
        let mapping = practice::mapping(self.pool, self.clinic_id).await?;
        let Some(service) = mapping.service_of(treatment.id) else {
            return Ok(None);
        };
        let providers = treatment
            .providers
            .iter()
            .filter(|(id, _)| provider.is_none_or(|wanted| wanted == *id))
            .filter_map(|(id, _)| Some((*id, mapping.therapist_of(*id)?.to_owned())))
            .collect();
        let Some((location_id, zone)) = &mapping.centre else {
            tracing::error!("the practice system is on but no location is its centre");
            return Err(Refusal::Failed(AppError::Unavailable));
        };
        let Ok(zone) = zone.parse() else {
            tracing::error!(%location_id, "the centre's location has an unknown time zone");
            return Err(Refusal::Failed(AppError::Unavailable));
        };
        Ok(Some(Known {
            service: service.service_id.clone(),
            providers,
            location_id: *location_id,
            time_zone: zone,
        }))
    }

    fn placement(
        &self,
        treatment: &Treatment,
        known: &Known,
        provider: Uuid,
        start: DateTime<Utc>,
    ) -> Placement {
        Placement {
            treatment_id: treatment.id,
            provider_id: provider,
            location_id: known.location_id,
            room_id: None,
            start,
            end: start + Duration::minutes(i64::from(treatment.duration_minutes)),
            double_booked: false,
        }
    }

    /// Undoes a booking the system took when Lumen could not record it.
    async fn undo(&self, practice_appointment: &str) {
        if let Err(error) = self.system.cancel(practice_appointment).await {
            tracing::error!(%error, "a booking the practice system took could not be undone there");
        }
    }

    /// What Lumen recorded of a change the system took: the change is undone there when
    /// Lumen's record failed, and the system's appointment is remembered when it worked.
    async fn kept<R>(
        &self,
        recorded: Result<R, Refusal>,
        appointment: impl Fn(&R) -> Uuid,
        there: String,
    ) -> Result<R, Refusal> {
        let recorded = match recorded {
            Ok(recorded) => recorded,
            Err(refusal) => {
                self.undo(&there).await;
                return Err(refusal);
            }
        };
        let counterpart = Counterpart::Appointment(there);
        practice::set_counterpart(
            self.pool,
            self.clinic_id,
            appointment(&recorded),
            &counterpart,
        )
        .await?;
        Ok(recorded)
    }

    /// Moves a booking the system never had (made before it was connected): the new time is
    /// booked there for its patient, and undone there if Lumen cannot record the move.
    async fn move_in(
        &self,
        appointment: Uuid,
        wanted: &Wanted<'_>,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        let guest: Guest = practice::patient_of(self.pool, self.clinic_id, appointment)
            .await?
            .ok_or(Refusal::NotFound)?
            .into();
        let key = format!("{appointment}:{}", wanted.start.timestamp());
        let (placement, there) = self.book_there(wanted, &guest, &key).await?;
        let moved = store::reschedule(
            self.pool,
            self.clinic_id,
            appointment,
            &placement,
            by,
            notice,
            self.now,
        )
        .await;
        self.kept(moved, |_| appointment, there).await
    }

    /// Where an appointment is now in the system's terms (its service, therapist and start),
    /// to move it back there when Lumen cannot record a move; `None` when a mapping is gone.
    async fn where_now(
        &self,
        appointment: Uuid,
    ) -> Result<Option<(String, String, DateTime<Utc>)>, Refusal> {
        let placed = practice::placed(self.pool, self.clinic_id, appointment)
            .await?
            .ok_or(Refusal::NotFound)?;
        let mapping = practice::mapping(self.pool, self.clinic_id).await?;
        Ok(mapping.service_of(placed.treatment_id).and_then(|service| {
            let therapist = mapping.therapist_of(placed.provider_id)?;
            Some((
                service.service_id.clone(),
                therapist.to_owned(),
                placed.start,
            ))
        }))
    }

    /// Undoes a move the system took when Lumen could not record it.
    async fn move_back(&self, there: &str, back: Option<(String, String, DateTime<Utc>)>) {
        let undone = match &back {
            Some((service, therapist, start)) => {
                let slot = SlotWanted {
                    service_id: service,
                    therapist_id: therapist,
                    start_time: *start,
                };
                self.system.reschedule(there, &slot).await.map(|_| ())
            }
            None => Err(PracticeError::NotFound),
        };
        if let Err(error) = undone {
            tracing::error!(%error, "a move the practice system took could not be undone there");
        }
    }

    /// Whether the clinic is closed at `known`'s location on `start`'s local day. The
    /// system keeps its own diary, but the clinic's closed days are Lumen's to keep.
    async fn closed_at(&self, known: &Known, start: DateTime<Utc>) -> Result<bool, Refusal> {
        let closures = closures::around(self.pool, self.clinic_id, (start, start)).await?;
        let day = start.with_timezone(&known.time_zone).date_naive();
        Ok(closed_on(&closures, known.location_id, day))
    }

    async fn let_go(&self, reservation: &str) {
        if let Err(error) = self.system.release(reservation).await {
            tracing::warn!(%error, "a reservation in the practice system could not be let go");
        }
    }

    /// Books the wanted time there for `guest` with the first provider free: where it went
    /// in Lumen's terms, and the system's appointment (to undo if Lumen cannot record it).
    async fn book_there(
        &self,
        wanted: &Wanted<'_>,
        guest: &Guest,
        key: &str,
    ) -> Result<(Placement, String), Refusal> {
        if wanted.double_book {
            // The system decides what is free; it takes no bookings over others from Lumen.
            return Err(Refusal::Closed);
        }
        let Some(known) = self.known(wanted.treatment, wanted.provider).await? else {
            return Err(Refusal::Closed);
        };
        if wanted.location.is_some_and(|l| l != known.location_id) {
            return Err(Refusal::NotFound);
        }
        if self.closed_at(&known, wanted.start).await? {
            return Err(Refusal::Taken);
        }
        for (provider, therapist) in &known.providers {
            let slot = SlotWanted {
                service_id: &known.service,
                therapist_id: therapist,
                start_time: wanted.start,
            };
            let key = format!("{key}:{therapist}");
            match self.system.book(&slot, None, guest, &key).await {
                Ok(booked) => {
                    let placement =
                        self.placement(wanted.treatment, &known, *provider, wanted.start);
                    return Ok((placement, booked.id));
                }
                Err(PracticeError::Taken) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(Refusal::Taken)
    }
}

impl BookingSystem for PracticeCalendar<'_> {
    async fn free_times(&self, search: &Search<'_>) -> Result<Vec<FoundSlot>, Refusal> {
        let Some(known) = self.known(search.treatment, search.provider).await? else {
            return Ok(Vec::new());
        };
        if known.providers.is_empty() || search.first_day > search.last_day {
            return Ok(Vec::new());
        }
        let one = search
            .provider
            .and(known.providers.first().map(|(_, t)| t.as_str()));
        let slots = self
            .system
            .slots(&known.service, one, (search.first_day, search.last_day))
            .await?;
        // The clinic's own online rules still apply: notice and horizon. (A booking being
        // moved is busy there until it has moved: the system cannot move it onto a time that
        // overlaps its own.)
        let earliest = self.now + Duration::minutes(i64::from(self.rules.min_notice_minutes));
        let latest = self.now + Duration::days(i64::from(self.rules.horizon_days));
        let between = (
            search.first_day.and_time(chrono::NaiveTime::MIN).and_utc(),
            search.last_day.and_time(chrono::NaiveTime::MIN).and_utc(),
        );
        let closures = closures::around(self.pool, self.clinic_id, between).await?;
        let open = |start: DateTime<Utc>| {
            let day = start.with_timezone(&known.time_zone).date_naive();
            !closed_on(&closures, known.location_id, day)
        };
        let mut found: Vec<(usize, FoundSlot)> = slots
            .into_iter()
            .filter(|s| s.start_time >= earliest && s.start_time <= latest)
            .filter(|s| open(s.start_time))
            .filter_map(|s| {
                let order = known
                    .providers
                    .iter()
                    .position(|(_, t)| *t == s.therapist_id)?;
                Some((
                    order,
                    FoundSlot {
                        slot: Slot {
                            start: s.start_time,
                            end: s.end_time,
                            provider: known.providers[order].0,
                            room: None,
                        },
                        location_id: known.location_id,
                        time_zone: known.time_zone,
                    },
                ))
            })
            .collect();
        found.sort_by_key(|(order, f)| (f.slot.start, *order));
        if search.provider.is_none() {
            found.dedup_by_key(|(_, f)| f.slot.start);
        }
        let mut found: Vec<FoundSlot> = found.into_iter().map(|(_, f)| f).collect();
        if let Some(limit) = search.limit {
            found.truncate(limit);
        }
        Ok(found)
    }

    async fn hold(
        &self,
        treatment: &Treatment,
        provider: Option<Uuid>,
        start: DateTime<Utc>,
        link: &Token,
    ) -> Result<DateTime<Utc>, Refusal> {
        let Some(known) = self.known(treatment, provider).await? else {
            return Err(Refusal::Closed);
        };
        if self.closed_at(&known, start).await? {
            return Err(Refusal::Taken);
        }
        let expires_at = self.now + Duration::minutes(i64::from(self.rules.hold_minutes));
        // "Any available": the first provider the system gives the time to.
        for (provider, therapist) in &known.providers {
            let wanted = SlotWanted {
                service_id: &known.service,
                therapist_id: therapist,
                start_time: start,
            };
            let reservation = match self.system.reserve(&wanted).await {
                Ok(reservation) => reservation,
                Err(PracticeError::Taken) => continue,
                Err(other) => return Err(other.into()),
            };
            let placement = self.placement(treatment, &known, *provider, start);
            let held = store::hold(
                self.pool,
                self.clinic_id,
                &placement,
                &link.hash(),
                // Held no longer than the system keeps the reservation.
                expires_at.min(reservation.expires_at),
                self.now,
            )
            .await;
            let appointment = match held {
                Ok(appointment) => appointment,
                Err(refusal) => {
                    self.let_go(&reservation.id).await;
                    if matches!(refusal, Refusal::Taken) {
                        continue;
                    }
                    return Err(refusal);
                }
            };
            // Choosing another time keeps the hold's row: its earlier reservation goes.
            let earlier = practice::counterpart(self.pool, self.clinic_id, appointment).await?;
            let now_reserved = Counterpart::Reservation(reservation.id.clone());
            if let Err(error) =
                practice::set_counterpart(self.pool, self.clinic_id, appointment, &now_reserved)
                    .await
            {
                self.let_go(&reservation.id).await;
                return Err(error.into());
            }
            if let Some(Counterpart::Reservation(earlier)) = earlier {
                self.let_go(&earlier).await;
            }
            return Ok(expires_at.min(reservation.expires_at));
        }
        Err(Refusal::Taken)
    }

    async fn confirm(
        &self,
        hold: &Token,
        details: &Details,
        booker: Booker,
        manage: &Token,
        notice: Notice<'_>,
    ) -> Result<Booked, Refusal> {
        let held = store::by_link(self.pool, self.clinic_id, &hold.hash(), true)
            .await?
            .filter(|held| held.patient_id.is_none())
            .ok_or(Refusal::NotFound)?;
        let Some(Counterpart::Reservation(reservation)) =
            practice::counterpart(self.pool, self.clinic_id, held.id).await?
        else {
            return Err(Refusal::NotFound);
        };
        let mapping = practice::mapping(self.pool, self.clinic_id).await?;
        let (Some(service), Some(therapist)) = (
            mapping.service_of(held.treatment_id),
            mapping.therapist_of(held.provider_id),
        ) else {
            return Err(Refusal::Closed);
        };
        let wanted = SlotWanted {
            service_id: &service.service_id,
            therapist_id: therapist,
            start_time: held.starts,
        };
        let guest = Guest::from(details);
        let booked = match self
            .system
            .book(&wanted, Some(&reservation), &guest, &reservation)
            .await
        {
            // The reservation ran out there: the time is booked all the same if nobody
            // took it meanwhile, as on Lumen's own calendar.
            Err(PracticeError::NotFound) => {
                let key = format!("{reservation}:late");
                self.system.book(&wanted, None, &guest, &key).await
            }
            answer => answer,
        }?;
        let confirmation = store::Confirmation {
            hold_hash: &hold.hash(),
            details,
            booker,
            manage_hash: &manage.hash(),
            notice,
        };
        let recorded = store::confirm(self.pool, self.clinic_id, confirmation, self.now).await;
        self.kept(recorded, |_| held.id, booked.id).await
    }

    async fn book_for_patient(
        &self,
        wanted: &Wanted<'_>,
        patient: ForPatient<'_>,
    ) -> Result<Uuid, Refusal> {
        let guest = match patient.patient {
            PatientChoice::Existing(id) => practice::patient(self.pool, self.clinic_id, *id)
                .await?
                .ok_or(Refusal::NotFound)?
                .into(),
            PatientChoice::New(person) | PatientChoice::Guest(person) => person.into(),
        };
        let key = Uuid::new_v4().to_string();
        let (placement, there) = self.book_there(wanted, &guest, &key).await?;
        let booked = patient
            .record(self.pool, self.clinic_id, &placement, self.now)
            .await;
        self.kept(booked, |appointment| *appointment, there).await
    }

    async fn reschedule(
        &self,
        appointment: Uuid,
        wanted: &Wanted<'_>,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        let before = match practice::counterpart(self.pool, self.clinic_id, appointment).await? {
            Some(Counterpart::Appointment(before)) => before,
            // A hold moves by being held again.
            Some(Counterpart::Reservation(_)) => return Err(Refusal::Closed),
            // Booked before the system was connected: the system never had it, so the new
            // time is booked there.
            None => return self.move_in(appointment, wanted, by, notice).await,
        };
        if wanted.double_book {
            return Err(Refusal::Closed);
        }
        let Some(known) = self.known(wanted.treatment, wanted.provider).await? else {
            return Err(Refusal::Closed);
        };
        if wanted.location.is_some_and(|l| l != known.location_id) {
            return Err(Refusal::NotFound);
        }
        if self.closed_at(&known, wanted.start).await? {
            return Err(Refusal::Taken);
        }
        let back = self.where_now(appointment).await?;
        // Moved there in one step, so a move that overlaps its own old time is not refused
        // for it; "any available": the first provider the system gives the time to.
        let mut moved = None;
        for (provider, therapist) in &known.providers {
            let slot = SlotWanted {
                service_id: &known.service,
                therapist_id: therapist,
                start_time: wanted.start,
            };
            match self.system.reschedule(&before, &slot).await {
                Ok(there) => {
                    moved = Some((*provider, there.id));
                    break;
                }
                Err(PracticeError::Taken) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        let (provider, there) = moved.ok_or(Refusal::Taken)?;
        let placement = self.placement(wanted.treatment, &known, provider, wanted.start);
        let recorded = store::reschedule(
            self.pool,
            self.clinic_id,
            appointment,
            &placement,
            by,
            notice,
            self.now,
        )
        .await;
        if let Err(refusal) = recorded {
            self.move_back(&there, back).await;
            return Err(refusal);
        }
        if there != before {
            let counterpart = Counterpart::Appointment(there);
            practice::set_counterpart(self.pool, self.clinic_id, appointment, &counterpart).await?;
        }
        Ok(())
    }

    async fn cancel(
        &self,
        appointment: Uuid,
        by: &Changer<'_>,
        notice: Option<Notice<'_>>,
    ) -> Result<(), Refusal> {
        // The system first: a booking it still holds would keep the time from others there.
        match practice::counterpart(self.pool, self.clinic_id, appointment).await? {
            Some(Counterpart::Appointment(there)) => match self.system.cancel(&there).await {
                Ok(()) | Err(PracticeError::NotFound) => {}
                Err(other) => return Err(other.into()),
            },
            Some(Counterpart::Reservation(reservation)) => self.let_go(&reservation).await,
            None => {}
        }
        let cancelled =
            store::cancel(self.pool, self.clinic_id, appointment, by, notice, self.now).await;
        if let Err(refusal) = &cancelled {
            if !matches!(refusal, Refusal::NotFound | Refusal::Closed) {
                tracing::error!(%appointment, "cancelled in the practice system but not in Lumen");
            }
        }
        cancelled
    }

    async fn schedule_session(
        &self,
        _wanted: &Wanted<'_>,
        _staff: &Principal,
    ) -> Result<Uuid, Refusal> {
        Err(Refusal::Closed)
    }

    async fn sessions(&self, _treatment: &Treatment) -> Result<Vec<Session>, Refusal> {
        Ok(Vec::new())
    }

    async fn book_seat(
        &self,
        _session: Uuid,
        _patient: &PatientChoice,
        _notice: Notice<'_>,
    ) -> Result<Uuid, SeatRefusal> {
        Err(SeatRefusal::Closed)
    }

    /// How a visit went is Lumen's own record (its reports and no-show rules read it).
    async fn record_outcome(
        &self,
        appointment: Uuid,
        outcome: Outcome,
        staff: &Principal,
    ) -> Result<(), Refusal> {
        self.lumen()
            .record_outcome(appointment, outcome, staff)
            .await
    }

    /// A booking whose payment did not come in time was already made in the system (when
    /// the patient confirmed): it is cancelled there as Lumen lets it go. Holds' own
    /// reservations lapse there by themselves.
    async fn release_expired(&self) -> Result<u64, Refusal> {
        for there in practice::unpaid_in_time(self.pool, self.clinic_id, self.now).await? {
            match self.system.cancel(&there).await {
                Ok(()) | Err(PracticeError::NotFound) => {}
                Err(error) => {
                    // Lumen lets the time go regardless: its patient is not coming.
                    tracing::error!(%error, "an unpaid booking could not be cancelled in the practice system");
                }
            }
        }
        self.lumen().release_expired().await
    }

    /// The centre's appointments on those days that no Lumen booking is, placed with the
    /// providers they are for (a therapist Lumen does not know is left out).
    async fn booked_elsewhere(
        &self,
        between: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Vec<BookedElsewhere>, Refusal> {
        let days = (
            between.0.date_naive() - Duration::days(1),
            between.1.date_naive() + Duration::days(1),
        );
        let listed = self.system.appointments(days).await?;
        let ids: Vec<String> = listed.iter().map(|a| a.id.clone()).collect();
        let ours = practice::counterparts(self.pool, self.clinic_id, &ids).await?;
        let mapping = practice::mapping(self.pool, self.clinic_id).await?;
        Ok(listed
            .into_iter()
            .filter(|a| a.status != "cancelled" && !ours.contains(&a.id))
            .filter(|a| a.start_time < between.1 && a.end_time > between.0)
            .filter_map(|a| {
                let (provider_id, _) = mapping
                    .therapists
                    .iter()
                    .find(|(_, t)| *t == a.therapist_id)?;
                Some(BookedElsewhere {
                    provider_id: *provider_id,
                    starts: a.start_time,
                    ends: a.end_time,
                    treatment: mapping
                        .services
                        .iter()
                        .find(|s| s.service_id == a.service_id)
                        .map(|s| s.treatment.clone()),
                })
            })
            .collect())
    }
}
