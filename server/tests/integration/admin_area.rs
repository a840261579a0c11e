//! The staff area as a whole: who reaches which screen and server function, the clinic
//! settings, and the audit log screen.

use crate::common;

use app::admin::types::AuditPage;
use app::domain::form::problem_for;
use axum::http::StatusCode;
use common::{get, get_as, post_as, signed_in, ADMIN, FRONT_DESK, PATIENT};
use sqlx::PgPool;

/// The demo's clinician.
const PROVIDER: &str = "amara@juniper-clinic.example";

/// Every staff page, and whether front desk, and a provider, may open it.
const PAGES: [(&str, bool, bool); 25] = [
    ("/admin/staff", false, false),
    ("/admin", true, true),
    ("/admin/calendar", true, true),
    ("/admin/calendar/new", true, true),
    ("/admin/patients", true, true),
    ("/admin/payments", true, false),
    ("/admin/reports", true, true),
    ("/admin/waitlist", true, true),
    ("/admin/gallery", false, true),
    ("/admin/gallery/cases/new", false, true),
    ("/admin/treatments", false, false),
    ("/admin/treatments/new", false, false),
    ("/admin/categories", false, false),
    ("/admin/categories/new", false, false),
    ("/admin/providers", false, false),
    ("/admin/providers/new", false, false),
    ("/admin/locations", false, false),
    ("/admin/locations/new", false, false),
    ("/admin/mailbox", false, false),
    ("/admin/assistant", true, true),
    ("/admin/assistant/answers", false, false),
    ("/admin/templates", false, false),
    ("/admin/templates/reminder/sms", false, false),
    ("/admin/audit", false, false),
    ("/admin/settings", false, false),
];

