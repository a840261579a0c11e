//! The REST API's keys as clinic admins keep them, on the settings screen: make one (its
//! secret shown once), see which are live and when each was last used, revoke one.

pub mod api;
pub mod section;
pub mod types;
