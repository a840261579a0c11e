//! Account data as it crosses to the browser.

use crate::domain::access::Role;
use serde::{Deserialize, Serialize};

/// Who is signed in, as the header needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAppointment {
    pub starts: String,
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAccount {
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub upcoming: Vec<MyAppointment>,
}
