//! One appointment as an iCalendar file (RFC 5545), so patients can add it to their
//! calendar. Times are written in UTC, which every calendar converts to local time.
//! Emailed invitations follow iTIP (RFC 5546): `REQUEST` for a booking and each move, with
//! the same UID and a higher SEQUENCE so the calendar replaces the event; `CANCEL` when it
//! is cancelled.

use chrono::{DateTime, Utc};

pub struct Event<'a> {
    pub uid: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub stamp: DateTime<Utc>,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub cancelled: bool,
    pub method: Method,
    /// Raised by every change, so calendars know which copy is newest.
    pub sequence: i32,
    /// The clinic (name, email) and the patient's email, which invitations must carry.
    pub organizer: Option<(&'a str, &'a str)>,
    pub attendee: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A file to import (the booking page's download).
    Publish,
    /// An invitation, or an update of one.
    Request,
    Cancel,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }

    /// The email attachment's content type, which names the method too.
    pub fn content_type(self) -> String {
        format!("text/calendar; charset=utf-8; method={}", self.as_str())
    }
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Text values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (such as a name) is quoted, and may not hold quotes or line breaks.
fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| !matches!(c, '"' | '\r' | '\n'))
        .collect();
    format!("\"{clean}\"")
}

/// Lines longer than 75 octets are folded: CRLF then a space (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

pub fn event(e: &Event<'_>) -> String {
    let status = if e.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Lumen//Booking//EN".to_owned(),
        format!("METHOD:{}", e.method.as_str()),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", text(e.uid)),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTAMP:{}", utc(e.stamp)),
        format!("DTSTART:{}", utc(e.start)),
        format!("DTEND:{}", utc(e.end)),
        format!("SUMMARY:{}", text(e.summary)),
        format!("LOCATION:{}", text(e.location)),
        format!("DESCRIPTION:{}", text(e.description)),
        format!("STATUS:{status}"),
    ];
    if let Some((name, email)) = e.organizer {
        lines.push(format!("ORGANIZER;CN={}:mailto:{email}", param(name)));
    }
    if let Some(email) = e.attendee {
        lines.push(format!("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{email}"));
    }
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample(summary: &str) -> String {
        let start = Utc.with_ymd_and_hms(2026, 3, 30, 8, 30, 0).unwrap();
        event(&Event {
            uid: "a1@lumen",
            start,
            end: start + chrono::Duration::minutes(45),
            stamp: start,
            summary,
            location: "Juniper, 1 High St, London",
            description: "Line one\nline two; done",
            cancelled: false,
            method: Method::Publish,
            sequence: 0,
            organizer: None,
            attendee: None,
        })
    }

    #[test]
    fn an_update_keeps_the_uid_and_raises_the_sequence() {
        let start = Utc.with_ymd_and_hms(2026, 3, 30, 8, 30, 0).unwrap();
        let moved = event(&Event {
            uid: "a1@lumen",
            start,
            end: start + chrono::Duration::minutes(45),
            stamp: start,
            summary: "Facial",
            location: "Juniper",
            description: "",
            cancelled: false,
            method: Method::Request,
            sequence: 2,
            organizer: Some(("Juniper \"Clinic\"", "hello@juniper.example")),
            attendee: Some("ana@example.com"),
        });
        assert!(moved.contains("METHOD:REQUEST\r\n"));
        assert!(moved.contains("UID:a1@lumen\r\nSEQUENCE:2\r\n"));
        assert!(moved.contains("ORGANIZER;CN=\"Juniper Clinic\":mailto:hello@juniper.example\r\n"));
        assert!(moved.contains("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:ana@example.com\r\n"));
        assert_eq!(
            Method::Cancel.content_type(),
            "text/calendar; charset=utf-8; method=CANCEL"
        );
    }

    #[test]
    fn times_are_utc_and_lines_end_in_crlf() {
        let ics = sample("Facial");
        assert!(ics.contains("DTSTART:20260330T083000Z\r\n"));
        assert!(ics.contains("DTEND:20260330T091500Z\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn text_is_escaped() {
        let ics = sample("Facial");
        assert!(ics.contains("LOCATION:Juniper\\, 1 High St\\, London\r\n"));
        assert!(ics.contains("DESCRIPTION:Line one\\nline two\\; done\r\n"));
    }

    #[test]
    fn long_lines_are_folded_at_75_octets() {
        let ics = sample(&"é".repeat(60));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(ics
            .replace("\r\n ", "")
            .contains(&format!("SUMMARY:{}", "é".repeat(60))));
    }
}
