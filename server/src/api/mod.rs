//! The REST API, version 1, under `/api/v1`: separate from the Leptos server functions,
//! which serve Lumen's own pages and may change with them. Public reads need no key; the
//! rest need an API key made by a clinic admin (`keys`). Errors are RFC 9457 problem
//! details (`problem`). The OpenAPI document is generated from the handlers below, so the
//! two cannot drift, and served with a reference page built into the binary.

pub mod appointments;
pub mod bookings;
pub mod catalog;
pub mod idempotency;
pub mod keys;
pub mod paging;
pub mod patients;
pub mod problem;
pub mod types;

use app::backend::state::AppState;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub const PREFIX: &str = "/api/v1";
/// The prefix with its slash, for matching paths under it.
pub const PREFIX_SLASH: &str = "/api/v1/";
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
pub const REFERENCE_PATH: &str = "/api/v1/docs";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lumen API",
        version = "1",
        description = "Read a clinic's treatments, practitioners, locations and free times; \
                       with a key, its appointments, bookings, patients and payments.\n\n\
                       Keys are made by the clinic's administrators (Staff area → Settings → \
                       API keys) and sent as `Authorization: Bearer lumen_…`. A read-only key \
                       reads; a read-and-write key also changes. Each key may make 120 (or its own set number of) \
                       requests a minute; past that the answer is 429 with `Retry-After`.\n\n\
                       Errors are problem details (RFC 9457, `application/problem+json`). \
                       POSTs honour `Idempotency-Key`. Lists that can be long are paged: \
                       pass the page's `next_cursor` as `cursor` for the next."
    ),
    modifiers(&BearerKeys),
    tags(
        (name = "catalogue", description = "What the clinic offers; no key needed"),
        (name = "appointments", description = "The clinic's diary"),
        (name = "bookings", description = "Booking, moving and cancelling, under the booking pages' rules"),
        (name = "patients", description = "The clinic's patients"),
        (name = "payments", description = "What patients paid, and what went back"),
    )
)]
struct Document;

struct BearerKeys;

impl utoipa::Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A key made in the staff area: `lumen_` and 64 hex digits.",
                    ))
                    .build(),
            ),
        );
    }
}

fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(catalog::treatments))
        .routes(routes!(catalog::providers))
        .routes(routes!(catalog::locations))
        .routes(routes!(catalog::availability))
        .routes(routes!(appointments::appointments))
        .routes(routes!(appointments::payments))
        .routes(routes!(bookings::create))
        .routes(routes!(bookings::read))
        .routes(routes!(bookings::move_to))
        .routes(routes!(bookings::cancel))
        .routes(routes!(patients::add_patient))
        .routes(routes!(patients::patient));
    OpenApiRouter::with_openapi(Document::openapi())
        .nest(PREFIX, v1)
        .split_for_parts()
}

/// The OpenAPI document, as `/api/v1/openapi.json` serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    parts().1
}

/// The API's routes, its document and its reference page.
pub fn router() -> Router<AppState> {
    let (api, document) = parts();
    let reference: Router<AppState> = SwaggerUi::new(REFERENCE_PATH)
        .url(DOCUMENT_PATH, document)
        .into();
    api.merge(reference).route(
        &format!("{PREFIX}/{{*rest}}"),
        axum::routing::any(no_such_endpoint),
    )
}

/// Any other path under the API's prefix: a problem, not the site's 404 page.
async fn no_such_endpoint() -> problem::Problem {
    problem::Problem::not_found("There is no such endpoint: see /api/v1/openapi.json.")
}
