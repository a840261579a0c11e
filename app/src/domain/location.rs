//! A clinic location as staff write it, and the rooms and devices in it that treatments
//! take up.

use super::form::{checkbox, phone, record_id, slug, text, FieldProblem};
use super::slug::Slug;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocationForm {
    /// Empty for a new location.
    pub id: String,
    pub name: String,
    pub slug: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    /// Empty means the clinic's own time zone.
    pub time_zone: String,
    #[serde(deserialize_with = "checkbox")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub slug: Slug,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    /// Checked against the database's list of zones when saved.
    pub time_zone: Option<String>,
    pub active: bool,
}

impl LocationForm {
    pub fn blank() -> Self {
        LocationForm {
            active: true,
            ..LocationForm::default()
        }
    }

    pub fn from_draft(draft: &LocationDraft) -> Self {
        LocationForm {
            id: draft.id.map(|id| id.to_string()).unwrap_or_default(),
            name: draft.name.clone(),
            slug: draft.slug.to_string(),
            address_line1: draft.address_line1.clone(),
            address_line2: draft.address_line2.clone(),
            city: draft.city.clone(),
            postcode: draft.postcode.clone(),
            country: draft.country.clone(),
            phone: draft.phone.clone(),
            time_zone: draft.time_zone.clone().unwrap_or_default(),
            active: draft.active,
        }
    }

    pub fn parse(&self) -> Result<LocationDraft, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let p = &mut problems;
        let id = record_id(p, &self.id, "Open the location again from the list.");
        let name = text(p, "name", &self.name, "the location's name", 80, true);
        let slug = slug(p, &self.slug, &name);
        let address_line1 = text(
            p,
            "address_line1",
            &self.address_line1,
            "the street address",
            120,
            true,
        );
        let address_line2 = text(
            p,
            "address_line2",
            &self.address_line2,
            "the second address line",
            120,
            false,
        );
        let city = text(p, "city", &self.city, "the town or city", 80, true);
        let postcode = text(p, "postcode", &self.postcode, "the postcode", 20, true);
        let country = text(p, "country", &self.country, "the country", 80, true);
        let phone = phone(
            p,
            "phone",
            &self.phone,
            true,
            "Enter the location's phone number, like +44 131 496 0000.",
        );
        let time_zone = self.time_zone.trim();
        if time_zone.contains(char::is_whitespace) {
            p.push(FieldProblem::new(
                "time_zone",
                "Enter a time zone such as Europe/London, or leave it empty for the clinic's.",
            ));
        }
        let time_zone = (!time_zone.is_empty()).then(|| time_zone.to_owned());
        match slug {
            Some(slug) if problems.is_empty() => Ok(LocationDraft {
                id,
                name,
                slug,
                address_line1,
                address_line2,
                city,
                postcode,
                country,
                phone,
                time_zone,
                active: self.active,
            }),
            _ => Err(problems),
        }
    }
}

/// What a room or device is; a treatment that needs one can only be booked while it is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomKind {
    Room,
    Device,
}

impl RoomKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomKind::Room => "room",
            RoomKind::Device => "device",
        }
    }

    pub fn parse(raw: &str) -> Option<RoomKind> {
        match raw {
            "room" => Some(RoomKind::Room),
            "device" => Some(RoomKind::Device),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoomKind::Room => "Room",
            RoomKind::Device => "Device",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoomForm {
    /// Empty for a new room or device.
    pub id: String,
    pub name: String,
    pub kind: String,
    #[serde(deserialize_with = "checkbox")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub kind: RoomKind,
    pub active: bool,
}

impl RoomForm {
    pub fn parse(&self) -> Result<RoomDraft, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let id = record_id(&mut problems, &self.id, "Open the location again.");
        let name = text(&mut problems, "name", &self.name, "a name", 80, true);
        let kind = RoomKind::parse(self.kind.trim());
        if kind.is_none() {
            problems.push(FieldProblem::new("kind", "Choose room or device."));
        }
        match kind {
            Some(kind) if problems.is_empty() => Ok(RoomDraft {
                id,
                name,
                kind,
                active: self.active,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn filled() -> LocationForm {
        LocationForm {
            name: "Juniper Leith".into(),
            address_line1: "12 Shore".into(),
            city: "Edinburgh".into(),
            postcode: "EH6 6QW".into(),
            country: "United Kingdom".into(),
            phone: "+44 131 496 0100".into(),
            ..LocationForm::blank()
        }
    }

    #[test]
    fn a_location_without_a_time_zone_uses_the_clinics() {
        let draft = filled().parse().unwrap();
        assert_eq!(draft.time_zone, None);
        assert_eq!(draft.slug.as_str(), "juniper-leith");
        assert_eq!(LocationForm::from_draft(&draft).parse().unwrap(), draft);
    }

    #[test]
    fn a_location_names_each_missing_part_of_its_address() {
        let form = LocationForm {
            address_line1: " ".into(),
            postcode: String::new(),
            phone: "call us".into(),
            time_zone: "Europe / London".into(),
            ..filled()
        };
        let problems = form.parse().unwrap_err();
        for field in ["address_line1", "postcode", "phone", "time_zone"] {
            assert!(
                problem_for(&problems, field).is_some(),
                "{field}: {problems:?}"
            );
        }
    }

    #[test]
    fn a_room_is_a_room_or_a_device() {
        let room = RoomForm {
            name: "Laser suite".into(),
            kind: "device".into(),
            ..RoomForm::default()
        };
        assert_eq!(room.parse().unwrap().kind, RoomKind::Device);
        let problems = RoomForm {
            kind: "cupboard".into(),
            ..room
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            problem_for(&problems, "kind"),
            Some("Choose room or device.")
        );
    }
}
