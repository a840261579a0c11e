//! Video visits' signaling, over real sockets against the server on a local port: only the
//! visit's patient (by the booking's link, or signed in) and its clinician (the provider,
//! or a clinic admin) enter its room, a third connection is refused, nothing passes until
//! the patient is admitted, a message that is not one closes the socket, and the room
//! opens and closes on time (fixed clock). The call's times and every join and leave are
//! kept.

use crate::common::{self, post_as, signed_in, ADMIN, FRONT_DESK, PATIENT};
use app::backend::state::{AppState, Clock};
use app::backend::video::ice::IceSettings;
use app::backend::video::Video;
use app::domain::video::{DescriptionKind, Side, ToPeer};
use app::video::types::RoomView;
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::{SinkExt, StreamExt};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

const PROVIDER: &str = "amara@juniper-clinic.example";
const LINK: &str = "7a1e0c3b9d2f4a6e8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a";

fn starts() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap()
}

struct Room {
    address: String,
    visit: Uuid,
    state: AppState,
    clock: Clock,
}

/// The demo clinic on a local port, its clock at `now`, with a video visit from 10:00 to
/// 10:30 UTC between Isla (the demo patient) and Dr Okafor, its booking link `LINK`.
async fn room(pool: &PgPool, now: DateTime<Utc>) -> Room {
    let clock = Clock::fixed(now);
    let (_, state) = common::app_with_state(
        pool,
        clock.clone(),
        common::media(),
        app::backend::integrations::messaging::Messaging::development(),
    )
    .await;
    let state = AppState {
        live: Default::default(),
        webhooks: app::backend::webhooks::Webhooks::new(true),
        video: Video {
            ice: Arc::new(IceSettings {
                stun_urls: vec!["stun:stun.clinic.example:3478".to_owned()],
                turn_urls: vec!["turn:turn.clinic.example:3478".to_owned()],
                turn_secret: Some("turn-shared-secret".to_owned()),
            }),
            ..Video::default()
        },
        ..state
    };
    let visit: Uuid = sqlx::query_scalar(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id,
                                   mode, status, period, access_token_hash)
         SELECT c.id, l.id, p.id, t.id, pa.id, 'video', 'confirmed',
                tstzrange($1, $1 + interval '30 minutes'), $2
         FROM clinics c
         JOIN locations l ON l.clinic_id = c.id
         JOIN providers p ON p.clinic_id = c.id AND p.slug = 'amara-okafor'
         JOIN treatments t ON t.clinic_id = c.id AND t.slug = 'aesthetic-consultation'
         JOIN patients pa ON pa.clinic_id = c.id
         JOIN users u ON u.id = pa.user_id AND u.email = $3
         WHERE c.id = $4
         ORDER BY l.position LIMIT 1
         RETURNING id",
    )
    .bind(starts())
    .bind(Sha256::digest(LINK.as_bytes()).to_vec())
    .bind(PATIENT)
    .bind(state.clinic_id)
    .fetch_one(pool)
    .await
    .unwrap();
    let (listener, address) = common::listener().await;
    common::serve(listener, lumen::http::router(state.clone()));
    Room {
        address,
        visit,
        state,
        clock,
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the visit's signaling socket as a browser on the clinic's site would, with
/// `cookie` (a session) and `query` (`?link=…`); the refusal's status when it is refused.
async fn open(room: &Room, visit: Uuid, query: &str, cookie: Option<&str>) -> Result<Socket, u16> {
    open_from(room, visit, query, cookie, &room.address).await
}

async fn open_from(
    room: &Room,
    visit: Uuid,
    query: &str,
    cookie: Option<&str>,
    origin: &str,
) -> Result<Socket, u16> {
    let url = format!(
        "{}/visits/{visit}/signal{query}",
        room.address.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("the socket failed: {other}"),
    }
}

/// The next thing the room says, within five seconds.
async fn next(socket: &mut Socket) -> ToPeer {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .expect("the room said something")
            .expect("the socket is open")
            .unwrap();
        match message {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("not a message of the room: {other:?}"),
        }
    }
}

