//! The availability engine: which start times a treatment can be booked at, with which
//! provider (and room or device, when it needs one). Pure: the caller gathers schedules and
//! busy times, the engine answers, nothing is read or written here.
//!
//! Working hours are local wall-clock times at the location, turned into instants day by
//! day in its time zone, so a 09:00–17:00 week stays 09:00–17:00 on both sides of a clock
//! change. Candidate starts step through each working window in real time, so on the night
//! the clocks change no start is offered twice and none goes missing beyond the hour that
//! does not exist.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;
use uuid::Uuid;

/// A half-open stretch of time, `[start, end)`: back-to-back stretches do not overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Span { start, end }
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// One range of a provider's usual week, in the location's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyHours {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

/// What the engine needs to know about one provider at the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDiary {
    pub provider: Uuid,
    pub weekly: Vec<WeeklyHours>,
    /// One-off extra hours on top of the usual week.
    pub extra: Vec<Span>,
    /// When they cannot take a new appointment: time off, live holds, and existing
    /// appointments widened by their own treatments' buffers.
    pub busy: Vec<Span>,
}

/// A room or device of the kind the treatment needs, and when it is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomDiary {
    pub room: Uuid,
    pub busy: Vec<Span>,
}

/// The question: where and when, for how long, and within which rules.
#[derive(Debug, Clone)]
pub struct SlotQuery {
    /// The location's time zone (the clinic's, when the location names none).
    pub time_zone: Tz,
    /// Local dates, both included.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub now: DateTime<Utc>,
    /// How long before a start the booking must be made.
    pub min_notice: Duration,
    /// How far ahead a start may be.
    pub horizon: Duration,
    pub duration: Duration,
    pub buffer_before: Duration,
    pub buffer_after: Duration,
    /// Distance between offered starts, counted from the start of each working range.
    pub granularity: Duration,
    /// The rooms or devices one of which the treatment needs; `None` when it needs none.
    pub rooms: Option<Vec<RoomDiary>>,
    /// Local dates the location is closed (`domain::closures`): no appointment starts or
    /// runs on them, whatever the provider's hours say.
    pub closed: Vec<NaiveDate>,
    /// Stop after this many slots (the earliest ones).
    pub limit: Option<usize>,
}

impl SlotQuery {
    /// Whether the appointment `[start, end)` touches a closed day.
    fn on_closed_day(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        if self.closed.is_empty() {
            return false;
        }
        let day = |at: DateTime<Utc>| at.with_timezone(&self.time_zone).date_naive();
        let (first, last) = (day(start), day(end - Duration::seconds(1)));
        self.closed
            .iter()
            .any(|closed| first <= *closed && *closed <= last)
    }
}

/// A bookable start: the appointment's own time (buffers not included), who would take it
/// and in which room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub provider: Uuid,
    pub room: Option<Uuid>,
}

/// Busy times sorted and merged, so one binary search answers "is this span free?".
struct Calendar(Vec<Span>);

impl Calendar {
    fn new(spans: &[Span]) -> Self {
        let mut sorted: Vec<Span> = spans.iter().copied().filter(|s| s.start < s.end).collect();
        sorted.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(sorted.len());
        for span in sorted {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Calendar(merged)
    }

    fn is_free(&self, span: &Span) -> bool {
        // Merged spans have increasing ends: skip those that end before this one starts.
        let next = self.0.partition_point(|busy| busy.end <= span.start);
        self.0.get(next).is_none_or(|busy| busy.start >= span.end)
    }
}

/// The instant a local wall-clock time names. In the hour that repeats when clocks go
/// back, `early` picks the first of the two; a time in the hour that is skipped when they
/// go forward moves on to the first time that exists.
fn instant(zone: Tz, local: NaiveDateTime, early: bool) -> DateTime<Utc> {
    let mut probe = local;
    loop {
        match zone.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, second) => {
                return if early { first } else { second }.with_timezone(&Utc);
            }
            LocalResult::None => probe += Duration::minutes(1),
        }
    }
}

