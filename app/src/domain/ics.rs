//! One appointment as an iCalendar file (RFC 5545), so patients can add it to their
//! calendar. Times are written in UTC, which every calendar converts to local time.

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
    [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Lumen//Booking//EN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", text(e.uid)),
        format!("DTSTAMP:{}", utc(e.stamp)),
        format!("DTSTART:{}", utc(e.start)),
        format!("DTEND:{}", utc(e.end)),
        format!("SUMMARY:{}", text(e.summary)),
        format!("LOCATION:{}", text(e.location)),
        format!("DESCRIPTION:{}", text(e.description)),
        format!("STATUS:{status}"),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]
    .iter()
    .map(|line| fold(line))
    .collect()
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
        })
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
