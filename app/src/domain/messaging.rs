//! The rules of delivering a message: how long to wait before trying again, when to stop,
//! when to leave a provider alone for a while, and what a stored copy may keep.

use super::html::escape;
use std::time::Duration;

/// How a provider's answer is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The provider took the message; its own id for it, when it gives one.
    Accepted { provider_message_id: String },
    /// Worth trying again: the network, a 5xx or 4xx-temporary answer, a 429. `after` is
    /// the provider's own `Retry-After`, when it said one.
    Temporary {
        error: String,
        after: Option<Duration>,
    },
    /// Trying again cannot help: an invalid address or number, a refusal.
    Permanent { error: String },
}

/// Tries after the first one: 30 s, doubling each time, up to 6 h; at most 8 tries in all.
pub const FIRST_DELAY: Duration = Duration::from_secs(30);
pub const LONGEST_DELAY: Duration = Duration::from_secs(6 * 60 * 60);
pub const MAX_ATTEMPTS: i32 = 8;

/// What to do after a failed try number `attempt` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryIn(Duration),
    GiveUp,
}

/// The wait after the `attempt`-th failed try. The ceiling doubles from 30 s to 6 h; the
/// wait is drawn from its upper half (`jitter` in 0..=1 picks where), so messages that
/// failed together spread out instead of returning together, yet each wait is at least as
/// long as the whole of the one before it and a provider that is down is not asked again
/// at once (a draw from the full range could retry in the same second). A provider's own
/// `Retry-After` is a floor.
pub fn after_failure(attempt: i32, jitter: f64, retry_after: Option<Duration>) -> AfterFailure {
    if attempt >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let doublings = u32::try_from(attempt.max(1) - 1).unwrap_or(0).min(20);
    let ceiling = FIRST_DELAY
        .saturating_mul(1 << doublings)
        .min(LONGEST_DELAY);
    let jitter = jitter.clamp(0.0, 1.0);
    let wait = ceiling.div_f64(2.0) + ceiling.div_f64(2.0).mul_f64(jitter);
    AfterFailure::RetryIn(wait.max(retry_after.unwrap_or_default()))
}

/// A circuit breaker for one provider: after `THRESHOLD` failures in a row it opens, and
/// the provider is left alone for `COOL_OFF`; then one message is let through to test it.
/// Messages wait meanwhile (they are not tried, so they spend no attempts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breaker {
    failures_in_a_row: u32,
    open_until: Option<std::time::Instant>,
    cool_off: Duration,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker::with_cool_off(Self::COOL_OFF)
    }
}

impl Breaker {
    pub const THRESHOLD: u32 = 5;
    pub const COOL_OFF: Duration = Duration::from_secs(30);

    pub fn with_cool_off(cool_off: Duration) -> Self {
        Breaker {
            failures_in_a_row: 0,
            open_until: None,
            cool_off,
        }
    }

    /// Whether the provider may be asked now; when the cool-off is over, a single try is
    /// let through (a half-open breaker closes again on its success).
    pub fn allows(&self, now: std::time::Instant) -> bool {
        self.open_until.is_none_or(|until| now >= until)
    }

    pub fn succeeded(&mut self) {
        self.failures_in_a_row = 0;
        self.open_until = None;
    }

    /// A failure that says the provider (not the message) is in trouble.
    pub fn failed(&mut self, now: std::time::Instant) {
        self.failures_in_a_row += 1;
        if self.failures_in_a_row >= Self::THRESHOLD {
            self.open_until = Some(now + self.cool_off);
        }
    }
}

/// The body with every secret link's token replaced: what a stored copy keeps once the
/// message has gone. Tokens are 64 hex digits (256 bits); nothing else in a message is.
pub fn redact_links(body: &str) -> String {
    const REDACTED: &str = "[link removed once sent]";
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if run >= 64 {
            out.push_str(REDACTED);
            i += run;
        } else if run > 0 {
            out.push_str(&body[i..i + run]);
            i += run;
        } else {
            let c = body[i..].chars().next().expect("inside the string");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The HTML part of an email written as plain text: every character escaped, paragraphs
/// kept, and addresses made into links.
pub fn html_from_text(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(linked).collect();
            format!("<p>{}</p>", lines.join("<br>\n"))
        })
        .collect();
    format!(
        "<!doctype html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n{}\n</body></html>\n",
        paragraphs.join("\n")
    )
}

