//! Any OpenAI-compatible chat API as the assistant's engine (OpenAI, a local Ollama,
//! llama.cpp's server, vLLM), set by base URL, model and key. The model sees only content
//! retrieved for the question and the question with the patient's details masked; it may
//! call tools (search the content, list free times, hand over). Its answer must pass the
//! vetting before anyone reads it, and any failure (a timeout, an error status, a stream
//! that makes no sense, an answer that fails the vetting) gives the built-in engine's reply
//! instead.

use super::{Listener, Turn};
use crate::backend::assistant::{self, Held, HELD_PATH};
use crate::backend::state::AppState;
use crate::domain::assistant::builtin::{Outcome, Reply};
use crate::domain::assistant::knowledge::{sentences, Knowledge, Source};
use crate::domain::assistant::masking::{mask, Masked};
use crate::domain::assistant::offer::Offer;
use crate::domain::assistant::release::Release;
use crate::domain::assistant::search::rank;
use crate::domain::assistant::vetting::vet;
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Clone)]
pub struct ModelConfig {
    /// Up to and including the API's version: `https://api.openai.com/v1`,
    /// `http://localhost:11434/v1` for Ollama.
    pub base_url: String,
    pub model: String,
    /// None for a local server that asks for none.
    pub key: Option<String>,
    /// The whole answer, tool calls included, must arrive within this.
    pub timeout: Duration,
}

