//! The clinic's payments: every payment taken or tried in a range of days, filtered by
//! state, method, provider and treatment, with each day's totals and a link to the payment
//! in its service's dashboard.

pub mod api;
pub mod pages;
pub mod types;
