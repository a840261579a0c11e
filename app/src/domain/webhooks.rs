//! Outbound webhooks: the events a clinic's endpoints may ask for, the form that registers
//! one, which addresses Lumen will send to, and how a delivery's signature is written.

use super::form::{checkbox, text, FieldProblem};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// What every signing secret starts with, so a leaked one is recognisable.
pub const SECRET_START: &str = "whsec_";
/// How many characters of a secret staff see beside its endpoint.
pub const SECRET_SHOWN: usize = SECRET_START.len() + 6;
/// The signature header: `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, one `v1` per live secret.
pub const SIGNATURE_HEADER: &str = "Lumen-Signature";
/// How old a signed timestamp receivers should accept (the README's scheme says so).
pub const TOLERANCE_SECONDS: i64 = 5 * 60;
/// How long a replaced secret still signs, so receivers can switch without a gap.
pub const OLD_SECRET_HOURS: i32 = 24;
/// How much of a receiver's answer the delivery log keeps.
pub const RESPONSE_KEPT: usize = 2000;
pub const URL_MAX: usize = 2000;

/// The events an endpoint may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    BookingCreated,
    BookingMoved,
    BookingCancelled,
    PaymentSucceeded,
    PaymentRefunded,
    PatientCreated,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::BookingCreated,
        EventType::BookingMoved,
        EventType::BookingCancelled,
        EventType::PaymentSucceeded,
        EventType::PaymentRefunded,
        EventType::PatientCreated,
    ];

    /// The name receivers see in the body's `type` (and the database's trigger writes).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::BookingCreated => "booking.created",
            EventType::BookingMoved => "booking.moved",
            EventType::BookingCancelled => "booking.cancelled",
            EventType::PaymentSucceeded => "payment.succeeded",
            EventType::PaymentRefunded => "payment.refunded",
            EventType::PatientCreated => "patient.created",
        }
    }

    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|e| e.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            EventType::BookingCreated => "A booking is made",
            EventType::BookingMoved => "A booking is moved",
            EventType::BookingCancelled => "A booking is cancelled",
            EventType::PaymentSucceeded => "A payment is taken",
            EventType::PaymentRefunded => "A payment is refunded",
            EventType::PatientCreated => "A patient is added",
        }
    }

    /// The form field that chooses it.
    pub fn field(self) -> &'static str {
        match self {
            EventType::BookingCreated => "booking_created",
            EventType::BookingMoved => "booking_moved",
            EventType::BookingCancelled => "booking_cancelled",
            EventType::PaymentSucceeded => "payment_succeeded",
            EventType::PaymentRefunded => "payment_refunded",
            EventType::PatientCreated => "patient_created",
        }
    }
}

/// A new endpoint as a clinic admin fills it in: its address and a box per event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewEndpointForm {
    pub url: String,
    #[serde(deserialize_with = "checkbox")]
    pub booking_created: bool,
    #[serde(deserialize_with = "checkbox")]
    pub booking_moved: bool,
    #[serde(deserialize_with = "checkbox")]
    pub booking_cancelled: bool,
    #[serde(deserialize_with = "checkbox")]
    pub payment_succeeded: bool,
    #[serde(deserialize_with = "checkbox")]
    pub payment_refunded: bool,
    #[serde(deserialize_with = "checkbox")]
    pub patient_created: bool,
}

impl NewEndpointForm {
    pub fn chosen(&self, event: EventType) -> bool {
        match event {
            EventType::BookingCreated => self.booking_created,
            EventType::BookingMoved => self.booking_moved,
            EventType::BookingCancelled => self.booking_cancelled,
            EventType::PaymentSucceeded => self.payment_succeeded,
            EventType::PaymentRefunded => self.payment_refunded,
            EventType::PatientCreated => self.patient_created,
        }
    }
}

/// An endpoint to register: the address as typed (the server checks where it leads) and
/// the events, in the order of [`EventType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<EventType>,
}

pub fn check(form: &NewEndpointForm) -> Result<NewEndpoint, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let url = text(
        &mut problems,
        "url",
        &form.url,
        "the address to send events to",
        URL_MAX,
        true,
    );
    let events: Vec<EventType> = EventType::ALL
        .into_iter()
        .filter(|e| form.chosen(*e))
        .collect();
    if events.is_empty() {
        problems.push(FieldProblem::new(
            EventType::BookingCreated.field(),
            "Choose at least one event to send.",
        ));
    }
    if problems.is_empty() {
        Ok(NewEndpoint { url, events })
    } else {
        Err(problems)
    }
}

