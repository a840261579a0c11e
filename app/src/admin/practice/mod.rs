//! The practice system's ids, on the settings screen when the clinic books through one
//! (`integrations::practice`): what the system calls each treatment and provider, and
//! which location is the centre Lumen books at.

pub mod api;
pub mod section;
pub mod types;
