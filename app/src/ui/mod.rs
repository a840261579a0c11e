//! The design system: page layout, shared pieces, and the pages for errors and unknown paths.

pub mod ask;
pub mod components;
pub mod delivery;
pub mod interactive;
pub mod layout;
pub mod live;
pub mod saves;
pub mod seo;
pub mod status;
pub mod textarea;
