//! Which free times to offer a patient whose chosen time was just taken: near the one they
//! wanted, and, between times about as near, those in a quieter stretch of the clinic's day
//! (more free times around them), which the patient is likelier to get and which fill the
//! clinic's gaps rather than its rush.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How many alternatives a patient is shown.
pub const SHOWN: usize = 3;
/// The stretch either side of a time in which free times make it quiet.
const AROUND: i64 = 60;

/// A free time as the ranking sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub provider: Uuid,
    pub start: DateTime<Utc>,
}

/// How quiet the provider is around `time`: the share of the starts the hour either side
/// could hold (every `step`) that are free, from 0 (all taken) to 1.
fn quiet(time: &Candidate, free: &[Candidate], step: Duration) -> f64 {
    let window = Duration::minutes(AROUND);
    let free_around = free
        .iter()
        .filter(|other| {
            other.provider == time.provider
                && other.start != time.start
                && (other.start - time.start).abs() <= window
        })
        .count();
    let possible = (2 * window.num_minutes() / step.num_minutes().max(1)).max(1) as f64;
    (free_around as f64 / possible).min(1.0)
}

/// The [`SHOWN`] best of `free` instead of `wanted`, earliest first. Each is scored by how
/// far it is from `wanted`, in hours, plus up to one hour for how busy its stretch is: a
/// time in a quiet stretch wins over one up to an hour nearer in a full one, never over
/// one much nearer.
pub fn rank(wanted: DateTime<Utc>, free: &[Candidate], step: Duration) -> Vec<Candidate> {
    let score = |time: &Candidate| {
        let hours = (time.start - wanted).num_minutes().abs() as f64 / 60.0;
        hours + (1.0 - quiet(time, free, step))
    };
    let mut ranked: Vec<Candidate> = free.iter().copied().filter(|t| t.start != wanted).collect();
    ranked.sort_by(|a, b| score(a).total_cmp(&score(b)).then(a.start.cmp(&b.start)));
    ranked.truncate(SHOWN);
    ranked.sort_by_key(|t| t.start);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const GRANT: Uuid = Uuid::from_u128(1);

    fn at(hour: u32, minute: u32) -> Candidate {
        Candidate {
            provider: GRANT,
            start: Utc.with_ymd_and_hms(2026, 3, 17, hour, minute, 0).unwrap(),
        }
    }

    fn starts(ranked: &[Candidate]) -> Vec<String> {
        ranked
            .iter()
            .map(|t| t.start.format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn between_times_about_as_near_the_quieter_stretch_wins() {
        let step = Duration::minutes(15);
        // 10:00 wanted. 09:00 is free alone in a full early morning; from 11:15 the day is
        // free every quarter hour. The three nearest would include 09:00; 11:30, a
        // little further but in the quiet stretch, goes before it.
        let free = [
            at(9, 0),
            at(10, 30),
            at(11, 15),
            at(11, 30),
            at(11, 45),
            at(12, 0),
            at(12, 15),
        ];
        let wanted = at(10, 0).start;
        assert_eq!(
            starts(&rank(wanted, &free, step)),
            ["10:30", "11:15", "11:30"]
        );
    }

    #[test]
    fn a_much_nearer_time_wins_however_busy() {
        let step = Duration::minutes(15);
        let free = [at(10, 15), at(14, 0), at(14, 15), at(14, 30), at(14, 45)];
        let ranked = rank(at(10, 0).start, &free, step);
        assert_eq!(starts(&ranked), ["10:15", "14:00", "14:15"]);
        // The wanted time itself is never offered back.
        assert!(!starts(&rank(at(14, 0).start, &free, step)).contains(&"14:00".to_owned()));
    }
}
