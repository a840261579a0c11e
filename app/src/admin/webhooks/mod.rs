//! Outbound webhooks as clinic admins keep them, on the settings screen: register an
//! endpoint and its events (its signing secret shown once), give it a new secret, remove
//! it, and read the delivery log with every try, sending any finished delivery again.

pub mod api;
pub mod section;
pub mod types;
