//! Texts and WhatsApp messages: what a patient's reply means, and what the provider's
//! reports (which arrive in any order, sometimes twice) say became of a message.

/// What an inbound message asks for. Keywords are the whole message, in any case, as
/// carriers and Twilio read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// No more texts on this channel (`STOP` and the carriers' synonyms).
    OptOut,
    /// Texts again after a `STOP`.
    OptIn,
    /// "I'm coming": confirms the next appointment.
    Confirm,
    /// Words for the clinic's staff.
    Other,
}

/// The opt-out words carriers and Twilio honour. `CANCEL` is one of them: a patient who
/// means their appointment is told how to cancel it.
const OPT_OUT: [&str; 9] = [
    "STOP",
    "STOPALL",
    "STOP ALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "REVOKE",
];
const OPT_IN: [&str; 4] = ["START", "UNSTOP", "YES", "SUBSCRIBE"];
const CONFIRM: [&str; 2] = ["C", "CONFIRM"];

impl Reply {
    pub fn of(body: &str) -> Reply {
        let word = body
            .trim()
            .trim_end_matches(['.', '!'])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        if OPT_OUT.contains(&word.as_str()) {
            Reply::OptOut
        } else if OPT_IN.contains(&word.as_str()) {
            Reply::OptIn
        } else if CONFIRM.contains(&word.as_str()) {
            Reply::Confirm
        } else {
            Reply::Other
        }
    }
}

/// A message's state once it has reached (or failed to reach) the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    Delivered,
    Undelivered,
    Failed,
}

impl Reached {
    pub fn as_str(self) -> &'static str {
        match self {
            Reached::Delivered => "delivered",
            Reached::Undelivered => "undelivered",
            Reached::Failed => "failed",
        }
    }
}

/// What every report received so far says, whatever order they came in: a message the
/// phone received (`delivered`, or WhatsApp's `read`) was delivered even if a stray
/// failure report arrives after; `queued`, `sending` and `sent` say nothing final.
pub fn reached<'a>(reports: impl IntoIterator<Item = &'a str>) -> Option<Reached> {
    let mut reached = None;
    for report in reports {
        let this = match report {
            "delivered" | "read" => Reached::Delivered,
            "undelivered" => Reached::Undelivered,
            "failed" => Reached::Failed,
            _ => continue,
        };
        reached = Some(match (reached, this) {
            (Some(Reached::Delivered), _) | (_, Reached::Delivered) => Reached::Delivered,
            (Some(Reached::Undelivered), _) | (_, Reached::Undelivered) => Reached::Undelivered,
            _ => Reached::Failed,
        });
    }
    reached
}

/// A reply Twilio sends back to the person, as TwiML.
pub fn twiml(message: Option<&str>) -> String {
    match message {
        None => r#"<?xml version="1.0" encoding="UTF-8"?><Response/>"#.to_owned(),
        Some(text) => {
            let escaped = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escaped}</Message></Response>"#
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_the_whole_message_in_any_case() {
        for stop in [
            "STOP",
            "stop",
            " Stop. ",
            "stop all",
            "Unsubscribe",
            "cancel",
            "QUIT!",
        ] {
            assert_eq!(Reply::of(stop), Reply::OptOut, "{stop}");
        }
        for start in ["START", "unstop", "Yes"] {
            assert_eq!(Reply::of(start), Reply::OptIn, "{start}");
        }
        for confirm in ["C", "c", " confirm "] {
            assert_eq!(Reply::of(confirm), Reply::Confirm, "{confirm}");
        }
        for other in ["please stop the 2pm one", "Can I come at 3?", "", "cc"] {
            assert_eq!(Reply::of(other), Reply::Other, "{other}");
        }
    }

    #[test]
    fn reports_in_any_order_end_in_the_same_state() {
        let orders: [&[&str]; 4] = [
            &["queued", "sent", "delivered"],
            &["delivered", "sent", "queued"],
            &["sent", "delivered", "read", "sent"],
            &["delivered", "failed"],
        ];
        for order in orders {
            assert_eq!(
                reached(order.iter().copied()),
                Some(Reached::Delivered),
                "{order:?}"
            );
        }
        assert_eq!(reached(["sent", "undelivered"]), Some(Reached::Undelivered));
        assert_eq!(reached(["failed", "sent"]), Some(Reached::Failed));
        assert_eq!(reached(["queued", "sent"]), None);
    }

    #[test]
    fn twiml_escapes_what_it_says() {
        assert_eq!(
            twiml(Some("A <b> & c")),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>A &lt;b&gt; &amp; c</Message></Response>"#
        );
        assert!(twiml(None).ends_with("<Response/>"));
    }
}
