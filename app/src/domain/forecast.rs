//! Demand for the coming weeks, from the booking history: how many visits are likely to be
//! asked for in each hour of each weekday, and how well the method would have done on the
//! weeks it did not see.
//!
//! The method is a seasonal baseline with a damped trend. The season is the week: an
//! hour's baseline is its mean over the last [`SEASON_WEEKS`] weeks. The trend is the
//! ratio of the whole clinic's last [`TREND_WEEKS`] weeks to the [`TREND_WEEKS`] before
//! them, halved towards 1 (a busy month rarely doubles the next) and kept between 0.5 and
//! 2. It is scored by holding out the latest weeks, forecasting them from the weeks
//! before, and comparing the mean absolute error with the naive forecast "the same hour
//! last week".

use serde::{Deserialize, Serialize};

/// Visits in each hour (00–23) of each weekday (Monday first) of one week.
pub type WeekGrid = [[f64; 24]; 7];

/// Weeks the baseline averages over.
pub const SEASON_WEEKS: usize = 8;
/// Weeks each side of the trend's ratio.
pub const TREND_WEEKS: usize = 4;

fn total(week: &WeekGrid) -> f64 {
    week.iter().flatten().sum()
}

/// The trend factor of `history` (oldest week first): recent weeks over the ones before,
/// damped by half and kept between 0.5 and 2; 1 without enough history.
pub fn trend(history: &[WeekGrid]) -> f64 {
    if history.len() < 2 * TREND_WEEKS {
        return 1.0;
    }
    let recent: f64 = history[history.len() - TREND_WEEKS..]
        .iter()
        .map(total)
        .sum();
    let before: f64 = history[history.len() - 2 * TREND_WEEKS..history.len() - TREND_WEEKS]
        .iter()
        .map(total)
        .sum();
    if before == 0.0 {
        return 1.0;
    }
    (1.0 + (recent / before - 1.0) / 2.0).clamp(0.5, 2.0)
}

/// The expected visits per hour of a coming week, from `history` (oldest week first).
pub fn forecast(history: &[WeekGrid]) -> WeekGrid {
    let season = &history[history.len().saturating_sub(SEASON_WEEKS)..];
    let mut grid = [[0.0; 24]; 7];
    if season.is_empty() {
        return grid;
    }
    let factor = trend(history);
    for (day, hours) in grid.iter_mut().enumerate() {
        for (hour, cell) in hours.iter_mut().enumerate() {
            let mean = season.iter().map(|week| week[day][hour]).sum::<f64>() / season.len() as f64;
            *cell = mean * factor;
        }
    }
    grid
}

/// How the method did on held-out weeks, beside the naive "same hour last week".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Weeks held out and forecast.
    pub weeks: usize,
    /// Mean absolute error per hour of the week, in visits.
    pub error: f64,
    pub naive_error: f64,
}

/// Forecasts each of the last `held_out` weeks from the weeks before it and scores the
/// forecasts; `None` when there is too little history to hold any out.
pub fn backtest(history: &[WeekGrid], held_out: usize) -> Option<Score> {
    let held_out = held_out.min(history.len().saturating_sub(1));
    if held_out == 0 {
        return None;
    }
    let cells = (7 * 24 * held_out) as f64;
    let (mut error, mut naive_error) = (0.0, 0.0);
    for index in history.len() - held_out..history.len() {
        let seen = &history[..index];
        let predicted = forecast(seen);
        let last_week = seen[seen.len() - 1];
        let actual = history[index];
        for day in 0..7 {
            for hour in 0..24 {
                error += (predicted[day][hour] - actual[day][hour]).abs();
                naive_error += (last_week[day][hour] - actual[day][hour]).abs();
            }
        }
    }
    Some(Score {
        weeks: held_out,
        error: error / cells,
        naive_error: naive_error / cells,
    })
}

/// What staff could do about an hour of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Advice {
    /// More visits are likely to be asked for than the working hours hold: add a session
    /// or hours.
    AddHours,
    /// Working hours stand mostly empty: worth a promotion.
    Promote,
}

/// An hour of the coming week worth acting on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    pub hour: u8,
    pub advice: Advice,
    /// Visits likely to be asked for.
    pub demand: f64,
    /// Visits the working hours hold.
    pub capacity: f64,
}

/// Under this share of its capacity an hour counts as quiet.
const QUIET: f64 = 0.25;
/// Suggestions of each kind, the strongest first.
const SUGGESTIONS: usize = 5;

/// Visits each hour of work holds, for visits of `visit_minutes`.
pub fn capacity(supply_hours: &WeekGrid, visit_minutes: f64) -> WeekGrid {
    let per_hour = if visit_minutes > 0.0 {
        60.0 / visit_minutes
    } else {
        0.0
    };
    supply_hours.map(|hours| hours.map(|h| h * per_hour))
}

