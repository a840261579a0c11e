//! Sliding-window rate limits: at most `limit` attempts in any `window`.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub attempts: usize,
    pub window: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused; the earliest moment another attempt will be allowed is this far away.
    RetryAfter(Duration),
}

/// Decides on a new attempt given the earlier ones (any order, any age).
pub fn decide(earlier: &[DateTime<Utc>], now: DateTime<Utc>, limit: Limit) -> Decision {
    let mut recent: Vec<DateTime<Utc>> = earlier
        .iter()
        .copied()
        .filter(|at| *at > now - limit.window)
        .collect();
    if recent.len() < limit.attempts {
        return Decision::Allow;
    }
    recent.sort();
    // The attempt that must age out of the window before there is room again.
    let blocking = recent[recent.len() - limit.attempts];
    Decision::RetryAfter((blocking + limit.window) - now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    const FIVE_IN_15: Limit = Limit {
        attempts: 5,
        window: Duration::minutes(15),
    };

    #[test]
    fn attempts_below_the_limit_are_allowed() {
        assert_eq!(
            decide(&[t(0), t(1), t(2), t(3)], t(4), FIVE_IN_15),
            Decision::Allow
        );
    }

    #[test]
    fn the_attempt_over_the_limit_waits_for_the_oldest_to_age_out() {
        let earlier = [t(3), t(0), t(1), t(2), t(4)];
        assert_eq!(
            decide(&earlier, t(5), FIVE_IN_15),
            Decision::RetryAfter(Duration::minutes(10))
        );
    }

    #[test]
    fn attempts_older_than_the_window_do_not_count() {
        let earlier = [t(0), t(1), t(2), t(3), t(4)];
        assert_eq!(decide(&earlier, t(16), FIVE_IN_15), Decision::Allow);
    }
}
