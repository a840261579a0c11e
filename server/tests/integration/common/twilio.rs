//! A local stand-in for Twilio's Messages API that checks what Twilio checks (the account
//! in the path, basic auth, a form body, E.164 numbers, a sender, words or an approved
//! template) and answers as Twilio does, and that signs the status callbacks and inbound
//! messages it sends back with its own HMAC code, as Twilio signs them.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use hmac::{Hmac, Mac};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "twilio-test-auth-token";
pub const SMS_FROM: &str = "+447700900001";
pub const WHATSAPP_FROM: &str = "+447700900002";
pub const REMINDER_TEMPLATE: &str = "HX0123456789abcdef0123456789abcdef";

/// A message Twilio took: its id and the form it came with.
#[derive(Debug, Clone)]
pub struct Taken {
    pub sid: String,
    pub form: Vec<(String, String)>,
}

impl Taken {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Fake {
    taken: Vec<Taken>,
    /// Statuses to answer the next sends with, before accepting again.
    answers: VecDeque<u16>,
    /// How many requests came, accepted or not.
    requests: usize,
}

pub struct FakeTwilio {
    pub url: String,
    fake: Arc<Mutex<Fake>>,
}

fn twilio_error(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status.as_u16(),
        })),
    )
        .into_response()
}

fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
}

async fn messages(
    State(fake): State<Arc<Mutex<Fake>>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut fake = fake.lock().unwrap();
    fake.requests += 1;
    if account != ACCOUNT_SID {
        return twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            "The requested resource was not found",
        );
    }
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return twilio_error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/x-www-form-urlencoded")
    {
        return twilio_error(StatusCode::BAD_REQUEST, 20001, "Expected a form");
    }
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let taken = Taken {
        sid: String::new(),
        form,
    };
    let to = taken.get("To").unwrap_or_default().to_owned();
    let (whatsapp, number) = match to.as_str().strip_prefix("whatsapp:") {
        Some(number) => (true, number),
        None => (false, to.as_str()),
    };
    if !is_e164(number) {
        return twilio_error(
            StatusCode::BAD_REQUEST,
            21211,
            &format!("Invalid 'To' Phone Number: {to}"),
        );
    }
    let from_ok = match (taken.get("From"), taken.get("MessagingServiceSid")) {
        (Some(from), _) if whatsapp => from
            .strip_prefix("whatsapp:")
            .is_some_and(|f| f == WHATSAPP_FROM),
        (Some(from), _) => from == SMS_FROM,
        (None, Some(service)) => service.starts_with("MG") && !whatsapp,
        (None, None) => false,
    };
    if !from_ok {
        return twilio_error(
            StatusCode::BAD_REQUEST,
            21606,
            "The From phone number is not a valid, message-capable Twilio phone number for this account",
        );
    }
    match (taken.get("Body"), taken.get("ContentSid")) {
        (Some(body), None) if !body.is_empty() => {}
        (None, Some(content)) if whatsapp && content == REMINDER_TEMPLATE => {
            let variables: Option<serde_json::Map<String, serde_json::Value>> = taken
                .get("ContentVariables")
                .and_then(|v| serde_json::from_str(v).ok());
            if variables.is_none() {
                return twilio_error(
                    StatusCode::BAD_REQUEST,
                    21656,
                    "The ContentVariables Parameter is invalid",
                );
            }
        }
        (None, Some(_)) => {
            return twilio_error(StatusCode::BAD_REQUEST, 21655, "The ContentSid is Invalid");
        }
        _ => return twilio_error(StatusCode::BAD_REQUEST, 21602, "Message body is required"),
    }
    if let Some(status) = fake.answers.pop_front() {
        let status = StatusCode::from_u16(status).unwrap();
        let mut response = twilio_error(status, 20500, "An internal server error has occurred");
        if status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert("retry-after", "120".parse().unwrap());
        }
        return response;
    }
    let sid = format!("SM{:032x}", fake.taken.len() as u128 + 1);
    fake.taken.push(Taken {
        sid: sid.clone(),
        ..taken
    });
    (
        StatusCode::CREATED,
        Json(serde_json::json!({"sid": sid, "status": "queued", "to": to, "account_sid": ACCOUNT_SID})),
    )
        .into_response()
}

impl FakeTwilio {
    pub async fn start() -> FakeTwilio {
        let fake = Arc::new(Mutex::new(Fake::default()));
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Messages.json",
                post(messages),
            )
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeTwilio { url, fake }
    }

    /// Lumen's configuration for this stand-in.
    pub fn config(&self) -> app::backend::integrations::messaging::TwilioConfig {
        app::backend::integrations::messaging::TwilioConfig {
            api: self.url.clone(),
            account_sid: ACCOUNT_SID.to_owned(),
            auth_token: AUTH_TOKEN.to_owned(),
            sms_from: Some(SMS_FROM.to_owned()),
            whatsapp_from: Some(WHATSAPP_FROM.to_owned()),
            whatsapp_templates: [("reminder".to_owned(), REMINDER_TEMPLATE.to_owned())]
                .into_iter()
                .collect(),
            status_callback: format!("{}/webhooks/twilio/status", super::PUBLIC_URL),
        }
    }

    /// Answers the next sends with these statuses (500, 429, 400…) before accepting again.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.fake.lock().unwrap().answers.extend(statuses);
    }

    pub fn taken(&self) -> Vec<Taken> {
        self.fake.lock().unwrap().taken.clone()
    }

    pub fn requests(&self) -> usize {
        self.fake.lock().unwrap().requests
    }

    /// Twilio's signature: its own HMAC-SHA1 over the URL and the sorted parameters.
    pub fn sign(url: &str, params: &[(&str, &str)]) -> String {
        let mut sorted = params.to_vec();
        sorted.sort();
        let mut data = url.to_owned();
        for (name, value) in sorted {
            data.push_str(name);
            data.push_str(value);
        }
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(AUTH_TOKEN.as_bytes()).unwrap();
        mac.update(data.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// A signed POST of `params` to `url` (an address Lumen gave), as Twilio makes it.
    pub fn signed(url: &str, params: &[(&str, &str)]) -> Request<Body> {
        let path = url
            .strip_prefix(super::PUBLIC_URL)
            .expect("Lumen's callbacks are on its public address");
        Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", Self::sign(url, params))
            .body(Body::from(serde_urlencoded::to_string(params).unwrap()))
            .unwrap()
    }

    /// The status callback Twilio sends for a message it took.
    pub fn report(taken: &Taken, status: &str, error_code: Option<&str>) -> Request<Body> {
        let mut params = vec![
            ("AccountSid", ACCOUNT_SID),
            ("MessageSid", taken.sid.as_str()),
            ("MessageStatus", status),
            ("To", taken.get("To").unwrap()),
        ];
        if let Some(code) = error_code {
            params.push(("ErrorCode", code));
        }
        Self::signed(taken.get("StatusCallback").unwrap(), &params)
    }

    /// A message a person sends to the clinic's number (`whatsapp:` numbers for WhatsApp).
    pub fn inbound(sid: &str, from: &str, body: &str) -> Request<Body> {
        let to = if from.starts_with("whatsapp:") {
            format!("whatsapp:{WHATSAPP_FROM}")
        } else {
            SMS_FROM.to_owned()
        };
        let url = format!("{}/webhooks/twilio/inbound", super::PUBLIC_URL);
        Self::signed(
            &url,
            &[
                ("AccountSid", ACCOUNT_SID),
                ("MessageSid", sid),
                ("From", from),
                ("To", &to),
                ("Body", body),
                ("NumMedia", "0"),
            ],
        )
    }
}
