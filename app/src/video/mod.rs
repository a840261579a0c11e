//! A video visit's room as its participants reach it. The server side (who may enter, the
//! signaling socket, TURN credentials) is in `backend::video`.

pub mod api;
pub mod types;
