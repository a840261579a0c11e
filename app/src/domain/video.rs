//! Video visits: when a visit's room is open, who may be in it, and the signaling messages
//! the two browsers exchange through Lumen's server to set up their peer-to-peer call (the
//! media itself never passes through the server). Free of any framework: the server's
//! socket and the browser's page both use these rules.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The room opens this long before the visit starts, for the device check and the waiting
/// room.
pub const OPENS_BEFORE: Duration = Duration::minutes(10);
/// And closes this long after it was due to end, for a visit that ran late.
pub const CLOSES_AFTER: Duration = Duration::minutes(30);

/// When a visit's room is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    NotYet,
    Open,
    Closed,
}

impl Window {
    /// The room of a visit booked from `start` to `end`.
    pub fn of_visit(start: DateTime<Utc>, end: DateTime<Utc>) -> Window {
        Window {
            opens: start - OPENS_BEFORE,
            closes: end + CLOSES_AFTER,
        }
    }

    pub fn at(&self, now: DateTime<Utc>) -> Openness {
        if now < self.opens {
            Openness::NotYet
        } else if now < self.closes {
            Openness::Open
        } else {
            Openness::Closed
        }
    }
}

/// Who is in the room: the appointment's patient, and its provider (or a clinic admin in
/// their place). A room holds these two and no one else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Patient,
    Clinician,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Patient => Side::Clinician,
            Side::Clinician => Side::Patient,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Side::Patient => "patient",
            Side::Clinician => "clinician",
        }
    }
}

/// The largest signaling message taken: a session description with many candidates is a
/// few kilobytes; anything near this is not one.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;
/// The longest chat line, in characters.
pub const MAX_CHAT_CHARS: usize = 1000;

/// What a browser sends the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromPeer {
    /// A session description (offer or answer), passed to the other side.
    Description { kind: DescriptionKind, sdp: String },
    /// A network path the browser found, passed to the other side.
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
    /// A line of text for when the picture fails.
    Chat { text: String },
    /// The clinician lets the waiting patient in.
    Admit,
    /// The clinician marks the visit completed (and ends the call).
    Complete,
    /// Hanging up.
    Leave,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DescriptionKind {
    Offer,
    Answer,
}

/// What the server sends a browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToPeer {
    /// In the room; `admitted` false: waiting for the clinician.
    Joined {
        side: Side,
        admitted: bool,
    },
    /// (To the clinician.) The patient is waiting to be let in.
    Waiting,
    /// Both are in: the clinician's browser makes the offer.
    Admitted,
    Description {
        kind: DescriptionKind,
        sdp: String,
    },
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
    Chat {
        from: Side,
        text: String,
    },
    /// The other side left (or lost its connection); they may come back.
    PeerLeft,
    /// The visit is over: completed by the clinician, or the room closed.
    Ended,
}

/// Why a message was not taken: the socket is closed with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    TooLarge,
    Malformed,
    /// Only the clinician admits and completes.
    NotYours,
}

impl FromPeer {
    /// A message as the browser sent it, or why it is refused.
    pub fn parse(text: &str, side: Side) -> Result<FromPeer, Refused> {
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(Refused::TooLarge);
        }
        let message: FromPeer = serde_json::from_str(text).map_err(|_| Refused::Malformed)?;
        match &message {
            FromPeer::Chat { text } if text.trim().is_empty() => Err(Refused::Malformed),
            FromPeer::Chat { text } if text.chars().count() > MAX_CHAT_CHARS => {
                Err(Refused::TooLarge)
            }
            FromPeer::Description { sdp, .. } if !sdp.starts_with("v=0") => Err(Refused::Malformed),
            FromPeer::Candidate { candidate, .. }
                if !(candidate.is_empty() || candidate.starts_with("candidate:")) =>
            {
                Err(Refused::Malformed)
            }
            FromPeer::Admit | FromPeer::Complete if side != Side::Clinician => {
                Err(Refused::NotYours)
            }
            _ => Ok(message),
        }
    }
}

