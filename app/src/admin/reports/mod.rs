//! The clinic's reports: for a range of days, what each provider, treatment and location
//! did, when the clinic is busiest, and each table as CSV. Front desk and clinicians see the
//! bookings; only clinic admins see the money.

pub mod api;
pub mod pages;
pub mod types;