// By hand, so the key never reaches a log through `{:?}`.
impl std::fmt::Debug for ModelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("key", &self.key.as_ref().map(|_| "…"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Model {
    config: ModelConfig,
    client: reqwest::Client,
}

/// Why the model's answer was not used.
#[derive(Debug)]
pub enum Failure {
    Timeout,
    Status(u16),
    Transport(String),
    /// Not the stream the API documents.
    Malformed(String),
    Unsafe(crate::domain::assistant::vetting::Unsafe),
    /// Tool calls went round more times than an answer needs.
    TooManyRounds,
}

/// Passages of content in the prompt: enough to answer, few enough to stay cheap.
const PASSAGES: usize = 8;
/// Enough to list times, hold one and answer.
const ROUNDS: usize = 4;
const MAX_TOKENS: u32 = 400;

impl Model {
    pub fn new(config: ModelConfig) -> Model {
        Model {
            config,
            client: reqwest::Client::new(),
        }
    }

    /// The model's reply, or why there is none (the caller falls back), and the tokens it
    /// cost either way.
    pub async fn reply(&self, state: &AppState, turn: &Turn<'_>) -> (Result<Reply, Failure>, u32) {
        let mut spent = 0;
        let result =
            tokio::time::timeout(self.config.timeout, self.converse(state, turn, &mut spent))
                .await
                .unwrap_or(Err(Failure::Timeout));
        (result, spent)
    }

    async fn converse(
        &self,
        state: &AppState,
        turn: &Turn<'_>,
        spent: &mut u32,
    ) -> Result<Reply, Failure> {
        let knowledge = turn.knowledge;
        let masked = mask(turn.message, turn.names);
        let (facts, sources) = retrieve(turn.message, knowledge);
        let mut messages = vec![
            json!({"role": "system", "content": system_prompt(knowledge, &facts)}),
            json!({"role": "user", "content": masked.text}),
        ];
        let mut gate = Gate {
            release: Release::default(),
            masked: &masked,
            content: format!("{facts}\n{knowledge:?}"),
            listener: turn.listener,
            shown: String::new(),
        };
        let mut tools = Tools {
            state,
            turn,
            sources,
            outcome: Outcome::Answered,
            listed: Vec::new(),
        };
        for _ in 0..ROUNDS {
            let completion = self.complete(&messages, &mut gate, spent).await?;
            if completion.calls.is_empty() {
                // What the patient saw is the answer, so it is vetted again as a whole.
                let text = gate.shown.trim().to_owned();
                if text.is_empty() {
                    return Err(Failure::Malformed("an empty answer".to_owned()));
                }
                vet(&text, &gate.content).map_err(Failure::Unsafe)?;
                tools.sources.dedup();
                return Ok(Reply {
                    text,
                    sources: tools.sources,
                    outcome: tools.outcome,
                });
            }
            messages.push(json!({
                "role": "assistant",
                "content": Value::Null,
                "tool_calls": completion.calls.iter().map(|c| json!({
                    "id": c.id, "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                })).collect::<Vec<_>>(),
            }));
            for call in &completion.calls {
                let result = tools.run(call).await;
                messages.push(json!({"role": "tool", "tool_call_id": call.id, "content": result}));
            }
        }
        Err(Failure::TooManyRounds)
    }

    /// One round with the model: its text let out through `gate`, its tool calls, and its
    /// cost added to `spent` (as the server reports it, else estimated from the length).
    async fn complete(
        &self,
        messages: &[Value],
        gate: &mut Gate<'_>,
        spent: &mut u32,
    ) -> Result<Completion, Failure> {
        let body = json!({
            "model": self.config.model,
            "messages": messages,
            "stream": true,
            "max_tokens": MAX_TOKENS,
            "temperature": 0.2,
            "tools": tools(),
            "stream_options": {"include_usage": true},
        });
        // Counted up front, so that a round cut short still counts what it sent.
        let sent = estimated_tokens(body.to_string().chars().count());
        *spent = spent.saturating_add(sent);
        let mut request = self
            .client
            .post(format!("{}/chat/completions", self.config.base_url))
            .json(&body);
        if let Some(key) = &self.config.key {
            request = request.bearer_auth(key);
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Failure::Transport(super::super::error_without_url(&e, "the model")))?;
        if !response.status().is_success() {
            return Err(Failure::Status(response.status().as_u16()));
        }
        let mut stream = Stream::default();
        while let Some(bytes) = response
            .chunk()
            .await
            .map_err(|e| Failure::Transport(super::super::error_without_url(&e, "the model")))?
        {
            let done = stream.feed(&bytes)?;
            gate.take(&std::mem::take(&mut stream.fresh))?;
            if done {
                gate.finish()?;
                let completion = stream.completion();
                // The server's own count, when it gives one, replaces the estimate.
                let counted = match completion.usage {
                    Some(tokens) => tokens,
                    None => sent.saturating_add(estimated_tokens(completion.text.chars().count())),
                };
                *spent = spent.saturating_sub(sent).saturating_add(counted);
                return Ok(completion);
            }
        }
        Err(Failure::Malformed(
            "the stream ended without [DONE]".to_owned(),
        ))
    }
}

/// Lets the model's text out to the patient a sentence at a time, each with the patient's
/// details put back and vetted before it is shown.
struct Gate<'a> {
    release: Release,
    masked: &'a Masked,
    /// What the answer may say word for word: the content it was given.
    content: String,
    listener: &'a Listener,
    shown: String,
}

impl Gate<'_> {
    fn take(&mut self, text: &str) -> Result<(), Failure> {
        for sentence in self.release.take(text) {
            self.show(&sentence)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Failure> {
        match self.release.finish() {
            Some(rest) => self.show(&rest),
            None => Ok(()),
        }
    }

    fn show(&mut self, sentence: &str) -> Result<(), Failure> {
        let text = self.masked.restore(sentence);
        vet(&text, &self.content).map_err(Failure::Unsafe)?;
        // Nothing before the first words: an answer that opens with a line break.
        let text = if self.shown.is_empty() {
            text.trim_start()
        } else {
            &text
        };
        if text.is_empty() {
            return Ok(());
        }
        self.listener.text(text);
        self.shown.push_str(text);
        Ok(())
    }
}

/// What the model's tool calls do, and what they leave for the reply: its sources, its
/// outcome, and the free times listed (which `hold_time` chooses from by number).
struct Tools<'a> {
    state: &'a AppState,
    turn: &'a Turn<'a>,
    sources: Vec<Source>,
    outcome: Outcome,
    listed: Vec<Offer>,
}

impl Tools<'_> {
    async fn run(&mut self, call: &ToolCall) -> String {
        let arguments: Value = serde_json::from_str(&call.arguments).unwrap_or(Value::Null);
        let knowledge = self.turn.knowledge;
        match call.name.as_str() {
            "search_content" => {
                let query = arguments["query"].as_str().unwrap_or_default();
                let (facts, found) = retrieve(query, knowledge);
                self.sources.extend(found);
                facts
            }
            "list_free_times" => {
                let slug = arguments["treatment"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let Some(treatment) = knowledge.treatment(&slug) else {
                    return format!("No treatment has the slug {slug:?}.");
                };
                let weekday = arguments["weekday"]
                    .as_u64()
                    .and_then(|d| u8::try_from(d).ok());
                let found = assistant::free_times(self.state, &slug, weekday)
                    .await
                    .unwrap_or_default();
                self.outcome = Outcome::Book {
                    treatment: Some(slug),
                    weekday,
                };
                self.sources.push(treatment.source());
                if found.is_empty() {
                    return "No free times online in that range.".to_owned();
                }
                let listed: Vec<String> = found
                    .iter()
                    .enumerate()
                    .map(|(n, o)| format!("{}. {}", n + 1, o.label))
                    .collect();
                self.listed = found;
                format!(
                    "Free times (shown to the patient as buttons under your answer; choosing one \
                     holds it, or call hold_time with its number when the patient has chosen): {}",
                    listed.join("; ")
                )
            }
            "hold_time" => {
                let chosen = arguments["time"]
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|at| self.listed.get(at))
                    .cloned();
                let Some(offer) = chosen else {
                    return "Call list_free_times first, then hold_time with the number of a \
                            time it listed."
                        .to_owned();
                };
                match assistant::hold(self.state, &offer, self.turn.hold_link).await {
                    Ok(Held { until }) => {
                        // The time is held; the patient goes on from the link to confirm.
                        self.outcome = Outcome::Answered;
                        self.sources.push(Source {
                            title: format!("Continue booking {}", offer.label),
                            href: HELD_PATH.to_owned(),
                        });
                        format!(
                            "Held {} until {until}. It is not booked: tell the patient to \
                             continue from the link under your answer to give their details and \
                             confirm.",
                            offer.label
                        )
                    }
                    Err(why) => why,
                }
            }
            "hand_over" => {
                self.outcome = Outcome::HandOver;
                "The team has been asked to join; tell the patient someone will reply here."
                    .to_owned()
            }
            other => format!("There is no tool named {other:?}."),
        }
    }
}

/// The content most related to `question`, as numbered facts for the prompt, with the
/// pages they come from.
fn retrieve(question: &str, knowledge: &Knowledge) -> (String, Vec<Source>) {
    let mut passages: Vec<(String, Source)> = Vec::new();
    for t in &knowledge.treatments {
        let deposit = t
            .deposit
            .as_ref()
            .map(|d| format!(" A deposit of {d} is taken when booking."))
            .unwrap_or_default();
        passages.push((
            format!(
                "{} (slug {}): price {}, takes {}.{deposit} Performed by: {}.",
                t.name,
                t.slug,
                t.price,
                t.duration,
                t.providers.join("; ")
            ),
            t.source(),
        ));
        for sentence in sentences(&format!("{} {}", t.summary, t.description)) {
            passages.push((format!("{}: {sentence}", t.name), t.source()));
        }
    }
    for faq in &knowledge.faqs {
        passages.push((format!("{} {}", faq.question, faq.answer), faq.source()));
    }
    passages.push((
        format!("Cancellation policy: {}", knowledge.cancellation_policy),
        Source {
            title: "Cancelling or changing a booking".to_owned(),
            href: "/assistant#policies".to_owned(),
        },
    ));
    passages.push((
        format!("Paying: {}", knowledge.payment_policy),
        Source {
            title: "Paying for a booking".to_owned(),
            href: "/assistant#policies".to_owned(),
        },
    ));
    for l in &knowledge.locations {
        passages.push((
            format!("{}: {}, phone {}.", l.name, l.address, l.phone),
            knowledge.visit_source(),
        ));
    }
    let texts: Vec<String> = passages.iter().map(|(t, _)| t.clone()).collect();
    let ranked = rank(question, &texts);
    let chosen: Vec<&(String, Source)> = ranked
        .iter()
        .take(PASSAGES)
        .map(|(at, _)| &passages[*at])
        .collect();
    let facts = chosen
        .iter()
        .enumerate()
        .map(|(n, (text, _))| format!("{}. {text}", n + 1))
        .collect::<Vec<_>>()
        .join("\n");
    (facts, chosen.into_iter().map(|(_, s)| s.clone()).collect())
}

fn system_prompt(knowledge: &Knowledge, facts: &str) -> String {
    format!(
        "You are the online assistant of {clinic}, an aesthetic and medical clinic. Answer in \
         two or three short sentences, only from the facts below or from what your tools \
         return. If they do not answer the question, say you don't know and offer to hand \
         over to a person, or give the clinic's phone number, {phone}. Never give medical \
         advice, a diagnosis, a dose, or reassurance about symptoms; never say whether \
         something is normal. Never invent a price, a time or a policy. To book, call \
         list_free_times with the treatment's slug, and hold_time once the patient has \
         chosen a time; never say a booking is made.\n\nFacts:\n{facts}",
        clinic = knowledge.clinic,
        phone = knowledge.phone,
    )
}

/// The tools the model may call, in the API's schema.
fn tools() -> Value {
    json!([
        {"type": "function", "function": {
            "name": "search_content",
            "description": "Search the clinic's own content (treatments, prices, team, policies, questions and answers).",
            "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
        }},
        {"type": "function", "function": {
            "name": "list_free_times",
            "description": "The earliest free times for a treatment, optionally on one weekday (1 = Monday … 7 = Sunday). The patient chooses one from buttons under your answer.",
            "parameters": {"type": "object", "properties": {
                "treatment": {"type": "string", "description": "The treatment's slug"},
                "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
            }, "required": ["treatment"]},
        }},
        {"type": "function", "function": {
            "name": "hold_time",
            "description": "Hold one of the times list_free_times gave, by its number, once the patient has chosen it. The patient then confirms from a link under your answer; nothing is booked until they do.",
            "parameters": {"type": "object", "properties": {
                "time": {"type": "integer", "minimum": 1, "description": "The number list_free_times gave the time"},
            }, "required": ["time"]},
        }},
        {"type": "function", "function": {
            "name": "hand_over",
            "description": "Ask a person from the clinic's team to join the conversation.",
            "parameters": {"type": "object", "properties": {}},
        }},
    ])
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct ToolCall {
    id: String,
    name: String,
    arguments: String,
}

#[derive(Debug, Default)]
struct Completion {
    text: String,
    calls: Vec<ToolCall>,
    /// The tokens the server says the round cost (`stream_options.include_usage`).
    usage: Option<u32>,
}

/// About four characters a token, as OpenAI's own guidance has it for English.
fn estimated_tokens(characters: usize) -> u32 {
    u32::try_from(characters.div_ceil(4)).unwrap_or(u32::MAX)
}

/// A chat-completions stream read as it arrives: `data:` lines until `data: [DONE]`, the
/// text in content deltas, tool calls as deltas keyed by index whose arguments arrive in
/// fragments.
#[derive(Debug, Default)]
struct Stream {
    pending: Vec<u8>,
    answer: Completion,
    /// Text taken since the caller last looked.
    fresh: String,
}

impl Stream {
    /// Takes the next bytes; `true` once `[DONE]` has arrived.
    fn feed(&mut self, bytes: &[u8]) -> Result<bool, Failure> {
        self.pending.extend_from_slice(bytes);
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let Some(data) = line.trim().strip_prefix("data:") else {
                continue;
            };
            let data = data.trim();
            if data == "[DONE]" {
                return Ok(true);
            }
            let event: Value = serde_json::from_str(data)
                .map_err(|e| Failure::Malformed(format!("an event that is not JSON: {e}")))?;
            self.take(&event)?;
        }
        Ok(false)
    }

    fn take(&mut self, event: &Value) -> Result<(), Failure> {
        if let Some(total) = event["usage"]["total_tokens"].as_u64() {
            self.answer.usage = Some(u32::try_from(total).unwrap_or(u32::MAX));
        }
        let Some(delta) = event["choices"].get(0).map(|c| &c["delta"]) else {
            // Some servers send events without choices (usage, keep-alive): nothing to take.
            return Ok(());
        };
        if let Some(text) = delta["content"].as_str() {
            self.answer.text.push_str(text);
            self.fresh.push_str(text);
        }
        for call in delta["tool_calls"].as_array().into_iter().flatten() {
            let index = call["index"]
                .as_u64()
                .ok_or_else(|| Failure::Malformed("a tool call without its index".to_owned()))?
                as usize;
            if index > 16 {
                return Err(Failure::Malformed("too many tool calls".to_owned()));
            }
            if self.answer.calls.len() <= index {
                self.answer.calls.resize(index + 1, ToolCall::default());
            }
            let slot = &mut self.answer.calls[index];
            if let Some(id) = call["id"].as_str() {
                slot.id = id.to_owned();
            }
            if let Some(name) = call["function"]["name"].as_str() {
                slot.name.push_str(name);
            }
            if let Some(part) = call["function"]["arguments"].as_str() {
                slot.arguments.push_str(part);
            }
        }
        Ok(())
    }

    fn completion(self) -> Completion {
        self.answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_in_odd_pieces_gives_the_text_and_the_tool_calls() {
        let events = [
            r#"data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":""}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"list_free_times","arguments":"{\"treat"}}]}}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ment\":\"x\"}"}}]}}]}"#,
            "data: [DONE]",
        ]
        .map(|e| format!("{e}\n\n"))
        .concat();
        let mut stream = Stream::default();
        let bytes = events.as_bytes();
        let mut done = false;
        for piece in bytes.chunks(5) {
            done = stream.feed(piece).unwrap();
            if done {
                break;
            }
        }
        assert!(done);
        let answer = stream.completion();
        assert_eq!(answer.text, "Hello");
        assert_eq!(
            answer.calls,
            [ToolCall {
                id: "c1".to_owned(),
                name: "list_free_times".to_owned(),
                arguments: r#"{"treatment":"x"}"#.to_owned()
            }]
        );
    }

    #[test]
    fn an_event_that_is_not_json_is_a_malformed_stream() {
        let mut stream = Stream::default();
        assert!(matches!(
            stream.feed(b"data: {\"choices\": [\n"),
            Err(Failure::Malformed(_))
        ));
    }
}
