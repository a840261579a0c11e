//! A video visit's room as its participants reach it: the page, what it shows of the call,
//! and (in the browser) the call itself. The server side (who may enter, the signaling
//! socket, TURN credentials) is in `backend::video`.

pub mod api;
#[cfg(feature = "hydrate")]
pub mod call;
#[cfg(feature = "hydrate")]
pub mod devices;
pub mod pages;
pub mod screen;
pub mod types;
