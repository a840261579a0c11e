//! The assistant through a model behind an OpenAI-compatible API: Lumen's own client against
//! the stand-in (`common::model`), which checks each request and answers with a scripted
//! stream. What reaches the model carries no patient's name, email or phone number; tool
//! calls split across events are put together and run; and a malformed stream, an error
//! status, a timeout or an unsafe answer each give the built-in engine's reply instead.
//! Through the answer stream, each sentence reaches the patient as soon as it is written
//! and vetted, and a sentence that fails the vetting withdraws what was shown.

use crate::common::model::{calls, says, says_held, FakeModel, Script, KEY, MODEL};
use crate::common::{self, form, post_as, signed_in, PATIENT};
use app::assistant::types::{ChatView, Said};
use app::backend::integrations::assistant::model::{Model, ModelConfig};
use app::backend::integrations::assistant::Engine;
use app::backend::integrations::messaging::Messaging;
use app::backend::state::{AppState, Clock};
use axum::Router;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

async fn app_with_model(pool: &PgPool, model: &FakeModel, timeout: Duration) -> Router {
    let (_, state) = common::app_with_state(
        pool,
        Clock::system(),
        common::media(),
        Messaging::development(),
    )
    .await;
    with_model(state, model, timeout)
}

/// The router of `state`, its assistant answering through `model`.
fn with_model(state: AppState, model: &FakeModel, timeout: Duration) -> Router {
    let engine = Engine::Model(Arc::new(Model::new(ModelConfig {
        base_url: model.url.clone(),
        model: MODEL.to_owned(),
        key: Some(KEY.to_owned()),
        timeout,
    })));
    lumen::http::router(AppState {
        assistant: engine,
        ..state
    })
}

/// The conversation's cookie a response gave this browser, as a `Cookie` header's part.
fn chat_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lumen_chat="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// Asks as a signed-in patient (or a visitor) and answers the assistant's reply.
async fn ask(
    app: &Router,
    cookie: Option<&str>,
    message: &str,
) -> app::assistant::types::ChatMessage {
    let asked = post_as(app, "assistant/ask", cookie, &form(&[("message", message)])).await;
    assert!(
        asked.status.is_redirection() || asked.status.is_success(),
        "{}",
        asked.body
    );
    let chat_cookie = chat_cookie(&asked.headers).unwrap();
    let both = match cookie {
        Some(session) => format!("{session}; {chat_cookie}"),
        None => chat_cookie,
    };
    let view: ChatView =
        serde_json::from_str(&post_as(app, "assistant/chat", Some(&both), "").await.body).unwrap();
    let last = view.messages.last().unwrap().clone();
    assert_eq!(last.author, "assistant");
    last
}

