//! Server-only code: the Postgres store and the state the server hands to Leptos.

pub mod app_shell;
pub mod assistant;
pub mod audit;
pub mod auth;
pub mod charging;
pub mod delivery;
pub mod hex;
pub mod integrations;
pub mod live;
pub mod media_jobs;
pub mod page_policy;
pub mod qr;
pub mod refunding;
pub mod settling;
pub mod sitemap;
pub mod state;
pub mod store;
pub mod templates;
pub mod throttle;
pub mod video;
pub mod waitlist;
pub mod webhooks;
