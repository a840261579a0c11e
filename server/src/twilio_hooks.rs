//! What Twilio sends back: reports on each text it took (delivered, failed, undelivered)
//! and the messages patients send to the clinic's number. Each request's signature is
//! checked before anything else, over the address Lumen gave Twilio (the configured public
//! URL, never the request's Host header); anything unsigned or altered is refused with 403
//! and changes nothing.

use app::backend::state::AppState;
use app::backend::store::booking::rules;
use app::backend::store::texts::{self, Handled, Inbound, Report};
use app::domain::phone::E164;
use app::domain::texts::twiml;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub const STATUS_PATH: &str = "/webhooks/twilio/status";
pub const INBOUND_PATH: &str = "/webhooks/twilio/inbound";

/// The request's parameters, when Twilio signed them for `path`; otherwise the answer.
fn verified(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Vec<(String, String)>, StatusCode> {
    let Some(twilio) = state.messaging.twilio() else {
        return Err(StatusCode::NOT_FOUND);
    };
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let url = format!("{}{path}", state.public_url);
    if signature.is_empty() || !twilio.verify(&url, &params, signature) {
        tracing::warn!(path, "refused a Twilio callback without a valid signature");
        return Err(StatusCode::FORBIDDEN);
    }
    Ok(params)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// A report on a message Lumen sent: its state moves on, never back.
pub async fn status(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = match verified(&state, STATUS_PATH, &headers, &body) {
        Ok(params) => params,
        Err(refused) => return refused.into_response(),
    };
    let (Some(sid), Some(status)) = (
        param(&params, "MessageSid"),
        param(&params, "MessageStatus"),
    ) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let report = Report {
        provider: "twilio",
        provider_message_id: sid,
        status,
        error_code: param(&params, "ErrorCode").filter(|c| !c.is_empty()),
        at: state.clock.now(),
    };
    match texts::report(&state.pool, state.clinic_id, &report).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(error) => {
            tracing::error!(%error, "could not record a delivery report");
            // Twilio may try again.
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// A text or WhatsApp message to the clinic's number. The answer is TwiML: Twilio sends
/// its `<Message>` back to the person.
pub async fn inbound(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = match verified(&state, INBOUND_PATH, &headers, &body) {
        Ok(params) => params,
        Err(refused) => return refused.into_response(),
    };
    let (Some(sid), Some(from)) = (param(&params, "MessageSid"), param(&params, "From")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let (channel, number) = match from.strip_prefix("whatsapp:") {
        Some(number) => ("whatsapp", number),
        None => ("sms", from),
    };
    let Ok(number) = E164::parse(number, None) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let inbound = Inbound {
        channel,
        provider_message_id: sid,
        from: number.as_str(),
        body: param(&params, "Body").unwrap_or_default(),
        at: state.clock.now(),
    };
    let handled = match texts::receive(&state.pool, state.clinic_id, &inbound).await {
        Ok(handled) => handled,
        Err(error) => {
            tracing::error!(%error, "could not record an inbound message");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    // Neither the number nor the words: they are the patient's.
    tracing::info!(channel, "inbound message recorded");
    let clinic = match rules(&state.pool, state.clinic_id).await {
        Ok(rules) => rules,
        Err(error) => {
            tracing::error!(%error, "could not read the clinic");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let (name, phone) = (&clinic.clinic_name, &clinic.phone);
    let this_way = if channel == "whatsapp" {
        "WhatsApp messages"
    } else {
        "texts"
    };
    let reply = match handled {
        Handled::Again => None,
        Handled::OptedOut => Some(format!(
            "You won't get any more {this_way} from {name}. Reply START to get them again. \
             To cancel an appointment, use the link in your confirmation email or call {phone}."
        )),
        Handled::OptedIn => Some(format!(
            "You'll get {this_way} from {name} again. Reply STOP to opt out."
        )),
        Handled::Confirmed { treatment, when } => Some(format!(
            "Thank you: your {treatment} on {when} is confirmed. See you then! {name}"
        )),
        Handled::NothingToConfirm => Some(format!(
            "We couldn't find an upcoming appointment for this number. Please call {name} on {phone}."
        )),
        Handled::Inbox => Some(format!(
            "Thank you: your message has gone to the team at {name}. For anything urgent, call {phone}."
        )),
    };
    (
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        twiml(reply.as_deref()),
    )
        .into_response()
}