/// Every staff server function with arguments of the right shape, and whether front desk,
/// and a provider (a clinician: the gallery and the diary, not payments or the clinic's
/// set-up), may call it.
const FUNCTIONS: [(&str, &str, bool, bool); 88] = [
    ("admin/staff", "", false, false),
    ("admin/calendar", "", true, true),
    ("admin/appointment", "id=x", true, true),
    ("admin/new_appointment", "", true, true),
    ("admin/create_appointment", "form[patient]=", true, true),
    ("admin/schedule_session", "form[treatment]=", true, true),
    ("admin/move_appointment", "id=x", true, true),
    ("admin/cancel_appointment", "id=x", true, true),
    ("admin/record_outcome", "id=x&outcome=arrived", true, true),
    ("admin/refund_payment", "id=x", true, false),
    ("admin/charge_fee", "id=x", true, false),
    ("admin/take_payment", "id=x", true, false),
    ("admin/payments", "", true, false),
    ("admin/reports", "", true, true),
    ("admin/waitlist", "", true, true),
    ("admin/remove_from_waitlist", "id=x", true, true),
    ("admin/patients", "", true, true),
    ("admin/gallery", "", false, true),
    ("admin/save_collection", "form[title]=", false, true),
    (
        "admin/move_gallery_item",
        "level=case&id=x&direction=up",
        false,
        true,
    ),
    ("admin/case", "id=new", false, true),
    ("admin/save_case", "form[title]=", false, true),
    ("admin/record_consent", "form[case_id]=", false, true),
    ("admin/revoke_consent", "case_id=x", false, true),
    ("admin/publish_case", "case_id=x&publish=true", false, true),
    (
        "admin/save_case_picture",
        "id=x&kind=before&pair=1&label=a&alt=b&crop=&blur=",
        false,
        true,
    ),
    ("admin/remove_case_picture", "id=x", false, true),
    ("admin/patient", "id=x", true, true),
    ("admin/add_patient_note", "patient_id=x", true, true),
    ("admin/merge_patients", "from=x&into=y", true, true),
    ("admin/invite_staff", "form[name]=", false, false),
    (
        "admin/update_staff",
        "user_id=00000000-0000-0000-0000-000000000000&role=provider&active=true",
        false,
        false,
    ),
    ("admin/reset_staff_authenticator", "user_id=x", false, false),
    ("admin/dashboard", "", true, true),
    ("admin/treatments", "", false, false),
    ("admin/treatment_editor", "id=new", false, false),
    ("admin/save_treatment", "form[name]=", false, false),
    ("admin/categories", "", false, false),
    ("admin/category", "id=new", false, false),
    ("admin/save_category", "form[name]=", false, false),
    ("admin/move_category", "id=x&direction=up", false, false),
    ("admin/remove_category", "id=x", false, false),
    ("admin/providers", "", false, false),
    ("admin/provider_editor", "id=new", false, false),
    ("admin/save_provider", "form[display_name]=", false, false),
    (
        "admin/save_provider_week",
        "provider_id=x&location_id=y",
        false,
        false,
    ),
    (
        "admin/add_time_off",
        "provider_id=x&time_off[starts]=",
        false,
        false,
    ),
    ("admin/remove_provider_photo", "provider_id=x", false, false),
    (
        "admin/remove_time_off",
        "provider_id=x&time_off_id=y",
        false,
        false,
    ),
    ("admin/locations", "", false, false),
    ("admin/location_editor", "id=new", false, false),
    ("admin/save_location", "form[name]=", false, false),
    (
        "admin/save_opening_hours",
        "location_id=x&week[monday]=",
        false,
        false,
    ),
    ("admin/save_room", "location_id=x&room[name]=", false, false),
    ("admin/closures", "", false, false),
    ("admin/add_closure", "form[first_day]=", false, false),
    ("admin/load_holidays", "calendar=spain&year=1", false, false),
    ("admin/remove_closure", "id=x", false, false),
    ("admin/cancel_closed_day_bookings", "id=x", false, false),
    ("admin/mailbox", "", false, false),
    ("admin/assistant/conversations", "", true, true),
    ("admin/assistant/conversation", "id=x", true, true),
    ("admin/assistant/reply", "conversation=x", true, true),
    ("admin/assistant/close", "conversation=x", true, true),
    ("admin/assistant/answers", "", false, false),
    ("admin/assistant/save_answer", "id=", false, false),
    ("admin/assistant/delete_answer", "id=x", false, false),
    (
        "admin/mailbox/retry",
        "id=00000000-0000-0000-0000-000000000000",
        false,
        false,
    ),
    (
        "admin/template/save",
        "kind=reminder&channel=sms&body=x",
        false,
        false,
    ),
    ("admin/case_preview", "id=x", false, true),
    (
        "admin/mailbox/reply",
        "id=00000000-0000-0000-0000-000000000000&body=x",
        true,
        true,
    ),
    ("admin/templates", "", false, false),
    ("admin/template", "kind=reminder&channel=sms", false, false),
    (
        "admin/template/preview",
        "kind=reminder&channel=sms&body=x",
        false,
        false,
    ),
    (
        "admin/template/reset",
        "kind=reminder&channel=sms",
        false,
        false,
    ),
    ("admin/audit_log", "filter[action]=", false, false),
    ("admin/settings", "", false, false),
    ("admin/save_settings", "form[name]=", false, false),
    ("admin/api_keys", "", false, false),
    ("admin/create_api_key", "form[name]=", false, false),
    ("admin/revoke_api_key", "id=x", false, false),
    ("admin/webhooks", "", false, false),
    ("admin/add_webhook", "form[url]=", false, false),
    ("admin/rotate_webhook_secret", "id=x", false, false),
    ("admin/remove_webhook", "id=x", false, false),
    ("admin/replay_webhook", "id=x", false, false),
    ("admin/practice_ids", "", false, false),
    ("admin/save_practice_ids", "form[centre]=", false, false),
];