/// A participant's short-lived TURN credentials, in the TURN REST scheme coturn takes with
/// `use-auth-secret`: the user name is the expiry (Unix seconds) and who it is for, the
/// password that name signed with the shared secret (HMAC-SHA1, base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnCredentials {
    pub username: String,
    pub credential: String,
}

/// One entry of `RTCConfiguration.iceServers`, as the page hands it to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// The user name for `who`'s TURN credentials, valid until `expires`.
pub fn turn_username(expires: DateTime<Utc>, who: &str) -> String {
    format!("{}:{who}", expires.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, h, m, 0).unwrap()
    }

    #[test]
    fn the_room_opens_ten_minutes_before_and_closes_half_an_hour_after() {
        let window = Window::of_visit(at(10, 0), at(10, 30));
        assert_eq!(window.at(at(9, 49)), Openness::NotYet);
        assert_eq!(window.at(at(9, 50)), Openness::Open);
        assert_eq!(window.at(at(10, 59)), Openness::Open);
        assert_eq!(window.at(at(11, 0)), Openness::Closed);
    }

    #[test]
    fn messages_are_read_by_their_type_and_checked() {
        let offer =
            r#"{"type":"description","kind":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}"#;
        assert!(matches!(
            FromPeer::parse(offer, Side::Clinician),
            Ok(FromPeer::Description {
                kind: DescriptionKind::Offer,
                ..
            })
        ));
        let candidate = r#"{"type":"candidate","candidate":"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host","sdp_mid":"0","sdp_m_line_index":0}"#;
        assert!(FromPeer::parse(candidate, Side::Patient).is_ok());
        // The end of the candidates is an empty one.
        let last = r#"{"type":"candidate","candidate":"","sdp_mid":null,"sdp_m_line_index":null}"#;
        assert!(FromPeer::parse(last, Side::Patient).is_ok());
        assert_eq!(
            FromPeer::parse(r#"{"type":"admit"}"#, Side::Clinician),
            Ok(FromPeer::Admit)
        );
    }

    #[test]
    fn what_is_not_a_signaling_message_is_refused() {
        for (text, side, why) in [
            ("not json", Side::Patient, Refused::Malformed),
            (r#"{"type":"shout"}"#, Side::Patient, Refused::Malformed),
            (
                r#"{"type":"chat","text":"hi","html":"<b>hi</b>"}"#,
                Side::Patient,
                Refused::Malformed,
            ),
            (
                r#"{"type":"description","kind":"offer","sdp":"<script>"}"#,
                Side::Clinician,
                Refused::Malformed,
            ),
            (
                r#"{"type":"candidate","candidate":"javascript:1","sdp_mid":null,"sdp_m_line_index":null}"#,
                Side::Patient,
                Refused::Malformed,
            ),
            (
                r#"{"type":"chat","text":"   "}"#,
                Side::Patient,
                Refused::Malformed,
            ),
            (r#"{"type":"admit"}"#, Side::Patient, Refused::NotYours),
            (r#"{"type":"complete"}"#, Side::Patient, Refused::NotYours),
        ] {
            assert_eq!(FromPeer::parse(text, side), Err(why), "{text}");
        }
        let long_chat = format!(r#"{{"type":"chat","text":"{}"}}"#, "a".repeat(1001));
        assert_eq!(
            FromPeer::parse(&long_chat, Side::Patient),
            Err(Refused::TooLarge)
        );
        let huge = format!(
            r#"{{"type":"description","kind":"offer","sdp":"v=0{}"}}"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        assert_eq!(
            FromPeer::parse(&huge, Side::Clinician),
            Err(Refused::TooLarge)
        );
    }

    #[test]
    fn a_turn_user_name_is_its_expiry_and_who_it_is_for() {
        assert_eq!(
            turn_username(at(10, 0), "visit-1-patient"),
            "1796724000:visit-1-patient"
        );
    }
}