#[sqlx::test(migrations = "../migrations")]
async fn the_model_answers_from_retrieved_content_and_never_sees_the_patients_details(
    pool: PgPool,
) {
    let model = FakeModel::start(vec![says(
        "Hello [name 1]: a HydraFacial costs £165 and takes 60 minutes. We will not call [phone 1] unless you ask.",
    )])
    .await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let session = signed_in(&app, PATIENT).await;
    let answer = ask(
        &app,
        Some(&session),
        "Hi, I'm Isla Morrison (isla.morrison@example.com, 07700 900456). How much is a HydraFacial?",
    )
    .await;
    // The placeholders the model used are the patient's details again.
    assert_eq!(
        answer.body,
        "Hello Isla: a HydraFacial costs £165 and takes 60 minutes. We will not call 07700 900456 unless you ask."
    );
    assert!(answer
        .sources
        .iter()
        .any(|s| s.href == "/treatments/hydrafacial"));

    let received = model.received();
    assert_eq!(received.len(), 1);
    let sent = received[0].to_string();
    for detail in [
        "Isla",
        "Morrison",
        "isla.morrison@example.com",
        "07700 900456",
        "900456",
    ] {
        assert!(!sent.contains(detail), "{detail} reached the model: {sent}");
    }
    // The system prompt holds the retrieved facts, prices from the database included.
    let system = received[0]["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("HydraFacial") && system.contains("£165"),
        "{system}"
    );
    assert_eq!(received[0]["messages"][1]["role"], "user");
    assert!(received[0]["messages"][1]["content"]
        .as_str()
        .unwrap()
        .contains("[email 1]"));
    let tools: Vec<&str> = received[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        [
            "search_content",
            "list_free_times",
            "hold_time",
            "hand_over"
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tool_call_split_across_events_lists_free_times_as_buttons(pool: PgPool) {
    let model = FakeModel::start(vec![
        calls(
            "list_free_times",
            json!({"treatment": "hydrafacial", "weekday": 6}),
        ),
        says("Here are the earliest Saturday times for a HydraFacial: choose one to hold it."),
    ])
    .await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let answer = ask(
        &app,
        None,
        "Could I come in for a hydrafacial one saturday?",
    )
    .await;
    assert!(
        answer.body.contains("earliest Saturday times"),
        "{}",
        answer.body
    );
    assert!(!answer.offers.is_empty());
    assert!(
        answer.offers.iter().all(|o| o.label.starts_with("Sat ")),
        "{:?}",
        answer.offers
    );

    // The second request carried the call and its result back to the model.
    let received = model.received();
    assert_eq!(received.len(), 2);
    let messages = received[1]["messages"].as_array().unwrap();
    let call = &messages[2]["tool_calls"][0];
    assert_eq!(call["function"]["name"], "list_free_times");
    assert_eq!(
        call["function"]["arguments"],
        r#"{"treatment":"hydrafacial","weekday":6}"#
    );
    assert_eq!(messages[3]["role"], "tool");
    assert!(messages[3]["content"].as_str().unwrap().contains("Sat "));
}

#[sqlx::test(migrations = "../migrations")]
async fn when_the_model_fails_the_builtin_engine_answers(pool: PgPool) {
    let (_, state) = common::app_with_state(
        &pool,
        Clock::system(),
        common::media(),
        Messaging::development(),
    )
    .await;
    let malformed = Script::Stream(vec!["{\"choices\": [".to_owned()]);
    let cut_short = Script::Stream(vec![
        r#"{"choices":[{"index":0,"delta":{"content":"A Hydra"}}]}"#.to_owned(),
    ]);
    for (script, timeout) in [
        (malformed, Duration::from_secs(10)),
        (cut_short, Duration::from_secs(10)),
        (Script::Status(500), Duration::from_secs(10)),
        (Script::Hang, Duration::from_secs(1)),
        // An answer that reassures about a symptom never reaches the patient.
        (
            says("A HydraFacial is £165. Swelling afterwards is perfectly normal, don't worry."),
            Duration::from_secs(10),
        ),
    ] {
        let model = FakeModel::start(vec![script]).await;
        let app = with_model(state.clone(), &model, timeout);
        let answer = ask(&app, None, "How much is a HydraFacial?").await;
        assert_eq!(answer.body, "HydraFacial costs £165 and takes 60 minutes.");
        assert_eq!(model.received().len(), 1);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn red_flags_and_refusals_never_reach_the_model(pool: PgPool) {
    let model = FakeModel::start(vec![says("This should never be asked.")]).await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let red_flag = ask(&app, None, "my lip has gone white after filler").await;
    assert!(red_flag.body.contains("999"));
    let refused = ask(&app, None, "how many units of botox do I need").await;
    assert!(refused.body.contains("doses"));
    assert!(model.received().is_empty());
}

/// Asks through the answer stream, as the page does with JavaScript; gives the response,
/// whose body the test reads piece by piece.
async fn stream_request(app: &Router, message: &str) -> axum::response::Response {
    use tower::ServiceExt;
    let request = axum::http::Request::post("/api/assistant/stream")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", common::PUBLIC_URL)
        .header("host", "clinic.example")
        // Compressed, the pieces would wait for each other.
        .header("accept-encoding", "br, gzip")
        .body(axum::body::Body::from(form(&[("message", message)])))
        .unwrap();
    app.clone().oneshot(request).await.unwrap()
}

/// Reads `body` until it has said at least `wanted` things (or ended), within a time
/// that a stream sent in pieces keeps easily.
async fn read_said(
    body: &mut axum::body::BodyDataStream,
    buffer: &mut String,
    wanted: usize,
) -> Vec<Said> {
    use futures::StreamExt;
    let mut said = Vec::new();
    while said.len() < wanted {
        let piece = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("the stream said something within 10 s");
        let Some(piece) = piece else { break };
        buffer.push_str(std::str::from_utf8(&piece.unwrap()).unwrap());
        said.extend(Said::take_lines(buffer));
    }
    said
}

#[sqlx::test(migrations = "../migrations")]
async fn the_answer_reaches_the_patient_a_sentence_at_a_time_while_the_model_writes(pool: PgPool) {
    let gate = Arc::new(tokio::sync::Notify::new());
    let model = FakeModel::start(vec![says_held(
        "A HydraFacial costs £165. It ta",
        "kes 60 minutes.",
        gate.clone(),
    )])
    .await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let response = stream_request(&app, "How much is a HydraFacial?").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-encoding").is_none());
    let chat_cookie = chat_cookie(response.headers()).expect("the conversation is this browser's");
    let mut body = response.into_body().into_data_stream();
    let mut buffer = String::new();

    // The first sentence is shown while the model is still writing; the half sentence
    // after it waits for its end.
    let first = read_said(&mut body, &mut buffer, 1).await;
    assert_eq!(first, [Said::Text("A HydraFacial costs £165. ".to_owned())]);
    gate.notify_one();
    let rest = read_said(&mut body, &mut buffer, usize::MAX).await;
    assert_eq!(
        rest,
        [Said::Text("It takes 60 minutes.".to_owned()), Said::Done]
    );

    // What was shown is what is stored.
    let view: ChatView = serde_json::from_str(
        &post_as(&app, "assistant/chat", Some(&chat_cookie), "")
            .await
            .body,
    )
    .unwrap();
    let authors: Vec<&str> = view.messages.iter().map(|m| m.author.as_str()).collect();
    assert_eq!(authors, ["patient", "assistant"]);
    assert_eq!(
        view.messages[1].body,
        "A HydraFacial costs £165. It takes 60 minutes."
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sentence_that_fails_the_check_withdraws_what_was_shown(pool: PgPool) {
    let model = FakeModel::start(vec![says(
        "A HydraFacial is £165. Swelling afterwards is perfectly normal, don't worry. Book soon.",
    )])
    .await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let response = stream_request(&app, "How much is a HydraFacial?").await;
    let mut body = response.into_body().into_data_stream();
    let said = read_said(&mut body, &mut String::new(), usize::MAX).await;
    assert_eq!(
        said,
        [
            Said::Text("A HydraFacial is £165. ".to_owned()),
            Said::Withdrawn,
            Said::Text("HydraFacial costs £165 and takes 60 minutes.".to_owned()),
            Said::Done,
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_message_the_stream_cannot_take_is_refused_before_it_starts(pool: PgPool) {
    let model = FakeModel::start(Vec::new()).await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let response = stream_request(&app, "   ").await;
    assert_eq!(response.status(), 422);
    assert!(model.received().is_empty());
}

/// Asks from `address` in the conversation `chat` (a new one when `None`); gives the
/// reply and the conversation's cookie.
async fn ask_from(
    app: &Router,
    chat: Option<&str>,
    address: [u8; 4],
    message: &str,
) -> (app::assistant::types::ChatMessage, String) {
    let mut request = axum::http::Request::post("/api/assistant/ask")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    if let Some(chat) = chat {
        request = request.header("cookie", chat);
    }
    let mut request = request
        .body(axum::body::Body::from(form(&[("message", message)])))
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            address, 40000,
        ))));
    let asked = common::send(app, request).await;
    assert!(asked.status.is_success(), "{}", asked.body);
    let chat = match chat {
        Some(chat) => chat.to_owned(),
        None => chat_cookie(&asked.headers).unwrap(),
    };
    let view: ChatView =
        serde_json::from_str(&post_as(app, "assistant/chat", Some(&chat), "").await.body).unwrap();
    (view.messages.last().unwrap().clone(), chat)
}

#[sqlx::test(migrations = "../migrations")]
async fn past_its_share_of_tokens_a_conversation_or_an_address_gets_the_builtin_engine(
    pool: PgPool,
) {
    let question = "How much is a HydraFacial?";
    let from_the_model = "A HydraFacial costs £165 and takes 60 minutes.";
    let builtin = "HydraFacial costs £165 and takes 60 minutes.";
    // Each answer is said to cost 16,000 tokens: a conversation's 30,000 allow two.
    let model =
        FakeModel::start_costing((0..4).map(|_| says(from_the_model)).collect(), Some(16_000))
            .await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let home = [192, 0, 2, 10];
    let (first, chat) = ask_from(&app, None, home, question).await;
    let (second, _) = ask_from(&app, Some(&chat), home, question).await;
    let (third, _) = ask_from(&app, Some(&chat), home, question).await;
    assert_eq!(
        [first.body, second.body, third.body],
        [from_the_model, from_the_model, builtin]
    );
    assert_eq!(model.received().len(), 2);
    let used: i32 = sqlx::query_scalar("SELECT model_tokens FROM assistant_conversations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(used, 32_000);

    // New conversations from the same address: its day's 200,000 are set near their end
    // here, rather than spent a dozen answers at a time.
    sqlx::query("UPDATE assistant_address_usage SET tokens = 199000")
        .execute(&pool)
        .await
        .unwrap();
    let (from_home, _) = ask_from(&app, None, home, question).await;
    assert_eq!(from_home.body, from_the_model, "under the cap, just");
    let (again_from_home, _) = ask_from(&app, None, home, question).await;
    assert_eq!(again_from_home.body, builtin);
    let (elsewhere, _) = ask_from(&app, None, [198, 51, 100, 7], question).await;
    assert_eq!(elsewhere.body, from_the_model);
    assert_eq!(model.received().len(), 4);
    // Each request asked for the usage it was charged by.
    assert!(model
        .received()
        .iter()
        .all(|r| r["stream_options"]["include_usage"] == true));
    // The address is kept as a hash only.
    let kept: Vec<Vec<u8>> = sqlx::query_scalar("SELECT address_hash FROM assistant_address_usage")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|hash| hash.len() == 32));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_model_holds_a_time_the_patient_chose_and_the_patient_confirms_it_themselves(
    pool: PgPool,
) {
    let model = FakeModel::start(vec![
        calls("list_free_times", json!({"treatment": "hydrafacial"})),
        calls("hold_time", json!({"time": 2})),
        says("I've held that time for you. Continue from the link below to confirm it."),
    ])
    .await;
    let app = app_with_model(&pool, &model, Duration::from_secs(10)).await;
    let booked = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM appointments WHERE status <> 'held'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let booked_before = booked().await;
    let (answer, chat) = ask_from(
        &app,
        None,
        [192, 0, 2, 20],
        "Book me the second earliest HydraFacial please",
    )
    .await;
    let way_on = answer
        .sources
        .iter()
        .find(|s| s.href == "/api/assistant/held")
        .expect("a link on to the held time");
    assert!(
        way_on.title.starts_with("Continue booking "),
        "{}",
        way_on.title
    );
    // The model was told the time is held, not booked.
    let received = model.received();
    let told = received[2]["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        told.starts_with("Held ") && told.contains("It is not booked"),
        "{told}"
    );
    // No secret is written in the conversation: only the conversation's own cookie
    // reaches the hold.
    let stored: Vec<String> = sqlx::query_scalar("SELECT sources::text FROM assistant_messages")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!stored.iter().any(|s| s.contains("hold=")));

    let reply = common::send(
        &app,
        axum::http::Request::get("/api/assistant/held")
            .header("accept", "text/html")
            .header("cookie", &chat)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.headers["location"].to_str().unwrap().to_owned();
    let hold = location
        .strip_prefix("/book/details?hold=")
        .expect("the details step of the hold");
    let held = post_as(&app, "booking/held", None, &form(&[("hold", hold)])).await;
    assert_eq!(held.status, 200, "{}", held.body);
    assert!(held.body.contains("hydrafacial"), "{}", held.body);
    // The hold is the second time listed; nothing is booked until the patient confirms.
    let second: String = {
        let listed = received[1]["messages"].as_array().unwrap().last().unwrap()["content"]
            .as_str()
            .unwrap()
            .to_owned();
        let from = listed.find("2. ").unwrap() + 3;
        listed[from..].split(';').next().unwrap().to_owned()
    };
    assert!(
        way_on.title.ends_with(&second),
        "{} / {second}",
        way_on.title
    );
    assert_eq!(booked().await, booked_before);

    // Without the conversation's cookie, the link leads nowhere near the hold.
    let stranger = common::send(
        &app,
        axum::http::Request::get("/api/assistant/held")
            .header("accept", "text/html")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(stranger.headers["location"], "/assistant");
}