#[test]
fn every_staff_function_in_the_source_is_in_the_matrix() {
    let missing: Vec<String> = crate::bad_input::staff_functions()
        .into_iter()
        .map(|(endpoint, _)| endpoint)
        .filter(|endpoint| !FUNCTIONS.iter().any(|(listed, ..)| listed == endpoint))
        .collect();
    assert!(missing.is_empty(), "not in FUNCTIONS: {missing:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_staff_page_and_function_refuses_whoever_may_not_use_it(pool: PgPool) {
    let app = common::app(&pool).await;
    let patient = signed_in(&app, PATIENT).await;
    let front_desk = signed_in(&app, FRONT_DESK).await;
    let provider = signed_in(&app, PROVIDER).await;
    let admin = signed_in(&app, ADMIN).await;
    for (path, front_desk_may, provider_may) in PAGES {
        for (who, cookie, allowed) in [
            ("anonymous", None, None),
            ("patient", Some(&patient), Some(false)),
            ("front desk", Some(&front_desk), Some(front_desk_may)),
            ("provider", Some(&provider), Some(provider_may)),
            ("admin", Some(&admin), Some(true)),
        ] {
            let status = get_as(&app, path, cookie.map(String::as_str)).await.status;
            let expected = match allowed {
                None => StatusCode::UNAUTHORIZED,
                Some(false) => StatusCode::FORBIDDEN,
                Some(true) => StatusCode::OK,
            };
            assert_eq!(status, expected, "{who} opening {path}");
        }
    }
    for (endpoint, args, front_desk_may, provider_may) in FUNCTIONS {
        for (who, cookie, allowed) in [
            ("anonymous", None, None),
            ("patient", Some(&patient), Some(false)),
            ("front desk", Some(&front_desk), Some(front_desk_may)),
            ("provider", Some(&provider), Some(provider_may)),
            ("admin", Some(&admin), Some(true)),
        ] {
            let status = post_as(&app, endpoint, cookie.map(String::as_str), args)
                .await
                .status;
            match allowed {
                None => assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{who} calling {endpoint}: {}",
                    post_as(&app, endpoint, None, args).await.body
                ),
                Some(false) => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{who} calling {endpoint}")
                }
                // Allowed callers get past the check: an empty form may still be refused
                // for what it lacks, never for who sent it.
                Some(true) => assert!(
                    ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status),
                    "{who} calling {endpoint}: {status}"
                ),
            }
        }
    }
}

