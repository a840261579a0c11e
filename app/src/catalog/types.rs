//! What the catalogue pages show, as it crosses from server to browser.

use crate::domain::hours::HoursLine;
use crate::domain::money::Money;
use crate::gallery::types::CaseCard;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClinicInfo {
    pub name: String,
    pub tagline: String,
    pub phone: String,
    pub email: String,
    pub locations: Vec<LocationInfo>,
    /// Where the public reaches the site, without a trailing slash: for canonical
    /// addresses and structured data.
    #[serde(default)]
    pub site_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationInfo {
    pub name: String,
    pub address_lines: Vec<String>,
    pub phone: String,
    pub hours: Vec<HoursLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentCard {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub category: String,
    pub duration_minutes: u32,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub treatments: Vec<TreatmentCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderCard {
    pub slug: String,
    pub name: String,
    pub title: String,
    pub bio: String,
    /// The portrait's address, when the clinic has uploaded one.
    pub photo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentDetail {
    pub slug: String,
    pub name: String,
    pub category: String,
    pub category_slug: String,
    pub summary: String,
    pub description: String,
    pub duration_minutes: u32,
    pub price: Money,
    /// What booking it asks online, in the patient's words.
    pub paid_when_booking: String,
    /// What a first visit asks instead, when that is more.
    pub paid_when_booking_first: Option<String>,
    pub in_person: bool,
    pub video: bool,
    pub providers: Vec<ProviderCard>,
    pub cases: Vec<CaseCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub featured: Vec<TreatmentCard>,
    pub cases: Vec<CaseCard>,
}
