//! A practice-management system as the clinic's calendar: free times come from it, a held
//! time is reserved there, and each booking, move and cancellation is made there first.
//! Lumen keeps its own rows beside it (the record its pages, messages, payments and reports
//! read), tied to the system's ids (`store::practice`).

pub mod calendar;
pub mod client;

pub use calendar::PracticeCalendar;
pub use client::{PracticeConfig, PracticeError, PracticeSystem};
