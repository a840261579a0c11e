//! The assistant's rules that do not depend on any engine: the safety layer that screens
//! each message first, the wording of its urgent answers and refusals, and the check every
//! model answer passes before a patient reads it.

pub mod builtin;
pub mod knowledge;
pub mod masking;
pub mod offer;
pub mod release;
pub mod safety;
pub mod search;
pub mod urgent;
pub mod vetting;
pub mod words;