fn settings_form(name: &str, phone: &str, time_zone: &str) -> String {
    format!(
        "form[name]={}&form[tagline]=&form[tax_id]=GB+123+4567+89&form[email]=hello%40juniper.example&form[phone]={}&form[time_zone]={}&form[currency]=EUR&form[late_cancel_hours]=48&form[cancellation_policy]=Call+us.&form[hold_minutes]=15&form[slot_minutes]=10&form[min_notice_hours]=4&form[horizon_days]=90&form[assistant_retention_days]=90&form[allow_double_booking]=on&form[reminder_hours]=24&form[remind_by_email]=on&form[quiet_hours_start]=21%3A00&form[quiet_hours_end]=08%3A00&form[payment_processor]=offline&form[payment_rule]=at_clinic&form[pay_within_minutes]=30&form[refund_on_time_cancellation]=on&form[video_relay_only]=on",
        name.replace(' ', "+"),
        phone.replace('+', "%2B").replace(' ', "+"),
        time_zone.replace('/', "%2F")
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_renames_the_clinic_and_every_public_page_says_so(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let saved = post_as(
        &app,
        "admin/save_settings",
        Some(&admin),
        &settings_form("Juniper Clinic Leith", "+44 131 496 0999", "Europe/London"),
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let home = get(&app, "/").await;
    assert!(home.body.contains("Juniper Clinic Leith"));
    assert!(home.body.contains("+44 131 496 0999"));
    let treatment = get(&app, "/treatments/hydrafacial").await;
    assert!(
        treatment.body.contains("€165"),
        "prices in the new currency"
    );
    assert!(!treatment.body.contains("£165"));
    let (hours, policy): (i32, String) =
        sqlx::query_as("SELECT late_cancel_hours, cancellation_policy FROM clinics")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((hours, policy.as_str()), (48, "Call us."));
    let settings: app::domain::clinic_settings::SettingsForm =
        serde_json::from_str(&post_as(&app, "admin/settings", Some(&admin), "").await.body)
            .unwrap();
    assert_eq!(settings.tax_id, "GB 123 4567 89", "for the receipts");
    assert!(
        settings.video_relay_only,
        "video calls through the relay only"
    );
    let rules: (i32, i32, i32, i32, bool) = sqlx::query_as(
        "SELECT hold_minutes, slot_minutes, min_notice_minutes, horizon_days, allow_double_booking
         FROM clinics",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        rules,
        (15, 10, 240, 90, true),
        "the booking rules, notice in minutes"
    );

    // A time zone the database does not know, and a blank name: refused, nothing stored.
    let refused = post_as(
        &app,
        "admin/save_settings",
        Some(&admin),
        &settings_form("Other Name", "+44 131 496 0999", "Mars/Olympus_Mons"),
    )
    .await;
    assert!(problem_for(&common::field_problems(&refused), "time_zone").is_some());
    let name: String = sqlx::query_scalar("SELECT name FROM clinics")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Juniper Clinic Leith");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'update' AND subject_type = 'clinic_settings'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_browse_the_audit_log_by_person_and_action(pool: PgPool) {
    let app = common::app(&pool).await;
    signed_in(&app, FRONT_DESK).await;
    let admin = signed_in(&app, ADMIN).await;
    let page = |filter: &str| {
        let app = app.clone();
        let admin = admin.clone();
        let filter = filter.to_owned();
        async move {
            let reply = post_as(&app, "admin/audit_log", Some(&admin), &filter).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            serde_json::from_str::<AuditPage>(&reply.body).unwrap()
        }
    };
    let front_desk_sign_ins = page(&format!(
        "filter[action]=sign_in&filter[actor]={}",
        FRONT_DESK.replace('@', "%40")
    ))
    .await;
    assert_eq!(front_desk_sign_ins.entries.len(), 1);
    assert_eq!(front_desk_sign_ins.entries[0].role, "front_desk");
    assert!(front_desk_sign_ins.older.is_none());

    let everything = page("filter[action]=").await;
    assert!(everything.entries.len() >= 4);
    assert!(everything
        .entries
        .windows(2)
        .all(|pair| pair[0].seq > pair[1].seq));
    // Reading the log is in the log.
    let reads = page("filter[action]=read&filter[subject_type]=audit_log").await;
    assert_eq!(reads.entries.len(), 3);

    let screen = get_as(&app, "/admin/audit?action=sign_in", Some(&admin)).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(
        screen.body.contains("Ewan Baird"),
        "the front desk's name is shown"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_call_with_arguments_that_cannot_be_read_is_the_callers_mistake(pool: PgPool) {
    let app = common::app(&pool).await;
    for endpoint in ["admin/treatment_editor", "admin/update_staff", "sign_in"] {
        let reply = post_as(&app, endpoint, None, "").await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{endpoint}: {}",
            reply.body
        );
    }
}

/// The `id`s an HTML page gives more than one element.
fn repeated_ids(html: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut repeated = Vec::new();
    for piece in html.split(" id=\"").skip(1) {
        let id = piece.split('"').next().unwrap_or_default().to_owned();
        if !seen.insert(id.clone()) && !repeated.contains(&id) {
            repeated.push(id);
        }
    }
    repeated
}

/// A label names the first element with its `for` id, so two fields with one id leave the
/// second without its label (and a screen reader names the first by both).
#[sqlx::test(migrations = "../migrations")]
async fn no_staff_page_gives_two_elements_one_id(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    for (path, ..) in PAGES {
        let page = get_as(&app, path, Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(repeated_ids(&page.body), Vec::<String>::new(), "{path}");
    }
}