/// Whether an address is on the public internet. Everything else (loopback, private and
/// shared ranges, link-local where cloud metadata services answer, multicast, documentation
/// and reserved ranges, IPv4 inside IPv6) could reach the clinic's own network from the
/// server's side, so deliveries never go there unless the operator allows it.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let [first, second, third, ..] = v6.segments();
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                // Unique local fc00::/7 and link-local fe80::/10.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Site-local fec0::/10 (deprecated, still routed inside some networks).
                || (first & 0xffc0) == 0xfec0
                // 6to4 2002::/16 and Teredo 2001::/32 carry an IPv4 address inside.
                || first == 0x2002
                || (first == 0x2001 && second == 0)
                // Local-use NAT64 64:ff9b:1::/48.
                || (first == 0x64 && second == 0xff9b && third == 1)
                // IPv4-compatible ::/96, NAT64 64:ff9b::/96, documentation 2001:db8::/32.
                || v6.segments()[..6] == [0; 6]
                || v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
                || (first == 0x2001 && second == 0x0db8))
        }
    }
}

/// Link-local addresses (169.254.0.0/16, fe80::/10), where cloud providers' metadata
/// services answer: never reached, whatever the operator allows.
pub fn is_link_local(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_link_local(),
            None => (v6.segments()[0] & 0xffc0) == 0xfe80,
        },
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_unspecified()
        || v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT) 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments 192.0.0.0/24, benchmarking 198.18.0.0/15, reserved 240/4.
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

/// The text a delivery's signature covers: the timestamp, a dot, the body exactly as sent.
pub fn signed_text(timestamp: i64, body: &str) -> String {
    format!("{timestamp}.{body}")
}

/// The signature header's value from the timestamp and one hex MAC per live secret.
pub fn signature_header(timestamp: i64, macs: &[String]) -> String {
    let mut header = format!("t={timestamp}");
    for mac in macs {
        header.push_str(",v1=");
        header.push_str(mac);
    }
    header
}

/// A receiver's answer cut to what the log keeps, on a character boundary.
pub fn kept_response(body: &str) -> String {
    body.chars().take(RESPONSE_KEPT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_public() {
        for public in ["93.184.216.34", "8.8.8.8", "2606:2800:220:1::1", "1.1.1.1"] {
            assert!(is_public(ip(public)), "{public} is on the internet");
        }
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
            "ff02::1",
            "fec0::1",
            "2002:7f00:1::1",
            "2001:0:4136:e378::1",
            "64:ff9b:1::a00:1",
        ] {
            assert!(!is_public(ip(private)), "{private} is not on the internet");
        }
        assert!(!is_public(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn link_local_is_link_local_in_either_family() {
        for link_local in ["169.254.169.254", "fe80::1", "::ffff:169.254.169.254"] {
            assert!(is_link_local(ip(link_local)), "{link_local}");
        }
        for other in ["127.0.0.1", "10.0.0.1", "::1", "8.8.8.8"] {
            assert!(!is_link_local(ip(other)), "{other}");
        }
    }

    #[test]
    fn every_event_name_reads_back() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
        }
        assert_eq!(EventType::parse("booking.deleted"), None);
    }

    #[test]
    fn an_endpoint_needs_an_address_and_an_event() {
        let problems = check(&NewEndpointForm::default()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["url", "booking_created"]);
        let form = NewEndpointForm {
            url: " https://hooks.example.com/lumen ".into(),
            booking_moved: true,
            patient_created: true,
            ..Default::default()
        };
        assert_eq!(
            check(&form),
            Ok(NewEndpoint {
                url: "https://hooks.example.com/lumen".into(),
                events: vec![EventType::BookingMoved, EventType::PatientCreated],
            })
        );
    }

    #[test]
    fn the_header_carries_one_signature_per_secret() {
        assert_eq!(signature_header(1700000000, &[]), "t=1700000000");
        assert_eq!(
            signature_header(1700000000, &["ab".into(), "cd".into()]),
            "t=1700000000,v1=ab,v1=cd"
        );
        assert_eq!(signed_text(12, "{\"a\":1}"), "12.{\"a\":1}");
    }

    #[test]
    fn a_long_answer_is_cut_on_a_character() {
        let long = "é".repeat(RESPONSE_KEPT + 10);
        assert_eq!(kept_response(&long).chars().count(), RESPONSE_KEPT);
        assert_eq!(kept_response("ok"), "ok");
    }
}