/// How the server closed the socket.
async fn closed(socket: &mut Socket) -> Option<u16> {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .expect("the socket closed within five seconds");
        match message {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

async fn send(socket: &mut Socket, text: &str) {
    socket.send(Message::Text(text.into())).await.unwrap();
}

fn link() -> String {
    format!("?link={LINK}")
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_visits_patient_and_clinician_enter_and_a_third_connection_is_refused(
    pool: PgPool,
) {
    let room = room(&pool, starts() - Duration::minutes(5)).await;
    let visit = room.visit;
    let mut patient = open(&room, visit, &link(), None).await.unwrap();
    assert_eq!(
        next(&mut patient).await,
        ToPeer::Joined {
            side: Side::Patient,
            admitted: false
        }
    );
    let app = lumen::http::router(room.state.clone());
    let provider = signed_in(&app, PROVIDER).await;
    let mut clinician = open(&room, visit, "", Some(&provider)).await.unwrap();
    assert_eq!(
        next(&mut clinician).await,
        ToPeer::Joined {
            side: Side::Clinician,
            admitted: false
        }
    );
    assert_eq!(next(&mut clinician).await, ToPeer::Waiting);

    // The same link again, in another window: the room holds two.
    let mut again = open(&room, visit, &link(), None).await.unwrap();
    assert_eq!(closed(&mut again).await, Some(4409));
    // A clinic admin may take the clinician's place, but not while it is taken.
    let admin = signed_in(&app, ADMIN).await;
    let mut second_clinician = open(&room, visit, "", Some(&admin)).await.unwrap();
    assert_eq!(closed(&mut second_clinician).await, Some(4409));

    // Anyone else is told there is no such room.
    let front_desk = signed_in(&app, FRONT_DESK).await;
    assert_eq!(
        open(&room, visit, "", Some(&front_desk)).await.err(),
        Some(404)
    );
    assert_eq!(open(&room, visit, "", None).await.err(), Some(404));
    let wrong = format!("?link={}", "0".repeat(64));
    assert_eq!(open(&room, visit, &wrong, None).await.err(), Some(404));
    assert_eq!(
        open(&room, Uuid::new_v4(), &link(), None).await.err(),
        Some(404),
        "the link opens its own visit only"
    );
    // A page on another site cannot open the socket with the visitor's cookies.
    assert_eq!(
        open_from(&room, visit, &link(), None, "https://evil.example")
            .await
            .err(),
        Some(403)
    );

    // Every join and leave is audited.
    patient.close(None).await.unwrap();
    assert_eq!(next(&mut clinician).await, ToPeer::PeerLeft);
    // (The leave is recorded just after the other side hears of it.)
    let audited = || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT action, actor_role FROM audit_log WHERE subject_id = $1 ORDER BY seq",
        )
        .bind(visit)
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    for _ in 0..50 {
        if audited().await.iter().any(|(a, _)| a == "video_left") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let audited = audited().await;
    let joins = audited.iter().filter(|(a, _)| a == "video_joined").count();
    assert_eq!(joins, 2, "{audited:?}");
    assert!(audited.contains(&("video_joined".to_owned(), "booking_link".to_owned())));
    assert!(audited.contains(&("video_joined".to_owned(), "provider".to_owned())));
    assert!(audited.contains(&("video_left".to_owned(), "booking_link".to_owned())));
}

#[sqlx::test(migrations = "../migrations")]
async fn nothing_passes_until_the_clinician_admits_the_patient_and_the_call_is_kept(pool: PgPool) {
    let room = room(&pool, starts() - Duration::minutes(2)).await;
    let visit = room.visit;
    let app = lumen::http::router(room.state.clone());
    // The patient signed in to their account needs no link.
    let isla = signed_in(&app, PATIENT).await;
    let mut patient = open(&room, visit, "", Some(&isla)).await.unwrap();
    next(&mut patient).await;
    let provider = signed_in(&app, PROVIDER).await;
    // The provider's calendar shows who is waiting in the video room.
    let waiting = |cookie: String| {
        let app = app.clone();
        async move {
            let detail: app::admin::calendar::types::AppointmentDetail = serde_json::from_str(
                &post_as(
                    &app,
                    "admin/appointment",
                    Some(&cookie),
                    &format!("id={visit}"),
                )
                .await
                .body,
            )
            .unwrap();
            detail.video_waiting
        }
    };
    assert!(waiting(provider.clone()).await);
    let mut clinician = open(&room, visit, "", Some(&provider)).await.unwrap();
    next(&mut clinician).await;
    assert_eq!(next(&mut clinician).await, ToPeer::Waiting);

    send(&mut patient, r#"{"type":"chat","text":"Can you hear me?"}"#).await;
    // Admitting is the clinician's: from the patient it closes their socket.
    send(&mut clinician, r#"{"type":"admit"}"#).await;
    assert_eq!(next(&mut clinician).await, ToPeer::Admitted);
    assert_eq!(next(&mut patient).await, ToPeer::Admitted);
    assert!(!waiting(provider.clone()).await, "let in");
    let started: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT video_started_at FROM appointments WHERE id = $1")
            .bind(visit)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(started, Some(starts() - Duration::minutes(2)));

    let offer =
        r#"{"type":"description","kind":"offer","sdp":"v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\n"}"#;
    send(&mut clinician, offer).await;
    assert_eq!(
        next(&mut patient).await,
        ToPeer::Description {
            kind: DescriptionKind::Offer,
            sdp: "v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\n".to_owned()
        }
    );
    send(
        &mut patient,
        r#"{"type":"candidate","candidate":"candidate:1 1 udp 2122260223 192.0.2.7 54400 typ host","sdp_mid":"0","sdp_m_line_index":0}"#,
    )
    .await;
    assert!(matches!(
        next(&mut clinician).await,
        ToPeer::Candidate { candidate, .. } if candidate.ends_with("typ host")
    ));
    // The chat line sent while waiting never arrived; one sent now does.
    send(
        &mut patient,
        r#"{"type":"chat","text":"  Hello, doctor  "}"#,
    )
    .await;
    assert_eq!(
        next(&mut clinician).await,
        ToPeer::Chat {
            from: Side::Patient,
            text: "Hello, doctor".to_owned()
        }
    );

    // The patient may not complete the visit: their socket is closed for trying.
    send(&mut patient, r#"{"type":"complete"}"#).await;
    assert_eq!(closed(&mut patient).await, Some(1008));
    assert_eq!(next(&mut clinician).await, ToPeer::PeerLeft);
    let status: String = sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1")
        .bind(visit)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "confirmed");

    // The clinician completes it from the room: the calendar has it, both are told.
    let mut patient = open(&room, visit, &link(), None).await.unwrap();
    next(&mut patient).await;
    assert_eq!(
        next(&mut patient).await,
        ToPeer::Admitted,
        "straight back in"
    );
    assert_eq!(next(&mut clinician).await, ToPeer::Admitted);
    room.clock.advance(Duration::minutes(25));
    send(&mut clinician, r#"{"type":"complete"}"#).await;
    assert_eq!(next(&mut clinician).await, ToPeer::Ended);
    assert_eq!(next(&mut patient).await, ToPeer::Ended);
    let (status, started, ended): (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
        sqlx::query_as(
            "SELECT status::text, video_started_at, video_ended_at FROM appointments WHERE id = $1",
        )
        .bind(visit)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "completed");
    assert_eq!(started, Some(starts() - Duration::minutes(2)));
    assert_eq!(ended, Some(starts() + Duration::minutes(23)));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_message_that_is_not_one_closes_the_socket(pool: PgPool) {
    let room = room(&pool, starts()).await;
    for (message, code) in [
        ("hello".to_owned(), 1008),
        (r#"{"type":"shout"}"#.to_owned(), 1008),
        (
            format!(
                r#"{{"type":"description","kind":"offer","sdp":"v=0{}"}}"#,
                "a".repeat(40 * 1024)
            ),
            1009,
        ),
    ] {
        let mut patient = open(&room, room.visit, &link(), None).await.unwrap();
        next(&mut patient).await;
        send(&mut patient, &message).await;
        assert_eq!(closed(&mut patient).await, Some(code), "{message:.40}");
    }
    // Binary frames are not signaling either.
    let mut patient = open(&room, room.visit, &link(), None).await.unwrap();
    next(&mut patient).await;
    patient
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(
        closed(&mut patient).await,
        Some(u16::from(CloseCode::Unsupported))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_room_opens_ten_minutes_before_and_closes_half_an_hour_after(pool: PgPool) {
    let room = room(&pool, starts() - Duration::minutes(11)).await;
    assert_eq!(
        open(&room, room.visit, &link(), None).await.err(),
        Some(403)
    );
    let view: RoomView = serde_json::from_str(
        &post_as(
            &lumen::http::router(room.state.clone()),
            "video/room",
            None,
            &common::form(&[("link", LINK)]),
        )
        .await
        .body,
    )
    .unwrap();
    // In the clinic's time: London, on summer time.
    assert_eq!(view.opens, "10:50");
    assert!(!view.open);

    room.clock.advance(Duration::minutes(1));
    let mut patient = open(&room, room.visit, &link(), None).await.unwrap();
    next(&mut patient).await;
    drop(patient);

    // A second before it closes: the room ends the call itself.
    room.clock
        .advance(Duration::minutes(10 + 30 + 30) - Duration::seconds(1));
    let mut patient = open(&room, room.visit, &link(), None).await.unwrap();
    next(&mut patient).await;
    assert_eq!(next(&mut patient).await, ToPeer::Ended);
    room.clock.advance(Duration::seconds(1));
    assert_eq!(
        open(&room, room.visit, &link(), None).await.err(),
        Some(403)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn each_participant_gets_turn_credentials_of_their_own_and_strangers_get_nothing(
    pool: PgPool,
) {
    let room = room(&pool, starts() - Duration::minutes(5)).await;
    let app = lumen::http::router(room.state.clone());
    let by_link = post_as(&app, "video/room", None, &common::form(&[("link", LINK)])).await;
    assert_eq!(by_link.status, 200, "{}", by_link.body);
    let view: RoomView = serde_json::from_str(&by_link.body).unwrap();
    assert!(view.open);
    assert_eq!(view.side, Side::Patient);
    assert_eq!(
        view.socket,
        format!("/visits/{}/signal?link={LINK}", room.visit)
    );
    let turn = view
        .ice_servers
        .iter()
        .find(|s| s.urls.iter().any(|u| u.starts_with("turn:")))
        .unwrap();
    let username = turn.username.clone().unwrap();
    // Valid until the room closes, for this visit's patient.
    let closes = starts() + Duration::minutes(60);
    assert_eq!(
        username,
        format!("{}:{}-patient", closes.timestamp(), room.visit)
    );
    assert_eq!(
        turn.credential.clone().unwrap(),
        app::backend::video::ice::credentials("turn-shared-secret", &username).credential
    );

    let provider = signed_in(&app, PROVIDER).await;
    let as_provider = post_as(
        &app,
        "video/room",
        Some(&provider),
        &common::form(&[("visit", &room.visit.to_string())]),
    )
    .await;
    let clinician: RoomView = serde_json::from_str(&as_provider.body).unwrap();
    assert_eq!(clinician.side, Side::Clinician);
    assert!(!view.relay_only && !clinician.relay_only);
    assert_ne!(
        clinician.ice_servers.last().unwrap().username,
        Some(username),
        "each participant has credentials of their own"
    );

    // Strangers: not found, with no credentials.
    let front_desk = signed_in(&app, FRONT_DESK).await;
    for (cookie, fields) in [
        (
            Some(front_desk.as_str()),
            vec![("visit", room.visit.to_string())],
        ),
        (None, vec![("visit", room.visit.to_string())]),
        (None, vec![("link", "0".repeat(64))]),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = post_as(&app, "video/room", cookie, &common::form(&fields)).await;
        assert_eq!(refused.status, 404, "{}", refused.body);
        assert!(!refused.body.contains("turn"));
    }

    // A clinic that asks for the relay only: both browsers are told to use nothing else.
    sqlx::query("UPDATE clinics SET video_relay_only = true")
        .execute(&pool)
        .await
        .unwrap();
    let by_link = post_as(&app, "video/room", None, &common::form(&[("link", LINK)])).await;
    let view: RoomView = serde_json::from_str(&by_link.body).unwrap();
    assert!(view.relay_only);
}
