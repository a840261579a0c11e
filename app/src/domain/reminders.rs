//! When an appointment's reminders go: so many hours before it, read in the location's
//! time zone, never in the clinic's quiet hours (moved out of them, not dropped), and
//! never late (a booking made inside a reminder's window does not get that reminder).

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The clinic's quiet hours, local time: from `start` to `end`, across midnight when
/// `end` is earlier (the default, 21:00–08:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            start: NaiveTime::from_hms_opt(21, 0, 0).expect("a time"),
            end: NaiveTime::from_hms_opt(8, 0, 0).expect("a time"),
        }
    }
}

impl QuietHours {
    /// Whether the local time `t` falls inside them.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start == self.end {
            false
        } else if self.start < self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// The clinic's reminder rules: so many hours before, by which channels (each patient's
/// own choices decide among them), and when not to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRules {
    /// Largest first, no repeats.
    pub hours_before: Vec<i32>,
    pub by_email: bool,
    pub by_sms: bool,
    pub by_whatsapp: bool,
    pub quiet: QuietHours,
}

/// At most this many reminders per appointment: more would be nagging.
pub const MOST_REMINDERS: usize = 4;

/// Hours as staff type them: `24, 2` (commas or spaces); empty means no reminders.
pub fn parse_hours(raw: &str) -> Result<Vec<i32>, &'static str> {
    const PROBLEM: &str =
        "Enter up to four whole numbers of hours from 1 to 168, such as 24, 2 (or leave it empty for no reminders).";
    let mut hours = Vec::new();
    for part in raw.split([',', ' ', ';']).filter(|p| !p.trim().is_empty()) {
        match part.trim().trim_end_matches('h').parse::<i32>() {
            Ok(h) if (1..=168).contains(&h) => hours.push(h),
            _ => return Err(PROBLEM),
        }
    }
    hours.sort_unstable_by(|a, b| b.cmp(a));
    hours.dedup();
    if hours.len() > MOST_REMINDERS {
        return Err(PROBLEM);
    }
    Ok(hours)
}

/// A local time of day as staff type it, `21:00` or `9:30`.
pub fn parse_time_of_day(raw: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok()
}

/// How long before the appointment a reminder moved out of quiet hours must still arrive:
/// a reminder at the door is no reminder.
pub const LEAST_NOTICE: Duration = Duration::minutes(30);
/// A reminder moved to before quiet hours goes this long before they begin.
const BEFORE_QUIET: Duration = Duration::minutes(15);

/// The instant the reminder `hours_before` the appointment starting at `start` goes,
/// or `None` when it would be late (its moment has passed at `now`).
pub fn reminder_at(
    start: DateTime<Utc>,
    hours_before: i32,
    zone: Tz,
    quiet: QuietHours,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let due = start - Duration::hours(i64::from(hours_before));
    if due <= now {
        return None;
    }
    let local = due.with_timezone(&zone).naive_local();
    if !quiet.contains(local.time()) {
        return Some(due);
    }
    // After quiet hours end, when that still leaves notice; else before they began.
    let after = next_at(local, quiet.end, zone);
    if after + LEAST_NOTICE <= start {
        return Some(after);
    }
    let before = previous_at(local, quiet.start, zone) - BEFORE_QUIET;
    if before > now {
        Some(before)
    } else if after < start {
        Some(after)
    } else {
        None
    }
}

/// The first local `time` after `local`, as an instant.
fn next_at(local: NaiveDateTime, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let mut day = local.date();
    if time <= local.time() {
        day = day.succ_opt().expect("a next day");
    }
    instant(day.and_time(time), zone)
}

/// The last local `time` at or before `local`, as an instant.
fn previous_at(local: NaiveDateTime, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let mut day = local.date();
    if time > local.time() {
        day = day.pred_opt().expect("a previous day");
    }
    instant(day.and_time(time), zone)
}

