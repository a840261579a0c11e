//! Bad input over every public form, server function and page address, as a careless (or
//! hostile) visitor would send it: NUL characters, bytes that are not UTF-8, over-long
//! text, huge and negative numbers, impossible dates and time zones, markup and SQL. None
//! is answered with a 5xx (a 5xx means a failure of ours), and nothing is left half-written.

use crate::common::{self, get, send_as_is, Reply, PUBLIC_URL};
use app::backend::state::Clock;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use sqlx::PgPool;

/// Values as they appear in a form body or an address (already percent-encoded).
fn bad_values() -> Vec<String> {
    vec![
        "a%00b".into(),
        "%00".into(),
        "%FF%FE".into(),
        "%C3%28".into(),
        "x".repeat(20_000),
        "99999999999999999999999999".into(),
        "-1".into(),
        "1e309".into(),
        "2026-13-45".into(),
        "2026-02-30T25%3A61%3A00%2B99%3A00".into(),
        "2026-03-17T10%3A00%3A00%2B25%3A00".into(),
        "2026-03-17T10%3A00%3A00%5BMars%2FOlympus%5D".into(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "'+OR+1%3D1%3B+DROP+TABLE+patients%3B--".into(),
        "%F0%9F%98%80".into(),
        "".into(),
    ]
}

const DETAILS: [&str; 6] = [
    "details[first_name]",
    "details[last_name]",
    "details[email]",
    "details[phone]",
    "details[notes]",
    "details[mode]",
];

/// Every public server function with the fields it reads.
fn functions() -> Vec<(&'static str, Vec<&'static str>)> {
    let with_details = |first: &'static str| {
        let mut fields = vec![first];
        fields.extend(DETAILS);
        fields
    };
    vec![
        (
            "booking/picker",
            vec!["treatment", "provider", "day", "from", "booking"],
        ),
        (
            "booking/hold",
            vec!["treatment", "provider", "start", "hold"],
        ),
        ("assistant/ask", vec!["message"]),
        ("assistant/chat", vec![]),
        ("assistant/hold", vec!["treatment", "provider", "start"]),
        ("booking/held", vec!["hold"]),
        ("booking/details", with_details("hold")),
        ("booking/confirm", vec!["hold"]),
        ("booking/paid", vec!["session"]),
        ("booking/pay", vec!["order"]),
        ("booking/managed", vec!["token"]),
        ("booking/cancel", vec!["token"]),
        ("booking/reschedule", vec!["token", "provider", "start"]),
        ("booking/seat", vec!["session"]),
        ("booking/book_seat", with_details("session")),
        ("sign_in", vec!["email", "password", "next"]),
        (
            "register",
            vec![
                "form[first_name]",
                "form[last_name]",
                "form[email]",
                "form[password]",
            ],
        ),
        ("confirm_email", vec!["token"]),
        ("forgot_password", vec!["email"]),
        ("reset_password", vec!["token", "password"]),
        (
            "gallery",
            vec![
                "gallery",
                "filter[treatment]",
                "filter[album]",
                "filter[age_range]",
                "filter[sessions]",
                "filter[time_since]",
                "filter[page]",
            ],
        ),
        ("case", vec!["slug"]),
        ("treatment", vec!["slug"]),
    ]
}

/// Page addresses, with `{}` where the bad value goes.
const PAGES: [&str; 10] = [
    "/cases/{}",
    "/treatments/{}",
    "/book?treatment={}",
    "/book?treatment=mole-check&day={}",
    "/book/details?hold={}",
    "/book/seat?session={}",
    "/booking/{}",
    "/gallery?treatment={}&page={}",
    "/sign-in?next={}",
    "/reset-password?token={}",
];

