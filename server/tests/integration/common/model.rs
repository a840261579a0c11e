//! A stand-in for an OpenAI-compatible chat API (OpenAI, Ollama, llama.cpp's server,
//! vLLM), served in the test's runtime. It checks what such a server checks (the bearer
//! key, the model, the messages' and tools' shape, `stream: true`), keeps every request
//! for the test to read, and answers each with the next scripted reply: a stream of
//! server-sent events, an error status, or nothing at all.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub const KEY: &str = "sk-test-lumen-model";
pub const MODEL: &str = "lumen-test-model";

pub enum Script {
    /// The `data:` payloads of a stream, `[DONE]` included where the stream ends well.
    Stream(Vec<String>),
    Status(u16),
    /// Accepts the request and never answers.
    Hang,
    /// A stream that sends `before`, then waits for `gate` before it sends `after`: the
    /// test sees what reached the patient while the model was still writing.
    Held {
        before: Vec<String>,
        after: Vec<String>,
        gate: Arc<tokio::sync::Notify>,
    },
}

#[derive(Clone)]
struct Shared {
    scripts: Arc<Mutex<VecDeque<Script>>>,
    received: Arc<Mutex<Vec<Value>>>,
    /// What each answer is said to cost when usage is asked for; else counted from the
    /// lengths, about four characters a token.
    cost: Option<u32>,
}

pub struct FakeModel {
    pub url: String,
    received: Arc<Mutex<Vec<Value>>>,
}

impl FakeModel {
    pub async fn start(scripts: Vec<Script>) -> FakeModel {
        FakeModel::start_costing(scripts, None).await
    }

    /// A stand-in whose every answer reports `cost` tokens used.
    pub async fn start_costing(scripts: Vec<Script>, cost: Option<u32>) -> FakeModel {
        let shared = Shared {
            scripts: Arc::new(Mutex::new(scripts.into())),
            received: Arc::default(),
            cost,
        };
        let router = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(shared.clone());
        let (listener, address) = super::listener().await;
        super::serve(listener, router);
        FakeModel {
            url: format!("{address}/v1"),
            received: shared.received,
        }
    }

    /// Every request body received, in order.
    pub fn received(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"message": message, "type": "invalid_request_error"}});
    (status, Json(body)).into_response()
}

/// What a chat-completions server refuses before answering.
fn problem(headers: &HeaderMap, body: &Value) -> Option<Response> {
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {KEY}"));
    if !authorized {
        return Some(refuse(
            StatusCode::UNAUTHORIZED,
            "Incorrect API key provided.",
        ));
    }
    if body["model"] != MODEL {
        return Some(refuse(StatusCode::NOT_FOUND, "The model does not exist."));
    }
    if body["stream"] != true {
        return Some(refuse(
            StatusCode::BAD_REQUEST,
            "this stand-in only streams",
        ));
    }
    let options = &body["stream_options"];
    if !options.is_null() && !options["include_usage"].is_boolean() {
        return Some(refuse(
            StatusCode::BAD_REQUEST,
            "stream_options.include_usage must be a boolean",
        ));
    }
    let messages = body["messages"].as_array();
    let well_formed = messages.is_some_and(|messages| {
        !messages.is_empty()
            && messages.iter().all(|m| {
                let role = m["role"].as_str().unwrap_or("");
                match role {
                    "system" | "user" => m["content"].is_string(),
                    "assistant" => m["content"].is_string() || m["tool_calls"].is_array(),
                    "tool" => m["tool_call_id"].is_string() && m["content"].is_string(),
                    _ => false,
                }
            })
    });
    if !well_formed {
        return Some(refuse(StatusCode::BAD_REQUEST, "messages are malformed"));
    }
    let tools_ok = body["tools"].as_array().is_some_and(|tools| {
        tools.iter().all(|t| {
            t["type"] == "function"
                && t["function"]["name"].is_string()
                && t["function"]["description"].is_string()
                && t["function"]["parameters"]["type"] == "object"
        })
    });
    if !tools_ok {
        return Some(refuse(StatusCode::BAD_REQUEST, "tools are malformed"));
    }
    None
}