/// A local time as an instant: the earlier of two in the autumn's repeated hour, and the
/// first moment after the spring's skipped hour.
fn instant(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => instant(local + Duration::hours(1), zone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::London};
    use proptest::prelude::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn local(zone: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        zone.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn long_ago() -> DateTime<Utc> {
        utc(2026, 1, 1, 0, 0)
    }

    #[test]
    fn twenty_four_hours_before_means_elapsed_hours_across_a_clock_change() {
        // London springs forward at 01:00 on Sunday 29 March 2026: 24 hours before Sunday
        // 10:00 BST is Saturday 09:00 GMT, an hour earlier on the clock.
        let start = local(London, 2026, 3, 29, 10, 0);
        let at = reminder_at(start, 24, London, QuietHours::default(), long_ago()).unwrap();
        assert_eq!(at, start - Duration::hours(24));
        assert_eq!(at, local(London, 2026, 3, 28, 9, 0));
        // New York falls back at 02:00 on Sunday 1 November 2026: 24 hours before Sunday
        // 10:00 EST is Saturday 11:00 EDT.
        let start = local(New_York, 2026, 11, 1, 10, 0);
        let at = reminder_at(start, 24, New_York, QuietHours::default(), long_ago()).unwrap();
        assert_eq!(at, local(New_York, 2026, 10, 31, 11, 0));
    }

    #[test]
    fn a_reminder_due_in_quiet_hours_goes_when_they_end() {
        // 2 hours before 09:30 is 07:30, quiet: it goes at 08:00.
        let start = local(London, 2026, 6, 10, 9, 30);
        let at = reminder_at(start, 2, London, QuietHours::default(), long_ago()).unwrap();
        assert_eq!(at, local(London, 2026, 6, 10, 8, 0));
    }

    #[test]
    fn when_the_end_of_quiet_hours_is_too_late_it_goes_the_evening_before() {
        // 2 hours before 08:15 is 06:15; 08:00 would leave 15 minutes: 20:45 the day before.
        let start = local(New_York, 2026, 6, 10, 8, 15);
        let at = reminder_at(start, 2, New_York, QuietHours::default(), long_ago()).unwrap();
        assert_eq!(at, local(New_York, 2026, 6, 9, 20, 45));
    }

    #[test]
    fn quiet_hours_end_on_the_morning_after_a_clock_change() {
        // 24 hours before Monday 30 March 07:00 BST is Sunday 06:00 BST (quiet): the
        // reminder goes at Sunday 08:00 BST, the first morning of summer time.
        let start = local(London, 2026, 3, 30, 7, 0);
        let at = reminder_at(start, 24, London, QuietHours::default(), long_ago()).unwrap();
        assert_eq!(at, local(London, 2026, 3, 29, 8, 0));
    }

    #[test]
    fn a_booking_inside_a_reminders_window_does_not_get_it_late() {
        let start = utc(2026, 6, 10, 14, 0);
        let now = utc(2026, 6, 10, 1, 0);
        assert_eq!(
            reminder_at(start, 24, London, QuietHours::default(), now),
            None
        );
        assert!(reminder_at(start, 2, London, QuietHours::default(), now).is_some());
    }

    #[test]
    fn quiet_hours_may_lie_within_one_day_or_across_midnight() {
        let q = QuietHours::default();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(q.contains(t(21, 0)) && q.contains(t(2, 0)) && q.contains(t(7, 59)));
        assert!(!q.contains(t(8, 0)) && !q.contains(t(20, 59)));
        let lunch = QuietHours {
            start: t(12, 0),
            end: t(13, 0),
        };
        assert!(lunch.contains(t(12, 30)) && !lunch.contains(t(13, 0)));
    }

    #[test]
    fn hours_are_read_as_staff_type_them() {
        assert_eq!(parse_hours("2, 24"), Ok(vec![24, 2]));
        assert_eq!(parse_hours("48h 24 24"), Ok(vec![48, 24]));
        assert_eq!(parse_hours("  "), Ok(vec![]));
        for bad in ["0", "169", "tomorrow", "1,2,3,4,5", "2.5"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_time_of_day("9:30"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_time_of_day("25:00"), None);
    }

    proptest! {
        #[test]
        fn a_reminder_is_never_in_quiet_hours_never_late_and_never_after_the_start(
            minutes in 0i64..(60 * 24 * 365), hours_before in 1i32..72, now_back in 0i64..200
        ) {
            for zone in [London, New_York] {
                let start = utc(2026, 1, 1, 0, 0) + Duration::minutes(minutes);
                let now = start - Duration::hours(now_back);
                let quiet = QuietHours::default();
                if let Some(at) = reminder_at(start, hours_before, zone, quiet, now) {
                    prop_assert!(at > now);
                    prop_assert!(at < start);
                    prop_assert!(!quiet.contains(at.with_timezone(&zone).time()));
                    // Moved by at most the quiet night, 11 hours long, or 12 on the night
                    // the clocks go back.
                    prop_assert!(at <= start - Duration::hours(i64::from(hours_before)) + Duration::hours(12));
                }
            }
        }
    }
}