/// A provider's working windows over the query's days, as instants.
fn working_windows(query: &SlotQuery, diary: &ProviderDiary) -> Vec<Span> {
    let mut windows = Vec::new();
    let mut day = query.first_day;
    while day <= query.last_day {
        let weekday = day.weekday().number_from_monday() as u8;
        for hours in diary.weekly.iter().filter(|h| h.weekday == weekday) {
            let start = instant(query.time_zone, day.and_time(hours.starts), true);
            let end = instant(query.time_zone, day.and_time(hours.ends), false);
            if start < end {
                windows.push(Span::new(start, end));
            }
        }
        day = match day.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    let first = instant(
        query.time_zone,
        query.first_day.and_time(NaiveTime::MIN),
        true,
    );
    let after_last = query
        .last_day
        .succ_opt()
        .map(|d| instant(query.time_zone, d.and_time(NaiveTime::MIN), true));
    windows.extend(
        diary.extra.iter().filter(|extra| {
            extra.end > first && after_last.is_none_or(|limit| extra.start < limit)
        }),
    );
    windows
}

/// Every free slot for each provider, earliest first (ties in the providers' order). Each
/// start appears once per provider. With a limit, the earliest that many.
pub fn free_slots(query: &SlotQuery, providers: &[ProviderDiary]) -> Vec<Slot> {
    earliest_slots(query, providers, Count::PerProvider)
}

/// "Any available provider": one slot per start, taken by the first provider (in the
/// order given, such as the clinic's preference) who is free then.
pub fn any_provider(query: &SlotQuery, providers: &[ProviderDiary]) -> Vec<Slot> {
    earliest_slots(query, providers, Count::PerStart)
}

/// What the limit counts: every provider's slot, or each start once.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    PerProvider,
    PerStart,
}

/// The slots, a day at a time: every window that opens on a day is walked before the next
/// day's, so once the slots that start before the next day reach the limit, no later
/// window can add an earlier one and the rest of the range is never computed.
fn earliest_slots(query: &SlotQuery, providers: &[ProviderDiary], count: Count) -> Vec<Slot> {
    if query.duration <= Duration::zero() || query.granularity <= Duration::zero() {
        return Vec::new();
    }
    let rooms: Option<Vec<(Uuid, Calendar)>> = query.rooms.as_ref().map(|rooms| {
        rooms
            .iter()
            .map(|r| (r.room, Calendar::new(&r.busy)))
            .collect()
    });
    let mut diaries: Vec<(usize, &ProviderDiary, Calendar, Vec<Span>)> = providers
        .iter()
        .enumerate()
        .map(|(order, diary)| {
            let mut windows = working_windows(query, diary);
            windows.sort();
            windows.reverse(); // popped earliest first
            (order, diary, Calendar::new(&diary.busy), windows)
        })
        .collect();
    let mut slots: Vec<(usize, Slot)> = Vec::new();
    let mut day = query.first_day;
    loop {
        // The start of the next day; none on the last, whose pass takes every window left.
        let next_day = day.succ_opt().filter(|_| day < query.last_day);
        let before = next_day.map(|d| instant(query.time_zone, d.and_time(NaiveTime::MIN), true));
        for (order, diary, busy, windows) in &mut diaries {
            while let Some(window) = windows.pop() {
                if before.is_some_and(|before| window.start >= before) {
                    windows.push(window);
                    break;
                }
                walk(
                    query,
                    &window,
                    busy,
                    rooms.as_deref(),
                    |start, end, room| {
                        let slot = Slot {
                            start,
                            end,
                            provider: diary.provider,
                            room,
                        };
                        slots.push((*order, slot));
                    },
                );
            }
        }
        // Every window opens before the day after the last (`working_windows`), so the last
        // day's pass walks them all. Without a limit there is nothing to count.
        let enough = query.limit.is_some_and(|limit| {
            sort_and_dedup(&mut slots, count);
            let known = match before {
                Some(before) => slots.partition_point(|(_, slot)| slot.start < before),
                None => slots.len(),
            };
            known >= limit
        });
        match next_day {
            Some(next) if !enough => day = next,
            _ => break,
        }
    }
    sort_and_dedup(&mut slots, count);
    let mut slots: Vec<Slot> = slots.into_iter().map(|(_, slot)| slot).collect();
    if let Some(limit) = query.limit {
        slots.truncate(limit);
    }
    slots
}

