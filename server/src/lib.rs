//! The Lumen server: configuration, the database (embedded or external), the demo seed,
//! and the HTTP router around the Leptos app. `main.rs` only parses the command line.

pub mod api;
pub mod app_shell_routes;
pub mod client;
pub mod clinics;
pub mod config;
pub mod database;
pub mod http;
pub mod input;
pub mod live_routes;
pub mod metrics;
pub mod page_cache;
pub mod postgres;
pub mod protect;
pub mod razorpay_routes;
pub mod render_isolation;
pub mod report_routes;
pub mod seed;
pub mod stripe_hooks;
pub mod telemetry;
pub mod twilio_hooks;
pub mod video_routes;
pub mod workers;
