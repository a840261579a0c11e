//! One module per outside concern, each behind a small interface with a built-in default.

pub mod booking;
pub mod media;
pub mod messaging;
pub mod payments;
