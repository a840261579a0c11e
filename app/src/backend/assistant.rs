//! A patient's turn with the assistant: the message and its reply are stored together, and
//! a red flag or a request for a person marks the conversation and alerts staff through
//! the outbox in the same transaction.

use crate::backend::auth::session::Token;
use crate::backend::integrations::assistant::{Listener, Turn};
use crate::backend::integrations::booking::{BookingSystem, Search};
use crate::backend::state::AppState;
use crate::backend::store::assistant::{self as store, Conversation, NewMessage};
use crate::backend::store::booking;
use crate::backend::store::templates;
use crate::backend::templates::Values;
use crate::domain::assistant::builtin::{Outcome, Reply};
use crate::domain::assistant::knowledge::{Knowledge, Source};
use crate::domain::assistant::offer::Offer;
use crate::domain::assistant::safety::{screen, Screening};
use crate::domain::assistant::urgent::Reach;
use crate::domain::form::FieldProblem;
use crate::domain::phone::CallingCode;
use crate::domain::templates::ASSISTANT_ALERT;
use crate::error::AppError;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

/// The longest message a patient may send, in characters.
pub const MESSAGE_LIMIT: usize = 1000;
/// Messages a patient may write in one conversation; past it, the clinic is the way on.
pub const MESSAGES_PER_CONVERSATION: i64 = 100;
/// A model's tokens one conversation may use (a long conversation is some 20 answers);
/// past it, the built-in engine answers.
pub const MODEL_TOKENS_PER_CONVERSATION: i64 = 30_000;
/// A model's tokens the conversations from one address may use in a day (UTC).
pub const MODEL_TOKENS_PER_ADDRESS_DAY: i64 = 200_000;
/// Where a patient goes on from a time the assistant held (see [`hold`]).
pub const HELD_PATH: &str = "/api/assistant/held";

/// Who is asking: this browser's conversation, the signed-in patient, the address.
pub struct Asker {
    pub token: Token,
    pub patient_id: Option<Uuid>,
    pub address: Option<std::net::IpAddr>,
}

impl Asker {
    /// The link of the hold the assistant may place for this conversation: worked out from
    /// the conversation's secret, so only this browser reaches it and no page or
    /// transcript needs to carry it.
    pub fn hold_link(&self) -> Token {
        self.token.derive("assistant-hold")
    }

    /// The address as kept for its caps: a hash, never the address itself.
    fn address_hash(&self, clinic_id: Uuid) -> Option<Vec<u8>> {
        use sha2::{Digest, Sha256};
        self.address
            .map(|address| Sha256::digest(format!("{clinic_id}:{address}")).to_vec())
    }
}

/// How a patient reaches help from this clinic: its own number, and its country's.
pub fn reach(knowledge: &Knowledge) -> Reach {
    Reach {
        urgent_line: knowledge.phone.clone(),
        country: CallingCode::of(&knowledge.phone),
    }
}

/// What the patient typed, or why it cannot be sent.
pub fn message(typed: &str) -> Result<&str, AppError> {
    let message = typed.trim();
    let problem = if message.is_empty() {
        "Type your question first."
    } else if message.chars().count() > MESSAGE_LIMIT {
        "That is longer than 1,000 characters. Please ask one thing at a time."
    } else {
        return Ok(message);
    };
    Err(AppError::Rejected(vec![FieldProblem::new(
        "message", problem,
    )]))
}

