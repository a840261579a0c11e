//! The assistant through the real router and database: answers read from the clinic's
//! content at the moment of asking, with their pages; red flags answered at once, the
//! conversation marked urgent and staff alerted without the patient's words; a request for
//! a person handed over; a conversation only its own browser reads; and the plain form that
//! works without JavaScript.

use crate::common::{self, emails_to, field_problems, form, get_as, post_as, Reply};
use app::assistant::types::ChatView;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use sqlx::PgPool;

const CLINIC_EMAIL: &str = "hello@juniper-clinic.example";

/// The browser's conversation cookie from an answer that started one.
fn chat_cookie(reply: &Reply) -> String {
    let set = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lumen_chat="))
        .unwrap_or_else(|| panic!("no conversation cookie: {:?}", reply.headers));
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

async fn ask(app: &Router, cookie: Option<&str>, message: &str) -> Reply {
    let reply = post_as(app, "assistant/ask", cookie, &form(&[("message", message)])).await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    reply
}

async fn chat(app: &Router, cookie: Option<&str>) -> ChatView {
    let reply = post_as(app, "assistant/chat", cookie, "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// The assistant's latest words in the conversation.
fn last_answer(view: &ChatView) -> &app::assistant::types::ChatMessage {
    let last = view.messages.last().expect("a message");
    assert_eq!(last.author, "assistant");
    last
}

async fn conversation_flags(pool: &PgPool) -> (String, bool) {
    sqlx::query_as("SELECT status, urgent FROM assistant_conversations")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_price_is_read_from_the_database_when_asked_and_names_its_page(pool: PgPool) {
    let app = common::app(&pool).await;
    let first = ask(&app, None, "How much is a HydraFacial?").await;
    let cookie = chat_cookie(&first);
    let view = chat(&app, Some(&cookie)).await;
    assert_eq!(view.messages.len(), 2);
    assert_eq!(view.messages[0].author, "patient");
    let answer = last_answer(&view);
    assert!(answer.body.contains("£165"), "{}", answer.body);
    assert_eq!(answer.sources[0].href, "/treatments/hydrafacial");

    // Staff change the price: the next answer has the new one, the old answer stays as said.
    sqlx::query("UPDATE treatments SET price_minor = 17500 WHERE slug = 'hydrafacial'")
        .execute(&pool)
        .await
        .unwrap();
    ask(&app, Some(&cookie), "and what does a hydrafacial cost now?").await;
    let view = chat(&app, Some(&cookie)).await;
    assert_eq!(view.messages.len(), 4);
    assert!(last_answer(&view).body.contains("£175"));
    assert!(view.messages[1].body.contains("£165"));

    // What the clinic has not published gets no guess.
    ask(&app, Some(&cookie), "Can I bring my dog?").await;
    let view = chat(&app, Some(&cookie)).await;
    let answer = last_answer(&view);
    assert!(answer.body.contains("I don't know"), "{}", answer.body);
    assert!(answer.body.contains("+44 131 496 0100"), "{}", answer.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_red_flag_is_answered_at_once_and_staff_are_alerted_without_the_patients_words(
    pool: PgPool,
) {
    let app = common::app(&pool).await;
    let words = "I had lip filler this morning and my lip has gone white and blotchy";
    let cookie = chat_cookie(&ask(&app, None, words).await);
    let view = chat(&app, Some(&cookie)).await;
    let answer = last_answer(&view);
    assert!(answer.body.contains("999"), "{}", answer.body);
    assert!(answer.body.contains("+44 131 496 0100"), "{}", answer.body);
    assert_eq!(
        conversation_flags(&pool).await,
        ("handed_over".to_owned(), true)
    );
    let (screening,): (Option<String>,) =
        sqlx::query_as("SELECT screening FROM assistant_messages WHERE author = 'patient'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(screening.as_deref(), Some("red_flag:blood_flow"));

    let alerts = emails_to(&pool, CLINIC_EMAIL).await;
    let alerts: Vec<_> = alerts
        .iter()
        .filter(|(kind, _)| kind == "assistant_alert")
        .collect();
    assert_eq!(alerts.len(), 1);
    let body = &alerts[0].1;
    assert!(
        body.contains("URGENT") && body.contains("blocked blood vessel"),
        "{body}"
    );
    assert!(
        body.contains("https://clinic.example/admin/assistant/"),
        "{body}"
    );
    assert!(
        !body.contains("gone white") && !body.contains("lip filler this morning"),
        "{body}"
    );

    // Once staff have it, the assistant stays quiet, but another red flag is still answered
    // (and staff are not alerted twice for one conversation).
    ask(&app, Some(&cookie), "how much is a hydrafacial").await;
    let view = chat(&app, Some(&cookie)).await;
    assert_eq!(view.messages.last().unwrap().author, "patient");
    assert!(view.with_staff);
    ask(
        &app,
        Some(&cookie),
        "now I can't see properly out of my left eye",
    )
    .await;
    let view = chat(&app, Some(&cookie)).await;
    assert!(last_answer(&view).body.contains("sight"));
    let alerts = emails_to(&pool, CLINIC_EMAIL).await;
    assert_eq!(
        alerts
            .iter()
            .filter(|(kind, _)| kind == "assistant_alert")
            .count(),
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn asking_for_a_person_hands_the_conversation_to_staff(pool: PgPool) {
    let app = common::app(&pool).await;
    let cookie = chat_cookie(&ask(&app, None, "Can I talk to a real person?").await);
    assert_eq!(
        conversation_flags(&pool).await,
        ("handed_over".to_owned(), false)
    );
    let alerts = emails_to(&pool, CLINIC_EMAIL).await;
    let alert = alerts
        .iter()
        .find(|(kind, _)| kind == "assistant_alert")
        .unwrap();
    assert!(alert.1.contains("asked to talk to a person"), "{}", alert.1);
    assert!(!alert.1.contains("URGENT"));
    assert!(chat(&app, Some(&cookie)).await.with_staff);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_conversation_is_read_only_by_the_browser_that_holds_it(pool: PgPool) {
    let app = common::app(&pool).await;
    let a = chat_cookie(&ask(&app, None, "What is the cancellation policy?").await);
    assert_eq!(chat(&app, Some(&a)).await.messages.len(), 2);

    assert!(chat(&app, None).await.messages.is_empty());
    // A made-up secret, or A's with one character changed, opens nothing of A's.
    let forged = format!("lumen_chat={}", "0".repeat(64));
    assert!(chat(&app, Some(&forged)).await.messages.is_empty());
    let mut near = a.clone();
    let last = near.pop().unwrap();
    near.push(if last == '0' { '1' } else { '0' });
    assert!(chat(&app, Some(&near)).await.messages.is_empty());
    // B's own question starts a conversation of B's own.
    let b = chat_cookie(&ask(&app, None, "Where are you?").await);
    assert_ne!(a, b);
    assert_eq!(chat(&app, Some(&b)).await.messages.len(), 2);
    assert_eq!(chat(&app, Some(&a)).await.messages.len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn without_javascript_the_form_posts_and_the_page_shows_the_conversation(pool: PgPool) {
    let app = common::app(&pool).await;
    let posted = common::send(
        &app,
        Request::post("/api/assistant/ask")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("host", "clinic.example")
            .header("referer", "https://clinic.example/assistant")
            .body(Body::from(form(&[(
                "message",
                "Are you open on Saturday?",
            )])))
            .unwrap(),
    )
    .await;
    assert!(posted.status.is_redirection(), "{}", posted.status);
    assert_eq!(posted.headers["location"], "/assistant#latest");
    let cookie = chat_cookie(&posted);
    let page = get_as(&app, "/assistant", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Are you open on Saturday?"),
        "{}",
        page.body
    );
    // Saturday hours of both locations, from the opening hours table.
    assert!(page.body.contains("10:00–16:00"), "{}", page.body);
    assert!(page.body.contains("09:00–15:00"), "{}", page.body);
    assert!(page.body.contains(r#"href="/#visit""#));
    assert!(page.body.contains(r#"id="latest""#));
    assert!(page
        .body
        .contains(r#"<textarea id="message" name="message""#));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_or_overlong_message_is_refused_beside_the_field_and_nothing_is_stored(
    pool: PgPool,
) {
    let app = common::app(&pool).await;
    for typed in ["   ", &"a".repeat(1001)] {
        let reply = post_as(&app, "assistant/ask", None, &form(&[("message", typed)])).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        let problems = field_problems(&reply);
        assert_eq!(problems[0].field, "message");
        assert!(reply.headers.get("set-cookie").is_none());
    }
    assert_eq!(
        common::count_rows(&pool, "assistant_conversations").await,
        0
    );
    assert_eq!(common::count_rows(&pool, "assistant_messages").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_see_urgent_conversations_first_read_them_audited_and_reply(pool: PgPool) {
    let app = common::app(&pool).await;
    let waiting = chat_cookie(&ask(&app, None, "Can I speak to someone please").await);
    ask(&app, None, "my throat is swelling and I can't breathe").await;

    // Patients and visitors are not staff.
    let patient = common::signed_in(&app, common::PATIENT).await;
    let refused = post_as(&app, "admin/assistant/conversations", Some(&patient), "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = post_as(&app, "admin/assistant/conversations", None, "").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let desk = common::signed_in(&app, common::FRONT_DESK).await;
    let list = post_as(&app, "admin/assistant/conversations", Some(&desk), "").await;
    let rows: Vec<app::admin::assistant::types::ConversationRow> =
        serde_json::from_str(&list.body).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].urgent && !rows[1].urgent);
    assert_eq!(rows[1].status, "Waiting for the team");
    // The list names no patient's words.
    assert!(!list.body.contains("throat"));

    let id = &rows[1].id;
    let read = post_as(
        &app,
        "admin/assistant/conversation",
        Some(&desk),
        &form(&[("id", id)]),
    )
    .await;
    let transcript: app::admin::assistant::types::Transcript =
        serde_json::from_str(&read.body).unwrap();
    assert_eq!(transcript.lines[0].body, "Can I speak to someone please");
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'read' AND subject_type = 'assistant_conversation'
           AND subject_id = $1::uuid",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    let sent = post_as(
        &app,
        "admin/assistant/reply",
        Some(&desk),
        &form(&[
            ("conversation", id),
            ("message", "Hello, this is Sam at the front desk."),
        ]),
    )
    .await;
    assert_eq!(
        sent.headers["location"],
        format!("/admin/assistant/{id}?saved=reply")
    );
    let view = chat(&app, Some(&waiting)).await;
    let last = view.messages.last().unwrap();
    assert_eq!(
        (last.author.as_str(), last.body.as_str()),
        ("staff", "Hello, this is Sam at the front desk.")
    );

    // A reply with nothing in it is refused beside the field; a closed one is not sent.
    let empty = post_as(
        &app,
        "admin/assistant/reply",
        Some(&desk),
        &form(&[("conversation", id), ("message", " ")]),
    )
    .await;
    assert_eq!(field_problems(&empty)[0].field, "message");
    post_as(
        &app,
        "admin/assistant/close",
        Some(&desk),
        &form(&[("conversation", id)]),
    )
    .await;
    let late = post_as(
        &app,
        "admin/assistant/reply",
        Some(&desk),
        &form(&[("conversation", id), ("message", "Still there?")]),
    )
    .await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.body
    );
    assert_eq!(chat(&app, Some(&waiting)).await.messages.len(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_questions_and_answers_are_given_word_for_word_with_their_page(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = common::signed_in(&app, common::ADMIN).await;
    let answer = "Yes: 10% off facials and peels with a student card.";
    let saved = post_as(
        &app,
        "admin/assistant/save_answer",
        Some(&admin),
        &form(&[
            ("id", ""),
            ("question", "Do you offer a student discount?"),
            ("answer_text", answer),
        ]),
    )
    .await;
    assert_eq!(
        saved.headers["location"],
        "/admin/assistant/answers?saved=answer"
    );

    let cookie = chat_cookie(&ask(&app, None, "do you offer student discounts").await);
    let view = chat(&app, Some(&cookie)).await;
    let last = last_answer(&view);
    assert_eq!(last.body, answer);
    assert!(last.sources[0].href.starts_with("/assistant#faq-"));
    // The demo's five, and this one, last.
    assert_eq!(view.faqs.len(), 6);
    let page = get_as(&app, "/assistant", Some(&cookie)).await;
    assert!(page
        .body
        .contains(&format!(r#"id="faq-{}""#, view.faqs[5].id)));

    // Bad input keeps what was stored; the front desk does not edit the clinic's content.
    let bad = post_as(
        &app,
        "admin/assistant/save_answer",
        Some(&admin),
        &form(&[("id", ""), ("question", ""), ("answer_text", "")]),
    )
    .await;
    let fields: Vec<String> = field_problems(&bad).into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["question", "answer_text"]);
    let desk = common::signed_in(&app, common::FRONT_DESK).await;
    let refused = post_as(
        &app,
        "admin/assistant/save_answer",
        Some(&desk),
        &form(&[
            ("id", ""),
            ("question", "Anything?"),
            ("answer_text", "No."),
        ]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(common::count_rows(&pool, "assistant_faqs").await, 6);
}

/// The offers in the assistant's latest answer.
fn offers(view: &ChatView) -> Vec<app::assistant::types::Offer> {
    last_answer(view).offers.clone()
}

async fn hold_offer(app: &Router, cookie: &str, offer: &app::assistant::types::Offer) -> Reply {
    post_as(
        app,
        "assistant/hold",
        Some(cookie),
        &form(&[
            ("treatment", &offer.treatment),
            ("provider", &offer.provider),
            ("start", &offer.start),
        ]),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn booking_through_the_assistant_holds_a_time_under_the_pickers_rules(pool: PgPool) {
    let app = common::app(&pool).await;
    let count = |pool: PgPool| async move {
        let counts: (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = 'held'), count(*) FILTER (WHERE status <> 'held')
             FROM appointments",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        counts
    };
    let (held_before, booked_before) = count(pool.clone()).await;
    let cookie = chat_cookie(&ask(&app, None, "I'd like to book a HydraFacial").await);
    let view = chat(&app, Some(&cookie)).await;
    let offered = offers(&view);
    assert_eq!(offered.len(), 6, "{:?}", last_answer(&view).body);
    assert!(last_answer(&view)
        .sources
        .iter()
        .any(|s| s.href == "/book?treatment=hydrafacial"));

    // The picker's rules: nothing sooner than the clinic's notice from now (this app runs
    // on the system clock), times in order.
    let (notice,): (i32,) = sqlx::query_as("SELECT min_notice_minutes FROM clinics")
        .fetch_one(&pool)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let starts: Vec<_> = offered
        .iter()
        .map(|o| {
            chrono::DateTime::parse_from_rfc3339(&o.start)
                .unwrap()
                .to_utc()
        })
        .collect();
    assert!(
        starts[0] >= now + chrono::Duration::minutes(i64::from(notice)),
        "{starts:?}"
    );
    assert!(starts[0] < now + chrono::Duration::days(14), "{starts:?}");
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));

    // Choosing one holds it and opens the details step; nothing is booked yet.
    let held = hold_offer(&app, &cookie, &offered[0]).await;
    let location = held.headers["location"].to_str().unwrap();
    assert!(location.starts_with("/book/details?hold="), "{location}");
    assert_eq!(count(pool.clone()).await, (held_before + 1, booked_before));

    // A day asked for is the day offered.
    ask(&app, Some(&cookie), "can I book a hydrafacial on saturday?").await;
    let saturdays = offers(&chat(&app, Some(&cookie)).await);
    assert!(!saturdays.is_empty());
    assert!(
        saturdays.iter().all(|o| o.label.starts_with("Sat ")),
        "{saturdays:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_time_taken_before_it_is_chosen_gets_the_nearest_free_ones(pool: PgPool) {
    let app = common::app(&pool).await;
    let cookie = chat_cookie(&ask(&app, None, "book a hydrafacial please").await);
    let offered = offers(&chat(&app, Some(&cookie)).await);
    // Someone else takes the first time on the booking page.
    let other = post_as(
        &app,
        "booking/hold",
        None,
        &form(&[
            ("treatment", &offered[0].treatment),
            ("provider", &offered[0].provider),
            ("start", &offered[0].start),
            ("hold", ""),
        ]),
    )
    .await;
    assert!(other.headers["location"]
        .to_str()
        .unwrap()
        .starts_with("/book/details?hold="));

    let late = hold_offer(&app, &cookie, &offered[0]).await;
    assert_eq!(late.headers["location"], "/assistant#latest");
    let view = chat(&app, Some(&cookie)).await;
    let answer = last_answer(&view);
    assert!(answer.body.contains("just taken"), "{}", answer.body);
    assert!(!answer.offers.is_empty());
    assert!(answer
        .offers
        .iter()
        .all(|o| o.start != offered[0].start || o.provider != offered[0].provider));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_patients_conversations_are_in_their_export_and_go_with_their_account(
    pool: PgPool,
) {
    let app = common::app(&pool).await;
    let session = common::signed_in(&app, common::PATIENT).await;
    let asked = ask(&app, Some(&session), "What does a HydraFacial cost?").await;
    let both = format!("{session}; {}", chat_cookie(&asked));
    // A visitor's conversation is nobody's record.
    ask(&app, None, "Where are you?").await;

    let export = get_as(&app, "/api/account/my_data", Some(&session)).await;
    let data: app::account::types::MyData = serde_json::from_str(&export.body).unwrap();
    assert_eq!(data.conversations.len(), 1);
    let lines = &data.conversations[0].messages;
    assert_eq!(lines[0].body, "What does a HydraFacial cost?");
    assert!(lines[1].body.contains("£165"));
    assert!(chat(&app, Some(&both)).await.messages.len() == 2);

    let deleted = post_as(
        &app,
        "account/delete",
        Some(&session),
        &form(&[("current_password", common::PASSWORD)]),
    )
    .await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "{}",
        deleted.body
    );
    assert_eq!(
        common::count_rows(&pool, "assistant_conversations").await,
        1
    );
    assert!(chat(&app, Some(&both)).await.messages.is_empty());
}
