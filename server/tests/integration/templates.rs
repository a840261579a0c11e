//! The clinic's own wording: checked when saved, previewed on sample values, used by the
//! next message, escaped in an email's HTML part, and reset to Lumen's.

use crate::booking::{at, book, lewis, move_booking, GUEST, MOLE_CHECK};
use crate::calendar::saved;
use crate::common::smtp::SmtpServer;
use crate::common::{
    self, field_problems, form, post_as, signed_in, token_in_email, ADMIN, FRONT_DESK, PATIENT,
    PUBLIC_URL,
};
use crate::messaging::{app_sending_to, deliver_all, to};
use app::admin::templates::types::{TemplateEditor, TemplatePreview, TemplateRow};
use app::backend::state::Clock;
use axum::http::StatusCode;
use axum::Router;
use chrono::{TimeZone, Utc};
use sqlx::PgPool;

const SUBJECT: &str = "See you soon, {{ first_name }}";
const BODY: &str = "Dear {{ first_name }}, your {{ treatment }} is on {{ when }}.\nManage it: {{ manage_link }}\n{{ clinic }}";

async fn save(
    app: &Router,
    cookie: &str,
    kind: &str,
    channel: &str,
    subject: &str,
    body: &str,
) -> common::Reply {
    post_as(
        app,
        "admin/template/save",
        Some(cookie),
        &form(&[
            ("kind", kind),
            ("channel", channel),
            ("subject", subject),
            ("body", body),
        ]),
    )
    .await
}