/// Earliest first, ties in the providers' order; each start once per provider, or once.
fn sort_and_dedup(slots: &mut Vec<(usize, Slot)>, count: Count) {
    slots.sort_by_key(|(order, slot)| (slot.start, *order));
    match count {
        Count::PerProvider => slots.dedup_by_key(|(order, slot)| (slot.start, *order)),
        Count::PerStart => slots.dedup_by_key(|(_, slot)| slot.start),
    }
}

/// Calls `found` with every free start in `window`: within notice and horizon, off closed
/// days, clear of the provider's busy times (buffers included), with a free room when one
/// is needed.
fn walk(
    query: &SlotQuery,
    window: &Span,
    busy: &Calendar,
    rooms: Option<&[(Uuid, Calendar)]>,
    mut found: impl FnMut(DateTime<Utc>, DateTime<Utc>, Option<Uuid>),
) {
    let earliest = query.now + query.min_notice;
    let latest = query.now + query.horizon;
    let mut start = window.start;
    while start + query.duration <= window.end {
        let end = start + query.duration;
        let padded = Span::new(start - query.buffer_before, end + query.buffer_after);
        if start >= earliest
            && start <= latest
            && !query.on_closed_day(start, end)
            && busy.is_free(&padded)
        {
            let room = match rooms {
                None => Some(None),
                Some(rooms) => rooms
                    .iter()
                    .find(|(_, calendar)| calendar.is_free(&padded))
                    .map(|(room, _)| Some(*room)),
            };
            if let Some(room) = room {
                found(start, end, room);
            }
        }
        start += query.granularity;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::London};
    use proptest::prelude::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn every_day(starts: NaiveTime, ends: NaiveTime) -> Vec<WeeklyHours> {
        (1..=7)
            .map(|weekday| WeeklyHours {
                weekday,
                starts,
                ends,
            })
            .collect()
    }

    fn provider(n: u128, weekly: Vec<WeeklyHours>) -> ProviderDiary {
        ProviderDiary {
            provider: Uuid::from_u128(n),
            weekly,
            extra: Vec::new(),
            busy: Vec::new(),
        }
    }

    fn query(zone: Tz, first_day: NaiveDate, last_day: NaiveDate) -> SlotQuery {
        SlotQuery {
            time_zone: zone,
            first_day,
            last_day,
            now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            min_notice: Duration::zero(),
            horizon: Duration::days(400),
            duration: Duration::minutes(60),
            buffer_before: Duration::zero(),
            buffer_after: Duration::zero(),
            granularity: Duration::minutes(60),
            rooms: None,
            closed: Vec::new(),
            limit: None,
        }
    }

    fn local_starts(zone: Tz, slots: &[Slot], day: NaiveDate) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start.with_timezone(&zone))
            .filter(|t| t.date_naive() == day)
            .map(|t| t.format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn nine_to_five_stays_nine_to_five_across_every_clock_change() {
        let nine_to_five: Vec<String> = (9..17).map(|h| format!("{h:02}:00")).collect();
        for (zone, change) in [
            (London, date(2026, 3, 29)),
            (London, date(2026, 10, 25)),
            (New_York, date(2026, 3, 8)),
            (New_York, date(2026, 11, 1)),
        ] {
            let q = query(zone, change.pred_opt().unwrap(), change.succ_opt().unwrap());
            let slots = free_slots(&q, &[provider(1, every_day(time(9, 0), time(17, 0)))]);
            for day in [
                change.pred_opt().unwrap(),
                change,
                change.succ_opt().unwrap(),
            ] {
                assert_eq!(
                    local_starts(zone, &slots, day),
                    nine_to_five,
                    "{zone} {day}"
                );
            }
        }
    }

    #[test]
    fn a_night_across_the_skipped_hour_offers_each_real_time_once() {
        // London, 29 March 2026: 01:00 becomes 02:00. A 00:30–03:30 range is two real
        // hours long; half-hour slots of 30 minutes fill it without a gap or a repeat.
        let mut q = query(London, date(2026, 3, 29), date(2026, 3, 29));
        q.duration = Duration::minutes(30);
        q.granularity = Duration::minutes(30);
        let slots = free_slots(&q, &[provider(1, every_day(time(0, 30), time(3, 30)))]);
        assert_eq!(
            local_starts(London, &slots, date(2026, 3, 29)),
            ["00:30", "02:00", "02:30", "03:00"]
        );
    }

    #[test]
    fn a_night_across_the_repeated_hour_offers_both_of_its_halves() {
        // London, 25 October 2026: 02:00 goes back to 01:00, so 01:00–01:30 happens twice.
        let mut q = query(London, date(2026, 10, 25), date(2026, 10, 25));
        q.duration = Duration::minutes(30);
        q.granularity = Duration::minutes(30);
        let slots = free_slots(&q, &[provider(1, every_day(time(0, 30), time(1, 30)))]);
        let starts: Vec<String> = slots
            .iter()
            .map(|s| s.start.format("%H:%M UTC").to_string())
            .collect();
        assert_eq!(starts, ["23:30 UTC", "00:00 UTC", "00:30 UTC", "01:00 UTC"]);
    }

    #[test]
    fn buffers_keep_a_gap_around_existing_appointments() {
        let day = date(2026, 6, 1);
        let mut q = query(London, day, day);
        q.buffer_before = Duration::minutes(15);
        q.buffer_after = Duration::minutes(15);
        let mut amara = provider(1, every_day(time(9, 0), time(13, 0)));
        // Booked 11:00–12:00 local (10:00–11:00 UTC in summer).
        amara.busy.push(Span::new(
            Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 6, 1, 11, 0, 0).unwrap(),
        ));
        let slots = free_slots(&q, &[amara]);
        // 09:00 fits (its clean-up ends 10:15); 10:00 would clean up into 11:00; 12:00's
        // preparation would start inside the appointment.
        assert_eq!(local_starts(London, &slots, day), ["09:00"]);
    }

    #[test]
    fn notice_and_horizon_bound_the_offer() {
        let day = date(2026, 6, 1);
        let mut q = query(London, day, day);
        q.now = Utc.with_ymd_and_hms(2026, 6, 1, 8, 30, 0).unwrap(); // 09:30 local
        q.min_notice = Duration::hours(2);
        q.horizon = Duration::hours(5);
        let slots = free_slots(&q, &[provider(1, every_day(time(9, 0), time(17, 0)))]);
        assert_eq!(
            local_starts(London, &slots, day),
            ["12:00", "13:00", "14:00"]
        );
    }

    #[test]
    fn a_treatment_that_needs_a_room_waits_for_a_free_one() {
        let day = date(2026, 6, 1);
        let mut q = query(London, day, day);
        let laser = Uuid::from_u128(99);
        q.rooms = Some(vec![RoomDiary {
            room: laser,
            // Taken 09:00–11:00 local.
            busy: vec![Span::new(
                Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap(),
            )],
        }]);
        let slots = free_slots(&q, &[provider(1, every_day(time(9, 0), time(13, 0)))]);
        assert_eq!(local_starts(London, &slots, day), ["11:00", "12:00"]);
        assert!(slots.iter().all(|s| s.room == Some(laser)));
        q.rooms = Some(Vec::new());
        let none = free_slots(&q, &[provider(1, every_day(time(9, 0), time(13, 0)))]);
        assert!(
            none.is_empty(),
            "a needed room that does not exist is never free"
        );
    }

    #[test]
    fn any_provider_offers_each_start_once_with_the_first_who_is_free() {
        let day = date(2026, 6, 1);
        let q = query(London, day, day);
        let mut first = provider(1, every_day(time(9, 0), time(11, 0)));
        first.busy.push(Span::new(
            Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(),
        ));
        let second = provider(2, every_day(time(9, 0), time(12, 0)));
        let slots = any_provider(&q, &[first, second]);
        let who: Vec<(String, u128)> = slots
            .iter()
            .map(|s| {
                (
                    s.start.with_timezone(&London).format("%H:%M").to_string(),
                    s.provider.as_u128(),
                )
            })
            .collect();
        assert_eq!(
            who,
            [
                ("09:00".into(), 2),
                ("10:00".into(), 1),
                ("11:00".into(), 2)
            ]
        );
    }

    #[test]
    fn extra_hours_add_to_the_week_and_a_limit_keeps_the_earliest() {
        let day = date(2026, 6, 6);
        let mut q = query(London, day, day);
        let mut sofia = provider(1, Vec::new());
        sofia.extra.push(Span::new(
            Utc.with_ymd_and_hms(2026, 6, 6, 9, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 6, 6, 12, 0, 0).unwrap(),
        ));
        q.limit = Some(2);
        let slots = free_slots(&q, &[sofia]);
        assert_eq!(local_starts(London, &slots, day), ["10:00", "11:00"]);
    }

    fn zone() -> impl Strategy<Value = Tz> {
        prop_oneof![Just(London), Just(New_York), Just(chrono_tz::UTC)]
    }

    prop_compose! {
        fn weekly_hours()(weekday in 1u8..=7, start in 12u32..40, length in 2u32..20)
            -> WeeklyHours {
            // Half hours from 06:00; at most ten hours long, ending by 23:30.
            let starts = time(start / 2, (start % 2) * 30);
            let end = (start + length).min(47);
            WeeklyHours { weekday, starts, ends: time(end / 2, (end % 2) * 30) }
        }
    }

    prop_compose! {
        fn busy(first: DateTime<Utc>)(offset in 0i64..(14 * 24 * 4), length in 1i64..16)
            -> Span {
            let start = first + Duration::minutes(15 * offset);
            Span::new(start, start + Duration::minutes(15 * length))
        }
    }

    fn scenario() -> impl Strategy<Value = (SlotQuery, Vec<ProviderDiary>)> {
        let first = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
        (
            zone(),
            0u32..40,
            1u32..10,
            prop::collection::vec(
                (
                    prop::collection::vec(weekly_hours(), 0..6),
                    prop::collection::vec(busy(first), 0..20),
                ),
                1..4,
            ),
            (
                1i64..13,
                0i64..4,
                0i64..4,
                prop_oneof![Just(5i64), Just(10), Just(15), Just(30)],
            ),
            prop::option::of(prop::collection::vec(
                prop::collection::vec(busy(first), 0..10),
                0..3,
            )),
            (0i64..72, 0i64..20),
            prop::collection::vec(0i64..12, 0..3),
        )
            .prop_map(
                move |(
                    zone,
                    start_day,
                    days,
                    providers,
                    (length, before, after, step),
                    rooms,
                    (notice, horizon_days),
                    closed,
                )| {
                    let first_day = date(2026, 3, 20) + Duration::days(start_day.into());
                    let query = SlotQuery {
                        time_zone: zone,
                        first_day,
                        last_day: first_day + Duration::days(days.into()),
                        now: first + Duration::hours(24),
                        min_notice: Duration::hours(notice),
                        horizon: Duration::days(horizon_days + 1),
                        duration: Duration::minutes(15 * length),
                        buffer_before: Duration::minutes(5 * before),
                        buffer_after: Duration::minutes(5 * after),
                        granularity: Duration::minutes(step),
                        rooms: rooms.map(|rooms| {
                            rooms
                                .into_iter()
                                .enumerate()
                                .map(|(n, busy)| RoomDiary {
                                    room: Uuid::from_u128(1000 + n as u128),
                                    busy,
                                })
                                .collect()
                        }),
                        closed: closed
                            .into_iter()
                            .map(|offset| first_day + Duration::days(offset))
                            .collect(),
                        limit: None,
                    };
                    let providers = providers
                        .into_iter()
                        .enumerate()
                        .map(|(n, (weekly, busy))| ProviderDiary {
                            provider: Uuid::from_u128(n as u128 + 1),
                            weekly,
                            extra: Vec::new(),
                            busy,
                        })
                        .collect();
                    (query, providers)
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn stopping_early_gives_the_same_earliest_slots((q, providers) in scenario(), limit in 1usize..40) {
            let everything = SlotQuery { limit: None, ..q.clone() };
            let limited = SlotQuery { limit: Some(limit), ..q.clone() };
            let all = free_slots(&everything, &providers);
            prop_assert_eq!(free_slots(&limited, &providers), all[..all.len().min(limit)].to_vec());
            let all = any_provider(&everything, &providers);
            prop_assert_eq!(any_provider(&limited, &providers), all[..all.len().min(limit)].to_vec());
        }

        #[test]
        fn every_slot_keeps_every_rule((q, providers) in scenario()) {
            let slots = free_slots(&q, &providers);
            // Sorted and unique.
            for pair in slots.windows(2) {
                prop_assert!((pair[0].start, pair[0].provider) != (pair[1].start, pair[1].provider));
                prop_assert!(pair[0].start <= pair[1].start);
            }
            for slot in &slots {
                let diary = providers.iter().find(|p| p.provider == slot.provider).unwrap();
                prop_assert_eq!(slot.end - slot.start, q.duration);
                let padded = Span::new(slot.start - q.buffer_before, slot.end + q.buffer_after);
                // No overlap with anything that keeps the provider busy, buffers included.
                prop_assert!(diary.busy.iter().all(|b| !b.overlaps(&padded)));
                // Inside working hours, read back in local time on the slot's own day.
                let local_start = slot.start.with_timezone(&q.time_zone);
                let local_end = slot.end.with_timezone(&q.time_zone);
                let weekday = local_start.weekday().number_from_monday() as u8;
                prop_assert!(diary.weekly.iter().any(|h| h.weekday == weekday
                    && h.starts <= local_start.time()
                    && (local_end.date_naive() == local_start.date_naive() && local_end.time() <= h.ends)));
                prop_assert!(local_start.date_naive() >= q.first_day && local_start.date_naive() <= q.last_day);
                // Never on a closed day.
                prop_assert!(!q.closed.contains(&local_start.date_naive()));
                // Notice and horizon.
                prop_assert!(slot.start >= q.now + q.min_notice);
                prop_assert!(slot.start <= q.now + q.horizon);
                // A needed room is one of the listed ones and free for the whole time.
                match &q.rooms {
                    None => prop_assert!(slot.room.is_none()),
                    Some(rooms) => {
                        let room = rooms.iter().find(|r| Some(r.room) == slot.room);
                        prop_assert!(room.is_some());
                        prop_assert!(room.unwrap().busy.iter().all(|b| !b.overlaps(&padded)));
                    }
                }
            }
            // "Any provider" offers each start once, and only starts someone has.
            let any = any_provider(&q, &providers);
            for pair in any.windows(2) {
                prop_assert!(pair[0].start < pair[1].start);
            }
            prop_assert!(any.iter().all(|a| slots.contains(a)));
        }

        #[test]
        fn closing_days_takes_away_exactly_their_slots((q, providers) in scenario()) {
            let open = SlotQuery { closed: Vec::new(), ..q.clone() };
            let on_open_days: Vec<Slot> = free_slots(&open, &providers)
                .into_iter()
                .filter(|s| !q.closed.contains(&s.start.with_timezone(&q.time_zone).date_naive()))
                .collect();
            prop_assert_eq!(free_slots(&q, &providers), on_open_days);
        }
    }

    #[test]
    fn a_closed_day_offers_nothing_even_in_extra_hours() {
        let (christmas, boxing_day) = (date(2026, 12, 25), date(2026, 12, 26));
        let mut q = query(London, christmas, boxing_day);
        q.closed = vec![christmas];
        let mut sofia = provider(1, every_day(time(9, 0), time(12, 0)));
        sofia.extra.push(Span::new(
            Utc.with_ymd_and_hms(2026, 12, 25, 13, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 25, 15, 0, 0).unwrap(),
        ));
        let slots = free_slots(&q, &[sofia]);
        assert!(local_starts(London, &slots, christmas).is_empty());
        assert_eq!(
            local_starts(London, &slots, boxing_day),
            ["09:00", "10:00", "11:00"]
        );
    }
}