/// Stores the patient's message in the conversation `token` opens (starting one if there
/// is none yet) with the assistant's reply, and answers the reply. Once staff have the
/// conversation the assistant stays quiet, except that red flags are always answered.
/// The reply is shown to `listener` as it is written.
pub async fn ask(
    state: &AppState,
    asker: &Asker,
    typed: &str,
    listener: &Listener,
) -> Result<Option<Reply>, AppError> {
    let message = message(typed)?;
    let Asker {
        token, patient_id, ..
    } = asker;
    let patient_id = *patient_id;
    let now = state.clock.now();
    let today = now.date_naive();
    let knowledge = store::knowledge(&state.pool, state.clinic_id).await?;
    let reach = reach(&knowledge);
    let existing = store::by_token(&state.pool, state.clinic_id, &token.hash()).await?;
    let address_hash = asker.address_hash(state.clinic_id);
    let address_tokens = match &address_hash {
        Some(hash) => store::address_tokens(&state.pool, state.clinic_id, hash, today).await?,
        None => 0,
    };
    let model_allowed = existing
        .as_ref()
        .is_none_or(|c| i64::from(c.model_tokens) < MODEL_TOKENS_PER_CONVERSATION)
        && address_tokens < MODEL_TOKENS_PER_ADDRESS_DAY;
    let with_staff = existing.as_ref().is_some_and(|c| c.status != "assistant");
    let screening = screen(message);
    let mut model_tokens = 0;
    let reply = if with_staff && !matches!(screening, Screening::RedFlag(_)) {
        None
    } else {
        let names = match patient_id {
            Some(id) => store::patient_names(&state.pool, state.clinic_id, id).await?,
            None => Vec::new(),
        };
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let turn = Turn {
            message,
            names: &names,
            knowledge: &knowledge,
            reach: &reach,
            listener,
            model_allowed,
            hold_link: &asker.hold_link(),
        };
        let answer = state.assistant.reply(state, &turn).await;
        model_tokens = answer.model_tokens;
        Some(answer.reply)
    };
    let (reply, offers) = match reply {
        Some(reply) => {
            let (reply, offers) = with_free_times(state, reply, &knowledge).await?;
            listener.settle(&reply.text);
            (Some(reply), offers)
        }
        None => (None, Vec::new()),
    };

    let mut tx = state.pool.begin().await?;
    let conversation = match existing {
        Some(conversation) => conversation,
        None => store::start(&mut tx, state.clinic_id, &token.hash(), patient_id, now).await?,
    };
    if model_tokens > 0 {
        store::spend_tokens(
            &mut tx,
            state.clinic_id,
            conversation.id,
            address_hash.as_deref(),
            today,
            model_tokens,
        )
        .await?;
    }
    if store::patient_messages(&mut tx, state.clinic_id, conversation.id).await?
        >= MESSAGES_PER_CONVERSATION
    {
        return Err(AppError::Invalid(format!(
            "This conversation has reached its limit. Please call the clinic on {}.",
            knowledge.phone
        )));
    }
    let screened = match screening {
        Screening::RedFlag(flag) => Some(format!("red_flag:{}", flag.code())),
        Screening::Refuse(refusal) => Some(format!("refusal:{}", refusal.code())),
        Screening::Clear => None,
    };
    store::add_message(
        &mut tx,
        state.clinic_id,
        conversation.id,
        NewMessage {
            author: "patient",
            body: message,
            sources: &[],
            offers: &[],
            screening: screened.as_deref(),
            staff_user_id: None,
        },
        now,
    )
    .await?;
    if let Some(reply) = &reply {
        store::add_message(
            &mut tx,
            state.clinic_id,
            conversation.id,
            NewMessage {
                author: "assistant",
                body: &reply.text,
                sources: &reply.sources,
                offers: &offers,
                screening: None,
                staff_user_id: None,
            },
            now,
        )
        .await?;
        let escalation = match &reply.outcome {
            Outcome::RedFlag(flag) => Some((
                true,
                format!(
                    "URGENT: a patient using the assistant described {}. They were told to call \
                     the clinic's urgent line or emergency services now.",
                    flag.for_staff()
                ),
            )),
            Outcome::HandOver => Some((
                false,
                "A patient using the assistant asked to talk to a person.".to_owned(),
            )),
            _ => None,
        };
        if let Some((urgent, reason)) = escalation {
            if store::escalate(&mut tx, state.clinic_id, conversation.id, urgent).await? {
                alert_staff(state, &mut tx, &conversation, &reason, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(reply)
}

/// Emails the clinic's own address: why, and where to read the conversation. The patient's
/// words stay in the staff area, where reading them is audited.
async fn alert_staff(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    conversation: &Conversation,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let (name, email) = store::clinic_inbox(&mut *tx, state.clinic_id).await?;
    let link = format!("{}/admin/assistant/{}", state.public_url, conversation.id);
    let values = Values::from([
        ("reason", reason.to_owned()),
        ("conversation_link", link),
        ("clinic", name),
    ]);
    templates::enqueue_email(tx, state.clinic_id, &ASSISTANT_ALERT, &email, &values, now).await?;
    Ok(())
}

/// How many free times one answer offers.
const OFFERS: usize = 6;
/// How many weeks ahead a weekday the patient named is looked for.
const WEEKS_FOR_A_WEEKDAY: i64 = 4;

/// A reply to "I'd like to book" with the earliest free times of the treatment (on the
/// weekday asked for, when one was), found through the booking boundary with the same
/// rules as the picker: notice, horizon, rooms, the provider's hours.
async fn with_free_times(
    state: &AppState,
    mut reply: Reply,
    knowledge: &Knowledge,
) -> Result<(Reply, Vec<Offer>), AppError> {
    let Outcome::Book {
        treatment: Some(slug),
        weekday,
    } = &reply.outcome
    else {
        return Ok((reply, Vec::new()));
    };
    let offers = free_times(state, slug, *weekday).await?;
    let name = knowledge.treatment(slug).map_or("it", |t| t.name.as_str());
    let said = match (offers.is_empty(), weekday) {
        (true, Some(_)) => format!(
            "There is no free time for {name} on that day in the next {WEEKS_FOR_A_WEEKDAY} weeks \
             online. Choose another day on the booking page, or call {}.",
            knowledge.phone
        ),
        (true, None) => format!(
            "There is no free time for {name} online at the moment. Please call {}.",
            knowledge.phone
        ),
        (false, _) => "The earliest free times are below: choosing one holds it for you while \
                       you give your details, then you review and confirm. Nothing is booked \
                       until you confirm."
            .to_owned(),
    };
    reply.text = format!("{}\n{said}", reply.text);
    reply.sources.push(Source {
        title: format!("Book {name}"),
        href: format!("/book?treatment={slug}"),
    });
    Ok((reply, offers))
}

/// The earliest free times of treatment `slug`, as offers.
pub async fn free_times(
    state: &AppState,
    slug: &str,
    weekday: Option<u8>,
) -> Result<Vec<Offer>, AppError> {
    let rules = booking::rules(&state.pool, state.clinic_id).await?;
    let Some(treatment) = booking::treatment(&state.pool, state.clinic_id, slug).await? else {
        return Ok(Vec::new());
    };
    if treatment.capacity.is_some() {
        // Group sessions are booked by the place, on their own page.
        return Ok(Vec::new());
    }
    let now = state.clock.now();
    let calendar = state.calendar(now, &rules);
    let today = now.with_timezone(&rules.zone()).date_naive();
    let days: Vec<(NaiveDate, NaiveDate)> = match weekday {
        Some(day) => (0..7 * WEEKS_FOR_A_WEEKDAY)
            .map(|ahead| today + Duration::days(ahead))
            .filter(|date| date.weekday().number_from_monday() == u32::from(day))
            .map(|date| (date, date))
            .collect(),
        None => vec![(today, today + Duration::days(i64::from(rules.horizon_days)))],
    };
    let mut found = Vec::new();
    for (first_day, last_day) in days {
        let search = Search {
            treatment: &treatment,
            provider: None,
            first_day,
            last_day,
            limit: Some(OFFERS - found.len()),
            ignoring: None,
        };
        found.extend(calendar.free_times(&search).await.map_err(AppError::from)?);
        if found.len() >= OFFERS {
            break;
        }
    }
    Ok(found
        .iter()
        .map(|f| offer(&treatment, f.slot.start, f.slot.provider, f.time_zone))
        .collect())
}

/// A time the assistant held: until when.
pub struct Held {
    pub until: String,
}

/// Holds `offer` for the conversation's hold `link` through the booking boundary, with the
/// picker's rules (notice, horizon, rooms, the provider's hours); moving the hold when the
/// conversation has one already. The refusal is said for the model to pass on.
pub async fn hold(state: &AppState, offer: &Offer, link: &Token) -> Result<Held, String> {
    use crate::backend::store::booking::Refusal;
    let refused = |_| "The time could not be held just now; give the clinic's phone number.";
    let rules = booking::rules(&state.pool, state.clinic_id)
        .await
        .map_err(|e| refused(e).to_owned())?;
    let treatment = booking::treatment(&state.pool, state.clinic_id, &offer.treatment)
        .await
        .map_err(|e| refused(e).to_owned())?
        .ok_or_else(|| "That treatment is no longer offered.".to_owned())?;
    let (Ok(start), Ok(provider)) = (
        DateTime::parse_from_rfc3339(&offer.start),
        offer.provider.parse::<Uuid>(),
    ) else {
        return Err("That is not one of the times listed.".to_owned());
    };
    let calendar = state.calendar(state.clock.now(), &rules);
    let start = start.with_timezone(&Utc);
    match calendar.hold(&treatment, Some(provider), start, link).await {
        Ok(until) => Ok(Held {
            until: until
                .with_timezone(&rules.zone())
                .format("%H:%M")
                .to_string(),
        }),
        Err(Refusal::Taken) => Err(
            "That time was just taken by someone else. Call list_free_times again and offer \
             the patient the times it gives."
                .to_owned(),
        ),
        Err(_) => {
            Err("That time cannot be booked online; give the clinic's phone number.".to_owned())
        }
    }
}

/// A free time as the patient reads it.
pub fn offer(
    treatment: &booking::Treatment,
    start: DateTime<Utc>,
    provider: Uuid,
    zone: Tz,
) -> Offer {
    let who = treatment
        .providers
        .iter()
        .find(|(id, _)| *id == provider)
        .map_or("", |(_, name)| name.as_str());
    Offer {
        treatment: treatment.slug.clone(),
        provider: provider.to_string(),
        start: start.to_rfc3339(),
        label: format!(
            "{} with {who}",
            start.with_timezone(&zone).format("%a %-d %b, %H:%M")
        ),
    }
}

/// When an offered time was taken before the patient chose it: the nearest free times
/// instead, said in the conversation.
pub async fn taken(
    state: &AppState,
    token: &Token,
    slug: &str,
    alternatives: Vec<Offer>,
) -> Result<(), AppError> {
    let Some(conversation) = store::by_token(&state.pool, state.clinic_id, &token.hash()).await?
    else {
        return Ok(());
    };
    let text = if alternatives.is_empty() {
        "Sorry, that time was just taken, and there is no other free time near it. Ask me for \
         another day, or choose one on the booking page."
            .to_owned()
    } else {
        "Sorry, that time was just taken by someone else. These are the nearest free times:"
            .to_owned()
    };
    let mut tx = state.pool.begin().await?;
    store::add_message(
        &mut tx,
        state.clinic_id,
        conversation.id,
        NewMessage {
            author: "assistant",
            body: &text,
            sources: &[Source {
                title: "Book".to_owned(),
                href: format!("/book?treatment={slug}"),
            }],
            offers: &alternatives,
            screening: None,
            staff_user_id: None,
        },
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
