//! Who is asking, and whether they may: passwords, sessions, and the one authorization check.

pub mod password;
pub mod principal;
pub mod sealing;
pub mod session;
pub mod totp;