async fn complete(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    shared.received.lock().unwrap().push(body.clone());
    if let Some(refused) = problem(&headers, &body) {
        return refused;
    }
    let script = shared.scripts.lock().unwrap().pop_front();
    match script {
        Some(Script::Stream(mut events)) => {
            // Asked for, the usage comes last before [DONE], in an event without choices.
            if body["stream_options"]["include_usage"] == true
                && events.last().is_some_and(|e| e == "[DONE]")
            {
                let prompt = body["messages"].to_string().chars().count().div_ceil(4) as u32;
                let written: usize = events
                    .iter()
                    .filter_map(|e| serde_json::from_str::<Value>(e).ok())
                    .map(|e| e["choices"][0]["delta"].to_string().chars().count())
                    .sum();
                let completion = written.div_ceil(4) as u32;
                let (prompt, completion) = match shared.cost {
                    Some(cost) => (cost / 2, cost - cost / 2),
                    None => (prompt, completion),
                };
                let usage = json!({
                    "id": "chatcmpl-lumen", "object": "chat.completion.chunk", "model": MODEL,
                    "choices": [],
                    "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                              "total_tokens": prompt + completion},
                });
                events.insert(events.len() - 1, usage.to_string());
            }
            let text: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from(text))
                .unwrap()
        }
        Some(Script::Held {
            before,
            after,
            gate,
        }) => {
            let line = |e: &String| Ok::<_, std::convert::Infallible>(format!("data: {e}\n\n"));
            let first = futures::stream::iter(before.iter().map(line).collect::<Vec<_>>());
            let rest = futures::stream::once(async move {
                gate.notified().await;
                futures::stream::iter(after.iter().map(line).collect::<Vec<_>>())
            })
            .flatten();
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(first.chain(rest)))
                .unwrap()
        }
        Some(Script::Status(code)) => refuse(
            StatusCode::from_u16(code).unwrap(),
            "The server had an error.",
        ),
        Some(Script::Hang) => {
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        None => refuse(StatusCode::TOO_MANY_REQUESTS, "no reply scripted"),
    }
}

fn chunk(delta: Value, finish: Option<&str>) -> String {
    json!({
        "id": "chatcmpl-lumen",
        "object": "chat.completion.chunk",
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    })
    .to_string()
}

/// A streamed answer of `text`, a few characters per event.
pub fn says(text: &str) -> Script {
    let chars: Vec<char> = text.chars().collect();
    let mut events = vec![chunk(json!({"role": "assistant", "content": ""}), None)];
    events.extend(
        chars
            .chunks(7)
            .map(|piece| chunk(json!({"content": piece.iter().collect::<String>()}), None)),
    );
    events.push(chunk(json!({}), Some("stop")));
    events.push("[DONE]".to_owned());
    Script::Stream(events)
}

/// A streamed answer of `first` then `then`, the second held back until `gate` opens.
pub fn says_held(first: &str, then: &str, gate: Arc<tokio::sync::Notify>) -> Script {
    let Script::Stream(before) = says(first) else {
        unreachable!()
    };
    let Script::Stream(after) = says(then) else {
        unreachable!()
    };
    // The first part's own end and the second's start are dropped: one answer in two halves.
    let before = before[..before.len() - 2].to_vec();
    let after = after[1..].to_vec();
    Script::Held {
        before,
        after,
        gate,
    }
}

/// A streamed call of tool `name` with `arguments`, the arguments split across events.
pub fn calls(name: &str, arguments: Value) -> Script {
    let arguments = arguments.to_string();
    let (head, tail) = arguments.split_at(arguments.len() / 2);
    Script::Stream(vec![
        chunk(
            json!({"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                   "function": {"name": name, "arguments": ""}}]}),
            None,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": head}}]}),
            None,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": tail}}]}),
            None,
        ),
        chunk(json!({}), Some("tool_calls")),
        "[DONE]".to_owned(),
    ])
}