/// The hours where likely demand outruns what the working hours hold (at least one visit
/// more), and those where at least one visit's room stands mostly empty; the strongest
/// five of each.
pub fn suggest(demand: &WeekGrid, capacity: &WeekGrid) -> Vec<Suggestion> {
    let mut short = Vec::new();
    let mut quiet = Vec::new();
    for day in 0..7 {
        for hour in 0..24 {
            let (asked, holds) = (demand[day][hour], capacity[day][hour]);
            let suggestion = |advice| Suggestion {
                weekday: day as u8 + 1,
                hour: hour as u8,
                advice,
                demand: asked,
                capacity: holds,
            };
            if asked >= holds + 1.0 {
                short.push(suggestion(Advice::AddHours));
            } else if holds >= 1.0 && asked < holds * QUIET {
                quiet.push(suggestion(Advice::Promote));
            }
        }
    }
    let by = |gap: fn(&Suggestion) -> f64| {
        move |a: &Suggestion, b: &Suggestion| gap(b).total_cmp(&gap(a))
    };
    short.sort_by(by(|s| s.demand - s.capacity));
    quiet.sort_by(by(|s| s.capacity - s.demand));
    short.truncate(SUGGESTIONS);
    quiet.truncate(SUGGESTIONS);
    short.extend(quiet);
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A week shaped like a clinic's: Monday 10:00 is busiest, Thursday evenings busy, all
    /// scaled by `scale`.
    fn week(scale: f64) -> WeekGrid {
        let mut grid = [[0.0; 24]; 7];
        grid[0][10] = 6.0 * scale;
        grid[0][11] = 4.0 * scale;
        grid[3][18] = 5.0 * scale;
        grid[5][9] = 2.0 * scale;
        grid
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_steady_week_is_recovered_exactly() {
        let history = vec![week(1.0); 12];
        let predicted = forecast(&history);
        assert!(close(predicted[0][10], 6.0) && close(predicted[3][18], 5.0));
        assert!(close(predicted[2][14], 0.0));
        let score = backtest(&history, 4).unwrap();
        assert!(close(score.error, 0.0) && close(score.naive_error, 0.0));
    }

    #[test]
    fn growth_is_followed_damped_and_beats_last_week_on_noisy_history() {
        // Eight quiet weeks, then four twice as busy: the trend is (2 - 1) / 2 + 1 = 1.5.
        let mut history = vec![week(1.0); 8];
        history.extend(vec![week(2.0); 4]);
        assert!(close(trend(&history), 1.5));
        // The season's mean is 1.5 (four of eight weeks doubled), times 1.5.
        assert!(close(forecast(&history)[0][10], 6.0 * 1.5 * 1.5));
        // Alternating busy and quiet weeks around a steady pattern: "last week" is always
        // wrong by the swing; the season's mean is not.
        let swinging: Vec<WeekGrid> = (0..16)
            .map(|w| week(if w % 2 == 0 { 1.5 } else { 0.5 }))
            .collect();
        let score = backtest(&swinging, 4).unwrap();
        assert!(close(score.error * 2.0, score.naive_error), "{score:?}");
        assert!(score.error > 0.0);
        assert_eq!(score.weeks, 4);
    }

    #[test]
    fn too_little_history_forecasts_nothing_and_scores_nothing() {
        assert_eq!(forecast(&[]), [[0.0; 24]; 7]);
        assert_eq!(backtest(&[week(1.0)], 4), None);
        assert!(close(trend(&[week(1.0); 3]), 1.0));
    }

    #[test]
    fn hours_short_of_room_and_quiet_hours_are_suggested_strongest_first() {
        let mut demand = [[0.0; 24]; 7];
        let mut supply = [[0.0; 24]; 7];
        // Monday 10:00: 5 asked for one provider-hour of 45-minute visits (1.33 visits).
        demand[0][10] = 5.0;
        supply[0][10] = 1.0;
        // Monday 11:00: 3 asked, same room: short by less.
        demand[0][11] = 3.0;
        supply[0][11] = 1.0;
        // Tuesday 15:00: two providers, nearly nobody; Tuesday 16:00 half full.
        demand[1][15] = 0.5;
        supply[1][15] = 2.0;
        demand[1][16] = 1.5;
        supply[1][16] = 2.0;
        // Saturday 09:00 asked for with no hours at all.
        demand[5][9] = 2.0;
        let room = capacity(&supply, 45.0);
        assert!(close(room[1][15], 2.0 * 60.0 / 45.0));
        let suggested: Vec<(u8, u8, Advice)> = suggest(&demand, &room)
            .iter()
            .map(|s| (s.weekday, s.hour, s.advice))
            .collect();
        assert_eq!(
            suggested,
            [
                (1, 10, Advice::AddHours),
                (6, 9, Advice::AddHours),
                (1, 11, Advice::AddHours),
                (2, 15, Advice::Promote),
            ]
        );
    }
}