/// One line, escaped, with each `http(s)://` address made into a link to itself.
fn linked(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.starts_with("https://") || word.starts_with("http://") {
                let address = word.trim_end_matches(['.', ',', ')']);
                let rest = &word[address.len()..];
                format!("<a href=\"{0}\">{0}</a>{1}", escape(address), escape(rest))
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn wait(attempt: i32, jitter: f64) -> Duration {
        match after_failure(attempt, jitter, None) {
            AfterFailure::RetryIn(wait) => wait,
            AfterFailure::GiveUp => panic!("gave up after try {attempt}"),
        }
    }

    #[test]
    fn waits_double_from_thirty_seconds_to_six_hours() {
        assert_eq!(wait(1, 1.0), Duration::from_secs(30));
        assert_eq!(wait(1, 0.0), Duration::from_secs(15));
        assert_eq!(wait(2, 1.0), Duration::from_secs(60));
        assert_eq!(wait(7, 1.0), Duration::from_secs(30 * 64));
        assert_eq!(
            after_failure(20, 1.0, None),
            AfterFailure::GiveUp,
            "past the last try"
        );
    }

    #[test]
    fn the_eighth_failure_is_the_last() {
        assert!(matches!(
            after_failure(7, 0.5, None),
            AfterFailure::RetryIn(_)
        ));
        assert_eq!(after_failure(8, 0.5, None), AfterFailure::GiveUp);
    }

    #[test]
    fn a_providers_retry_after_is_a_floor() {
        assert_eq!(
            after_failure(1, 0.0, Some(Duration::from_secs(120))),
            AfterFailure::RetryIn(Duration::from_secs(120))
        );
        assert_eq!(
            after_failure(1, 1.0, Some(Duration::from_secs(5))),
            AfterFailure::RetryIn(Duration::from_secs(30))
        );
    }

    proptest! {
        #[test]
        fn each_wait_is_no_shorter_than_any_before_it(
            attempt in 1i32..7, a in 0.0f64..=1.0, b in 0.0f64..=1.0
        ) {
            prop_assert!(wait(attempt + 1, a) >= wait(attempt, b));
            prop_assert!(wait(attempt, a) <= LONGEST_DELAY);
        }
    }

    #[test]
    fn the_breaker_opens_after_five_failures_and_lets_one_through_later() {
        let start = std::time::Instant::now();
        let mut breaker = Breaker::default();
        for _ in 0..4 {
            breaker.failed(start);
        }
        assert!(breaker.allows(start));
        breaker.failed(start);
        assert!(!breaker.allows(start));
        assert!(!breaker.allows(start + Duration::from_secs(29)));
        assert!(breaker.allows(start + Breaker::COOL_OFF));
        // The test message fails: open again at once.
        breaker.failed(start + Breaker::COOL_OFF);
        assert!(!breaker.allows(start + Breaker::COOL_OFF + Duration::from_secs(1)));
        breaker.succeeded();
        assert!(breaker.allows(start + Breaker::COOL_OFF + Duration::from_secs(1)));
    }

    #[test]
    fn tokens_are_redacted_and_the_rest_kept() {
        let token = "ab".repeat(32);
        let body = format!("Reset it: https://clinic.example/reset-password?token={token}\n\nShort 0123abcd stays; café too.");
        let redacted = redact_links(&body);
        assert!(!redacted.contains(&token));
        assert_eq!(
            redacted,
            "Reset it: https://clinic.example/reset-password?token=[link removed once sent]\n\nShort 0123abcd stays; café too."
        );
    }

    #[test]
    fn html_escapes_everything_and_links_addresses() {
        let html = html_from_text(
            "Dear <script>alert(1)</script> & co,\n\nSee https://clinic.example/booking/abc.\nThanks",
        );
        assert!(html.contains("Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; co,"));
        assert!(!html.contains("<script>"));
        assert!(html.contains(
            "See <a href=\"https://clinic.example/booking/abc\">https://clinic.example/booking/abc</a>.<br>\nThanks"
        ));
    }
}