/// A form body with `value` (already encoded) in `field` and a placeholder in the others.
fn form_with(fields: &[&str], field: &str, value: &str) -> String {
    fields
        .iter()
        .map(|name| {
            let this = if *name == field { value } else { "x" };
            format!("{}={this}", name.replace('[', "%5B").replace(']', "%5D"))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Posts `body` to server function `endpoint` from one of the site's pages, the body
/// sent byte for byte as given.
async fn post(app: &Router, endpoint: &str, accept: &str, body: Vec<u8>) -> Reply {
    send_as_is(
        app,
        Request::post(format!("/api/{endpoint}"))
            .header("host", "clinic.example")
            .header("origin", PUBLIC_URL)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", accept)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn no_bad_input_is_answered_with_a_server_failure(pool: PgPool) {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let app = common::app_with_clock(&pool, Clock::fixed(monday)).await;
    let before = (
        common::count_rows(&pool, "patients").await,
        common::count_rows(&pool, "appointments").await,
        common::count_rows(&pool, "users").await,
    );
    let mut tried = 0;
    let mut failures = Vec::new();
    for (endpoint, fields) in functions() {
        for field in &fields {
            for value in bad_values() {
                let body = form_with(&fields, field, &value);
                for accept in ["application/json", "text/html"] {
                    let reply = post(&app, endpoint, accept, body.clone().into_bytes()).await;
                    tried += 1;
                    if reply.status.is_server_error() {
                        let shown: String = value.chars().take(40).collect();
                        failures.push(format!(
                            "{endpoint} {field}={shown} ({accept}): {}",
                            reply.status
                        ));
                    }
                }
            }
        }
        // A body that is not form data at all, and one that is not UTF-8.
        for body in [
            &b"\xff\xfe\x00garbage"[..],
            b"%%%&&&===",
            b"{\"json\": true}",
        ] {
            let reply = post(&app, endpoint, "application/json", body.to_vec()).await;
            tried += 1;
            if reply.status.is_server_error() {
                failures.push(format!("{endpoint} with body {body:?}: {}", reply.status));
            }
        }
    }
    for page in PAGES {
        for value in bad_values() {
            let path = page.replace("{}", &value);
            let reply = get(&app, &path).await;
            tried += 1;
            if reply.status.is_server_error() {
                let shown: String = path.chars().take(60).collect();
                failures.push(format!("GET {shown}: {}", reply.status));
            }
        }
    }
    println!(
        "bad input: {tried} cases tried, {} answered with a 5xx",
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(
        (
            common::count_rows(&pool, "patients").await,
            common::count_rows(&pool, "appointments").await,
            common::count_rows(&pool, "users").await,
        ),
        before,
        "nothing was written"
    );
}

/// Every staff server function (`admin/*`) with the fields it reads, found in the source:
/// a function's plain arguments by name, and a form argument's fields as `form[field]`. A
/// function added later is swept without anyone listing it here.
pub(crate) fn staff_functions() -> Vec<(String, Vec<String>)> {
    let mut sources = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let all = sources.join("\n");
    let mut functions = Vec::new();
    for piece in all.split("#[server(endpoint = \"").skip(1) {
        let endpoint = &piece[..piece.find('"').unwrap()];
        if !endpoint.starts_with("admin/") {
            continue;
        }
        let signature = &piece[piece.find("pub async fn").unwrap()..];
        let open = signature.find('(').unwrap();
        let mut depth = 0;
        let mut arguments = Vec::new();
        let mut current = String::new();
        for ch in signature[open + 1..].chars() {
            match ch {
                '(' | '<' | '[' => depth += 1,
                ')' | '>' | ']' if depth > 0 => depth -= 1,
                ')' => break,
                ',' if depth == 0 => {
                    arguments.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(ch);
        }
        arguments.push(current);
        let mut fields = Vec::new();
        for argument in arguments {
            // Attributes such as `#[server(default)]` come before the name.
            let argument = argument.rsplit(']').next().unwrap().trim();
            let Some((name, kind)) = argument.split_once(':') else {
                continue;
            };
            let (name, kind) = (name.trim(), kind.trim());
            match struct_fields(&all, kind) {
                Some(inner) => fields.extend(inner.into_iter().map(|f| format!("{name}[{f}]"))),
                None => fields.push(name.to_owned()),
            }
        }
        functions.push((endpoint.to_owned(), fields));
    }
    functions
}

/// The field names of `pub struct {kind}` in the source, if it is one of ours.
fn struct_fields(source: &str, kind: &str) -> Option<Vec<String>> {
    let start = source.find(&format!("pub struct {kind} {{"))?;
    let body = &source[start..];
    let body = &body[..body.find("\n}").unwrap()];
    Some(
        body.lines()
            .filter_map(|line| {
                let line = line.trim().strip_prefix("pub ")?;
                let (name, _) = line.split_once(':')?;
                Some(name.trim().to_owned())
            })
            .collect(),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn no_bad_input_from_staff_is_answered_with_a_server_failure(pool: PgPool) {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let app = common::app_with_clock(&pool, Clock::fixed(monday)).await;
    let admin = common::signed_in(&app, common::ADMIN).await;
    let functions = staff_functions();
    assert!(
        functions.len() > 50,
        "{} staff functions found",
        functions.len()
    );
    assert!(functions
        .iter()
        .any(|(endpoint, fields)| endpoint == "admin/save_settings"
            && fields.iter().any(|f| f == "form[time_zone]")));
    let mut tried = 0;
    let mut failures = Vec::new();
    let mut refused = Vec::new();
    for (endpoint, fields) in &functions {
        let fields: Vec<&str> = if fields.is_empty() {
            vec!["unexpected"]
        } else {
            fields.iter().map(String::as_str).collect()
        };
        for field in &fields {
            for value in bad_values() {
                let body = form_with(&fields, field, &value);
                let reply = send_as_is(
                    &app,
                    Request::post(format!("/api/{endpoint}"))
                        .header("host", "clinic.example")
                        .header("origin", PUBLIC_URL)
                        .header("cookie", &admin)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("accept", "application/json")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await;
                tried += 1;
                let shown: String = value.chars().take(40).collect();
                if reply.status.is_server_error() {
                    failures.push(format!(
                        "{endpoint} {field}={shown}: {} {}",
                        reply.status,
                        reply.body.chars().take(120).collect::<String>()
                    ));
                }
                if reply.status == StatusCode::UNAUTHORIZED || reply.status == StatusCode::FORBIDDEN
                {
                    refused.push(format!("{endpoint} {field}={shown}: {}", reply.status));
                }
            }
        }
    }
    println!(
        "bad input from staff: {tried} cases over {} functions, {} answered with a 5xx",
        functions.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // Every case reached the function as the admin: none was turned away at the door.
    assert!(refused.is_empty(), "{refused:#?}");
    assert_eq!(
        common::call_as(&app, "admin/dashboard", Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    assert!(matches!(
        app::backend::audit::verify(&pool).await.unwrap(),
        app::backend::audit::Verdict::Intact { .. }
    ));
}
