//! Staff's second sign-in step: setting up an authenticator app (with recovery codes) the
//! first time, and entering a code on every sign-in after that.

pub mod api;
pub mod pages;
pub mod types;