async fn stored(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM message_templates")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn confirmation_to(pool: &PgPool, address: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT subject, body FROM outbox_messages
         WHERE recipient = $1 AND kind = 'booking_confirmed' ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind(address)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn wording_with_unknown_variables_is_refused_and_good_wording_is_used_next(pool: PgPool) {
    let server = SmtpServer::start();
    let (app, state) = app_sending_to(&pool, &server).await;
    let admin = signed_in(&app, ADMIN).await;

    let list = post_as(&app, "admin/templates", Some(&admin), "").await;
    let rows: Vec<TemplateRow> = serde_json::from_str(&list.body).unwrap();
    assert!(rows
        .iter()
        .any(|r| r.kind == "booking_confirmed" && r.channel == "email" && r.edited.is_none()));
    assert!(rows
        .iter()
        .any(|r| r.kind == "reminder" && r.channel == "sms"));

    // An unknown name is refused beside its field, and nothing is stored.
    let refused = save(
        &app,
        &admin,
        "booking_confirmed",
        "email",
        SUBJECT,
        "Hi {{ firstname }}",
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let problems = field_problems(&refused);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "body");
    assert!(
        problems[0].message.contains("firstname"),
        "{}",
        problems[0].message
    );
    let broken = save(&app, &admin, "booking_confirmed", "email", "{% if %}", BODY).await;
    assert_eq!(field_problems(&broken)[0].field, "subject");
    let no_stop = save(&app, &admin, "reminder", "sms", "", "See you {{ when }}").await;
    assert!(field_problems(&no_stop)[0].message.contains("STOP"));
    let no_such = save(&app, &admin, "booking_confirmed", "sms", "", "Hi").await;
    assert_eq!(no_such.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&pool).await, 0);

    // The preview renders the sample values, or says what is wrong.
    let preview = post_as(
        &app,
        "admin/template/preview",
        Some(&admin),
        &form(&[
            ("kind", "booking_confirmed"),
            ("channel", "email"),
            ("subject", SUBJECT),
            ("body", BODY),
        ]),
    )
    .await;
    let preview: TemplatePreview = serde_json::from_str(&preview.body).unwrap();
    assert_eq!(preview.subject, "See you soon, Isla");
    assert!(
        preview
            .body
            .starts_with("Dear Isla, your Mole and skin check is on"),
        "{}",
        preview.body
    );
    assert!(preview.problems.is_empty());

    // The front desk may not change what patients read.
    let desk = signed_in(&app, FRONT_DESK).await;
    let not_theirs = save(&app, &desk, "booking_confirmed", "email", SUBJECT, BODY).await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&pool).await, 0);

    let saved = save(&app, &admin, "booking_confirmed", "email", SUBJECT, BODY).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let editor = post_as(
        &app,
        "admin/template",
        Some(&admin),
        "kind=booking_confirmed&channel=email",
    )
    .await;
    let editor: TemplateEditor = serde_json::from_str(&editor.body).unwrap();
    assert!(editor.edited);
    assert_eq!(editor.body, BODY);

    // A treatment whose name holds markup: plain in the text, escaped in the HTML part.
    sqlx::query("UPDATE treatments SET name = 'Peel <script>x</script>' WHERE slug = $1")
        .bind(MOLE_CHECK)
        .execute(&pool)
        .await
        .unwrap();
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let (subject, body) = confirmation_to(&pool, GUEST).await;
    assert_eq!(subject, "See you soon, Ana");
    assert!(
        body.starts_with("Dear Ana, your Peel <script>x</script> is on Tuesday 17 March 2026"),
        "{body}"
    );
    assert!(body.contains(&manage), "{body}");
    deliver_all(&state.deliverer(), state.clock.now()).await;
    let email = to(&server.received(), GUEST)
        .pop()
        .expect("the confirmation");
    let html = email.text_of("text/html");
    assert!(
        html.contains("Peel &lt;script&gt;x&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");

    // Back to Lumen's wording for the next one.
    let reset = post_as(
        &app,
        "admin/template/reset",
        Some(&admin),
        "kind=booking_confirmed&channel=email",
    )
    .await;
    assert!(reset.status.is_success(), "{}", reset.body);
    assert_eq!(stored(&pool).await, 0);
    book(&app, MOLE_CHECK, lewis, at(14, 0), "second@example.com").await;
    let (subject, _) = confirmation_to(&pool, "second@example.com").await;
    assert_eq!(
        subject,
        "Your booking at Juniper Skin & Aesthetics is confirmed"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_use_the_clinics_wording(pool: PgPool) {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let app = common::app_with_clock(&pool, Clock::fixed(monday)).await;
    let admin = signed_in(&app, ADMIN).await;
    let saved = save(
        &app,
        &admin,
        "reminder",
        "email",
        "Tomorrow: {{ treatment }}",
        "Hi {{ first_name }}, see you {{ when }}. {{ clinic }}",
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let reminders: Vec<(String, String)> = sqlx::query_as(
        "SELECT subject, body FROM outbox_messages WHERE recipient = $1 AND kind = 'reminder'",
    )
    .bind(GUEST)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!reminders.is_empty());
    for (subject, body) in reminders {
        assert_eq!(subject, "Tomorrow: Mole and skin check");
        assert!(
            body.starts_with("Hi Ana, see you Tuesday 17 March 2026"),
            "{body}"
        );
    }
}

/// The `kind` emails to the guest, newest first (the clock stands still, so the
/// appointment's sequence in the cause tells them apart).
async fn newest_first(pool: &PgPool, kind: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT subject, body FROM outbox_messages
         WHERE recipient = $1 AND kind = $2
         ORDER BY split_part(cause, ':', 4)::int DESC",
    )
    .bind(GUEST)
    .bind(kind)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn moves_and_cancellations_use_the_clinics_wording_and_the_link_only_when_the_patient_has_it(
    pool: PgPool,
) {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let app = common::app_with_clock(&pool, Clock::fixed(monday)).await;
    let admin = signed_in(&app, ADMIN).await;
    // A confirmation without its link would strand the patient: refused.
    let linkless = save(
        &app,
        &admin,
        "booking_confirmed",
        "email",
        "Booked",
        "Hi {{ first_name }}, see you {{ when }}.",
    )
    .await;
    let problems = field_problems(&linkless);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("manage_link"), "{problems:?}");
    let editor = post_as(
        &app,
        "admin/template",
        Some(&admin),
        "kind=booking_confirmed&channel=email",
    )
    .await;
    let editor: TemplateEditor = serde_json::from_str(&editor.body).unwrap();
    let needed: Vec<&str> = editor
        .variables
        .iter()
        .filter(|v| v.required)
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(needed, ["manage_link"]);
    let moved = "Hi {{ first_name }}: now {{ when }}, was {{ was }}. \
        {% if manage_link %}Yours: {{ manage_link }}{% else %}Call {{ phone }}{% endif %}";
    let stored_ok = save(
        &app,
        &admin,
        "booking_moved",
        "email",
        "Moved: {{ treatment }}",
        moved,
    )
    .await;
    assert!(stored_ok.status.is_success(), "{}", stored_ok.body);
    let cancelled = "Sorry {{ first_name }}. Book again: {{ book_link }}";
    let stored_ok = save(
        &app,
        &admin,
        "booking_cancelled",
        "email",
        "Off: {{ treatment }}",
        cancelled,
    )
    .await;
    assert!(stored_ok.status.is_success(), "{}", stored_ok.body);

    // The patient moves it through their link: the email carries it.
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let reply = move_booking(&app, &manage, at(14, 0)).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let (subject, body) = newest_first(&pool, "booking_moved").await.remove(0);
    assert_eq!(subject, "Moved: Mole and skin check");
    assert!(
        body.starts_with("Hi Ana: now Tuesday 17 March 2026, 14:00"),
        "{body}"
    );
    assert!(body.contains("was Tuesday 17 March 2026, 10:00"), "{body}");
    assert!(
        body.ends_with(&format!("Yours: {PUBLIC_URL}/booking/{manage}")),
        "{body}"
    );

    // Staff move it: they never hold the link, so the email says to call.
    let id: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM appointments WHERE lower(period) = $1 AND provider_id = $2
           AND status = 'confirmed'",
    )
    .bind(at(14, 0))
    .bind(lewis)
    .fetch_one(&pool)
    .await
    .unwrap();
    let desk = signed_in(&app, FRONT_DESK).await;
    let by_staff = post_as(
        &app,
        "admin/move_appointment",
        Some(&desk),
        &form(&[
            ("id", &id.to_string()),
            ("form[provider]", &lewis.to_string()),
            ("form[date]", "2026-03-17"),
            ("form[time]", "15:00"),
        ]),
    )
    .await;
    saved(&by_staff, "moved");
    let (_, body) = newest_first(&pool, "booking_moved").await.remove(0);
    assert!(body.contains("was Tuesday 17 March 2026, 14:00"), "{body}");
    let phone: String = sqlx::query_scalar(
        "SELECT l.phone FROM appointments a JOIN locations l ON l.id = a.location_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(body.ends_with(&format!("Call {phone}")), "{body}");
    assert!(!body.contains("/booking/"), "{body}");

    let off = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&desk),
        &format!("id={id}&form[by]=clinic&form[tell_patient]=on"),
    )
    .await;
    saved(&off, "cancelled");
    let (subject, body) = newest_first(&pool, "booking_cancelled").await.remove(0);
    assert_eq!(subject, "Off: Mole and skin check");
    assert_eq!(
        body,
        format!("Sorry Ana. Book again: {PUBLIC_URL}/book?treatment=mole-check")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn account_emails_use_the_clinics_wording_and_their_link_still_works(pool: PgPool) {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap();
    let app = common::app_with_clock(&pool, Clock::fixed(monday)).await;
    let admin = signed_in(&app, ADMIN).await;
    let list = post_as(&app, "admin/templates", Some(&admin), "").await;
    let rows: Vec<TemplateRow> = serde_json::from_str(&list.body).unwrap();
    let groups: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.kind.as_str(), r.group.as_str()))
        .filter(|(kind, _)| ["reminder", "reset_password", "staff_invite"].contains(kind))
        .collect();
    assert_eq!(
        groups,
        [
            ("reminder", "Bookings"),
            ("reminder", "Bookings"),
            ("reminder", "Bookings"),
            ("reset_password", "Accounts"),
            ("staff_invite", "Staff")
        ]
    );

    // Without its link a reset email would be useless: refused.
    let linkless = save(
        &app,
        &admin,
        "reset_password",
        "email",
        "Reset",
        "Call us to reset it.",
    )
    .await;
    assert!(field_problems(&linkless)[0].message.contains("reset_link"));
    let saved = save(
        &app,
        &admin,
        "reset_password",
        "email",
        "A new password for {{ clinic }}",
        "Choose it here: {{ reset_link }}",
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);

    let asked = post_as(
        &app,
        "forgot_password",
        None,
        &format!("email={}", PATIENT.replace('@', "%40")),
    )
    .await;
    assert!(asked.status.is_success(), "{}", asked.body);
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox_messages WHERE recipient = $1 AND kind = 'reset_password'",
    )
    .bind(PATIENT)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(subject, "A new password for Juniper Skin & Aesthetics");
    let prefix = format!("Choose it here: {PUBLIC_URL}/reset-password?token=");
    assert!(body.starts_with(&prefix), "{body}");
    // The link in the clinic's words is a live one.
    let token = token_in_email(&pool, PATIENT, "reset_password", "/reset-password?token=").await;
    let reset = post_as(
        &app,
        "reset_password",
        None,
        &format!("token={token}&password=lantern+orchard+violet"),
    )
    .await;
    assert_eq!(
        reset.headers["location"], "/sign-in?reset=done",
        "{}",
        reset.body
    );
}
