//! The built-in engine: answers composed from the clinic's own facts, with no model and no
//! network. It recognises what is asked (a price, how long, who, when open, where, a policy,
//! to book, to talk to a person) and about what (a treatment, a provider), and answers only
//! with what the content says, naming the pages it came from. What the content does not
//! answer gets "I don't know" and the way to reach the clinic, never a guess.

use super::knowledge::{sentences, Knowledge, Source, TreatmentFacts};
use super::safety::{screen, RedFlag, Refusal, Screening};
use super::search::{rank, terms};
use super::urgent::{red_flag_answer, refusal_answer, Reach};
use super::words::{near, phrase, words, Rule};
use crate::domain::hours::OpeningRange;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub text: String,
    pub sources: Vec<Source>,
    pub outcome: Outcome,
}

/// What the reply did, for the conversation's record and for the caller to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Answered,
    DontKnow,
    RedFlag(RedFlag),
    Refused(Refusal),
    /// The patient asked for a person.
    HandOver,
    /// The patient wants to book; `treatment` is its slug when the question named one, and
    /// `weekday` (ISO, 1 = Monday) the day they asked about.
    Book {
        treatment: Option<String>,
        weekday: Option<u8>,
    },
    Greeting,
}

const HAND_OVER: &[Rule] = &[
    near(
        5,
        &[
            &[
                "talk", "speak", "chat", "contact", "connect", "put", "transfer",
            ],
            &[
                "person",
                "human",
                "someone",
                "somebody",
                "staff",
                "nurse",
                "doctor",
                "real",
                "team",
                "receptionist",
                "people",
                "agent",
            ],
        ],
    ),
    phrase(&[&["human", "agent", "operator", "receptionist"]]),
    phrase(&[&["call", "ring"], &["me"], &["back"]]),
    phrase(&[&["callback"]]),
];
const BOOK: &[Rule] = &[
    phrase(&[&["book", "booking", "reserve", "schedule"]]),
    near(
        5,
        &[
            &["make", "get", "need", "want", "like", "schedule", "arrange"],
            &["appointment"],
        ],
    ),
    phrase(&[&["appointments", "availability", "available", "slot", "slots"]]),
    phrase(&[&["free"], &["time", "times", "slot", "slots"]]),
    phrase(&[&["earliest", "soonest"]]),
    near(
        4,
        &[
            &["come", "see", "visit", "fit"],
            &["in", "on", "today", "tomorrow", "next", "this"],
        ],
    ),
];
const POLICY_CANCEL: &[Rule] = &[phrase(&[&[
    "cancel*",
    "reschedul*",
    "rebook*",
    "refund*",
    "late",
    "move",
    "change",
    "miss",
    "missed",
    "noshow",
]])];
const POLICY_PAY: &[Rule] = &[phrase(&[&[
    "deposit*", "upfront", "advance", "payment*", "pay", "paying", "card", "cash",
]])];
const PRICE: &[Rule] = &[
    phrase(&[&[
        "cost*",
        "price*",
        "pricing",
        "expensive",
        "cheap*",
        "fee",
        "fees",
        "charge*",
        "afford*",
        "£",
        "$",
    ]]),
    phrase(&[&["how"], &["much"]]),
];
const DURATION: &[Rule] = &[
    near(
        8,
        &[
            &["how"],
            &["long"],
            &[
                "take",
                "takes",
                "session",
                "appointment",
                "treatment",
                "last",
                "is",
            ],
        ],
    ),
    phrase(&[&["duration", "minutes", "hours"]]),
];
const AFTERWARDS: &[Rule] = &[phrase(&[&[
    "downtime",
    "recovery",
    "recover*",
    "heal*",
    "swell*",
    "swelling",
    "bruis*",
    "redness",
    "peel*",
    "flak*",
    "pink",
    "aftercare",
    "work",
    "results",
    "result",
    "last",
    "lasts",
    "course",
    "sessions",
    "hurt",
    "painful",
    "numbing",
]])];
const WHO: &[Rule] = &[
    phrase(&[&["who", "whom"]]),
    phrase(&[&[
        "practitioner*",
        "provider*",
        "doctor",
        "doctors",
        "nurse",
        "nurses",
        "therapist*",
        "injector*",
        "team",
        "staff",
    ]]),
];
const HOURS: &[Rule] = &[phrase(&[&[
    "open",
    "opening",
    "hours",
    "close",
    "closing",
    "closed",
    "weekend",
    "weekends",
    "saturday*",
    "sunday*",
    "monday*",
    "tuesday*",
    "wednesday*",
    "thursday*",
    "friday*",
    "evening*",
    "late",
    "today",
    "tomorrow",
]])];
const WHERE: &[Rule] = &[
    phrase(&[&[
        "where",
        "address",
        "located",
        "location",
        "locations",
        "directions",
        "parking",
        "park",
        "postcode",
        "map",
    ]]),
    phrase(&[&["get"], &["to", "there"]]),
    phrase(&[&["find"], &["you"]]),
];
const CONTACT: &[Rule] = &[phrase(&[&[
    "phone",
    "call",
    "number",
    "email",
    "contact",
    "telephone",
    "ring",
]])];
const VIDEO: &[Rule] = &[phrase(&[&[
    "video", "online", "virtual", "remote", "remotely", "zoom",
]])];
const GREETING_WORDS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "you",
    "good",
    "morning",
    "afternoon",
    "evening",
    "cheers",
    "ok",
    "okay",
    "great",
    "there",
    "bye",
    "goodbye",
    "much",
    "so",
];

/// Other names patients use for a treatment, and a word its name or summary has.
const ALIASES: &[(&str, &str)] = &[
    ("botox", "wrinkle"),
    ("tox", "wrinkle"),
    ("wrinkles", "wrinkle"),
    ("lips", "lip"),
    ("facial", "hydrafacial"),
    ("hair", "hair"),
    ("undereye", "trough"),
    ("eyes", "trough"),
    ("peels", "peel"),
    ("ipl", "ipl"),
    ("moles", "mole"),
];

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn any(rules: &[Rule], said: &[String]) -> bool {
    rules.iter().any(|rule| rule.matches(said))
}

/// The reply to `message`, or the safety layer's when it stops the message.
pub fn reply(message: &str, knowledge: &Knowledge, reach: &Reach) -> Reply {
    match screen(message) {
        Screening::RedFlag(flag) => {
            return Reply {
                text: red_flag_answer(flag, reach),
                sources: Vec::new(),
                outcome: Outcome::RedFlag(flag),
            }
        }
        Screening::Refuse(refusal) => {
            return Reply {
                text: refusal_answer(refusal, reach),
                sources: Vec::new(),
                outcome: Outcome::Refused(refusal),
            }
        }
        Screening::Clear => {}
    }
    let said = words(message);
    if said.is_empty() || said.iter().all(|w| GREETING_WORDS.contains(&w.as_str())) {
        return Reply {
            text: format!(
                "Hello! I can answer questions about {}'s treatments, prices, team, opening hours \
                 and policies, and help you book. What would you like to know?",
                knowledge.clinic
            ),
            sources: Vec::new(),
            outcome: Outcome::Greeting,
        };
    }
    if any(HAND_OVER, &said) {
        return Reply {
            text: "I've asked the team to join this conversation. Someone will reply here as \
                   soon as they can, during opening hours. If it's urgent, please call the clinic."
                .to_owned(),
            sources: Vec::new(),
            outcome: Outcome::HandOver,
        };
    }
    if let Some(reply) = faq_answer(message, knowledge) {
        return reply;
    }
    let treatments = mentioned_treatments(&said, knowledge);
    let weekday = asked_day(&said);
    if any(POLICY_CANCEL, &said) && !any(PRICE, &said) {
        return policy(
            "Cancelling or changing a booking",
            &knowledge.cancellation_policy,
            knowledge,
        );
    }
    if any(BOOK, &said) {
        return book(treatments.first().copied(), weekday, knowledge);
    }
    if treatments.is_empty() {
        if let Some(reply) = faq_answering(message, knowledge) {
            return reply;
        }
    }
    if any(POLICY_PAY, &said) && treatments.is_empty() {
        return policy("Paying for a booking", &knowledge.payment_policy, knowledge);
    }
    if !treatments.is_empty() {
        return about_treatments(&treatments, &said, message, knowledge);
    }
    if any(HOURS, &said) {
        return hours(weekday, knowledge);
    }
    if any(WHERE, &said) {
        return where_we_are(knowledge);
    }
    if let Some(reply) = about_provider(&said, knowledge) {
        return reply;
    }
    if any(CONTACT, &said) {
        return contact(knowledge);
    }
    if any(WHO, &said) {
        return team(knowledge);
    }
    best_passage(message, knowledge).unwrap_or_else(|| dont_know(knowledge))
}

/// The reply when the content does not say.
pub fn dont_know(knowledge: &Knowledge) -> Reply {
    Reply {
        text: format!(
            "I don't know the answer to that from what the clinic has published, and I'd rather \
             not guess. You can call {} on {} or email {}, or ask to talk to a person here and \
             someone from the team will reply.",
            knowledge.clinic, knowledge.phone, knowledge.email
        ),
        sources: Vec::new(),
        outcome: Outcome::DontKnow,
    }
}

fn answered(text: String, sources: Vec<Source>) -> Reply {
    Reply {
        text,
        sources,
        outcome: Outcome::Answered,
    }
}

/// A staff-written answer whose question says what this one asks.
fn faq_answer(message: &str, knowledge: &Knowledge) -> Option<Reply> {
    let asked = terms(message);
    if asked.is_empty() {
        return None;
    }
    let questions: Vec<String> = knowledge.faqs.iter().map(|f| f.question.clone()).collect();
    let (best, _) = *rank(message, &questions).first()?;
    let faq = &knowledge.faqs[best];
    // Most of what was asked must be in the staff's question, so a shared word ("filler")
    // does not pass one question off as another.
    let theirs = terms(&faq.question);
    let shared = asked.iter().filter(|t| theirs.contains(t)).count();
    (shared * 3 >= asked.len() * 2).then(|| answered(faq.answer.clone(), vec![faq.source()]))
}

/// A staff answer that itself says all that was asked ("do you take cash?" against "which
/// payment methods do you accept?"), for questions about no treatment: a treatment's name
/// in some answer must not pass that answer off for the treatment's own facts.
fn faq_answering(message: &str, knowledge: &Knowledge) -> Option<Reply> {
    let asked = terms(message);
    if asked.len() < 2 {
        return None;
    }
    knowledge.faqs.iter().find_map(|faq| {
        let theirs = terms(&format!("{} {}", faq.question, faq.answer));
        asked
            .iter()
            .all(|t| theirs.contains(t))
            .then(|| answered(faq.answer.clone(), vec![faq.source()]))
    })
}

/// The treatments a question names, by the words of their names or a common other name.
fn mentioned_treatments<'k>(said: &[String], knowledge: &'k Knowledge) -> Vec<&'k TreatmentFacts> {
    let mut looked_for: Vec<String> = said.to_vec();
    looked_for.extend(
        ALIASES
            .iter()
            .filter(|(other, _)| said.iter().any(|word| word == other))
            .map(|(_, name)| (*name).to_owned()),
    );
    let significant = |name: &str| -> Vec<String> {
        terms(name)
            .into_iter()
            .filter(|w| {
                w.chars().count() >= 3
                    && !["treatment", "area", "three", "small"].contains(&w.as_str())
            })
            .collect()
    };
    let mut scored: Vec<(usize, &TreatmentFacts)> = knowledge
        .treatments
        .iter()
        .map(|t| {
            let name_terms = significant(&t.name);
            let hits = name_terms
                .iter()
                .filter(|term| {
                    looked_for.iter().any(|word| {
                        word == *term || terms(word).first() == Some(term) || {
                            word.chars().count() >= 6 && super::words::fits(term, word)
                        }
                    })
                })
                .count();
            // A generic word alone ("removal", "skin") does not name a treatment: at
            // least half of its name must be there.
            let named = hits > 0 && hits * 2 >= name_terms.len();
            (if named { hits } else { 0 }, t)
        })
        .filter(|(hits, _)| *hits > 0)
        .collect();
    let best = scored.iter().map(|(hits, _)| *hits).max().unwrap_or(0);
    scored.retain(|(hits, _)| *hits == best);
    scored.into_iter().map(|(_, t)| t).take(4).collect()
}

fn asked_day(said: &[String]) -> Option<u8> {
    said.iter().find_map(|word| {
        DAYS.iter()
            .position(|day| {
                word.starts_with(day)
                    || (word.len() >= 3 && day.starts_with(word.as_str()) && word.len() >= 5)
            })
            .map(|at| at as u8 + 1)
    })
}

fn about_treatments(
    treatments: &[&TreatmentFacts],
    said: &[String],
    message: &str,
    knowledge: &Knowledge,
) -> Reply {
    let sources = treatments.iter().map(|t| t.source()).collect();
    let lines: Vec<String> = treatments
        .iter()
        .map(|t| {
            if any(AFTERWARDS, said) && !any(PRICE, said) {
                afterwards(t, message)
            } else if any(PRICE, said) {
                let deposit = t
                    .deposit
                    .as_ref()
                    .map(|d| format!(" A deposit of {d} is taken when you book."))
                    .unwrap_or_default();
                format!(
                    "{} costs {} and takes {}.{deposit}",
                    t.name, t.price, t.duration
                )
            } else if any(POLICY_PAY, said) {
                match &t.deposit {
                    Some(d) => format!("{} needs a deposit of {d} when you book.", t.name),
                    None => format!("{}{}", t.name, lower_first(&knowledge.payment_policy)),
                }
            } else if any(DURATION, said) {
                format!("{} takes {}.", t.name, t.duration)
            } else if any(WHO, said) {
                if t.providers.is_empty() {
                    format!(
                        "{} is not offered by anyone on the team at the moment.",
                        t.name
                    )
                } else {
                    format!("{} is performed by {}.", t.name, t.providers.join("; "))
                }
            } else if any(VIDEO, said) {
                match (t.by_video, t.in_person) {
                    (true, true) => format!("{} can be done by video or in the clinic.", t.name),
                    (true, false) => format!("{} is done by video.", t.name),
                    _ => format!("{} is done in the clinic, not by video.", t.name),
                }
            } else {
                afterwards(t, message)
            }
        })
        .collect();
    answered(lines.join("\n"), sources)
}

/// What a treatment's own text says that comes closest to the question; its summary when
/// nothing comes close.
fn afterwards(treatment: &TreatmentFacts, message: &str) -> String {
    let passages = sentences(&treatment.description);
    // The treatment's own name says nothing about which of its sentences is meant.
    let name_terms = terms(&treatment.name);
    let mut question: Vec<String> = terms(message)
        .into_iter()
        .filter(|t| !name_terms.contains(t))
        .collect();
    // "How many (sessions, peels) will I need?" asks about a course.
    if phrase(&[&["how"], &["many"]]).matches(&words(message)) {
        question.push("course".to_owned());
    }
    let best = rank(&question.join(" "), &passages)
        .first()
        .map(|(at, _)| passages[*at].clone());
    match best {
        Some(sentence) => format!("{}: {sentence}", treatment.name),
        None => format!("{}: {}", treatment.name, treatment.summary),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!(": {}{}", first.to_lowercase(), chars.as_str()),
        None => String::new(),
    }
}

fn policy(title: &str, text: &str, knowledge: &Knowledge) -> Reply {
    if text.trim().is_empty() {
        return dont_know(knowledge);
    }
    answered(
        text.trim().to_owned(),
        vec![Source {
            title: title.to_owned(),
            href: "/assistant#policies".to_owned(),
        }],
    )
}

fn book(treatment: Option<&TreatmentFacts>, weekday: Option<u8>, knowledge: &Knowledge) -> Reply {
    let (text, sources) = match treatment {
        Some(t) => (
            format!(
                "You can choose a time for {} ({}, {}) and hold it while you fill in your details.",
                t.name, t.price, t.duration
            ),
            vec![t.source()],
        ),
        None => (
            "Which treatment would you like to book? You can also choose from all our treatments."
                .to_owned(),
            vec![Source {
                title: "Treatments".to_owned(),
                href: "/treatments".to_owned(),
            }],
        ),
    };
    let open = weekday
        .map(|day| format!(" {}", open_on(day, knowledge)))
        .unwrap_or_default();
    Reply {
        text: format!("{text}{open}"),
        sources,
        outcome: Outcome::Book {
            treatment: treatment.map(|t| t.slug.clone()),
            weekday,
        },
    }
}

fn day_name(weekday: u8) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][usize::from(weekday.clamp(1, 7) - 1)]
}

fn ranges_text(ranges: &[&OpeningRange]) -> String {
    ranges
        .iter()
        .map(|r| format!("{}–{}", r.opens.format("%H:%M"), r.closes.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Which locations are open on `weekday`, and when.
fn open_on(weekday: u8, knowledge: &Knowledge) -> String {
    let open: Vec<String> = knowledge
        .locations
        .iter()
        .filter_map(|l| {
            let ranges: Vec<&OpeningRange> =
                l.hours.iter().filter(|r| r.weekday == weekday).collect();
            (!ranges.is_empty()).then(|| format!("{} {}", l.name, ranges_text(&ranges)))
        })
        .collect();
    if open.is_empty() {
        format!("We are closed on {}s.", day_name(weekday))
    } else {
        format!(
            "On {}s we are open: {}.",
            day_name(weekday),
            open.join("; ")
        )
    }
}

fn hours(weekday: Option<u8>, knowledge: &Knowledge) -> Reply {
    let text = match weekday {
        Some(day) => open_on(day, knowledge),
        None => knowledge
            .locations
            .iter()
            .map(|l| {
                let days: Vec<String> = (1..=7)
                    .filter_map(|day| {
                        let ranges: Vec<&OpeningRange> =
                            l.hours.iter().filter(|r| r.weekday == day).collect();
                        (!ranges.is_empty())
                            .then(|| format!("{} {}", &day_name(day)[..3], ranges_text(&ranges)))
                    })
                    .collect();
                format!("{}: {}.", l.name, days.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    answered(text, vec![knowledge.visit_source()])
}

fn where_we_are(knowledge: &Knowledge) -> Reply {
    let text = knowledge
        .locations
        .iter()
        .map(|l| format!("{}: {} (phone {}).", l.name, l.address, l.phone))
        .collect::<Vec<_>>()
        .join("\n");
    answered(text, vec![knowledge.visit_source()])
}

fn contact(knowledge: &Knowledge) -> Reply {
    answered(
        format!(
            "You can call {} on {} or email {}.",
            knowledge.clinic, knowledge.phone, knowledge.email
        ),
        vec![knowledge.visit_source()],
    )
}

fn about_provider(said: &[String], knowledge: &Knowledge) -> Option<Reply> {
    let provider = knowledge.providers.iter().find(|p| {
        terms(&p.name)
            .iter()
            .filter(|t| t.chars().count() >= 3 && *t != "dr")
            .any(|t| said.iter().any(|w| w == t))
    })?;
    let performs: Vec<&TreatmentFacts> = provider
        .treatments
        .iter()
        .filter_map(|slug| knowledge.treatment(slug))
        .collect();
    let list = performs
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "{}, {}. {} Performs: {list}.",
        provider.name, provider.title, provider.bio
    );
    Some(answered(
        text,
        performs.iter().take(3).map(|t| t.source()).collect(),
    ))
}

fn team(knowledge: &Knowledge) -> Reply {
    let text = knowledge
        .providers
        .iter()
        .map(|p| format!("{}, {}", p.name, p.title))
        .collect::<Vec<_>>()
        .join("; ");
    answered(
        format!("Our team: {text}. Ask about a treatment to hear who performs it."),
        vec![Source {
            title: "Treatments".to_owned(),
            href: "/treatments".to_owned(),
        }],
    )
}

/// The one passage of all the content that best answers, when one shares enough with the
/// question to be about it.
fn best_passage(message: &str, knowledge: &Knowledge) -> Option<Reply> {
    let mut passages: Vec<(String, Source)> = Vec::new();
    for t in &knowledge.treatments {
        for sentence in sentences(&format!("{}. {}", t.summary, t.description)) {
            passages.push((format!("{}: {sentence}", t.name), t.source()));
        }
    }
    for faq in &knowledge.faqs {
        passages.push((faq.answer.clone(), faq.source()));
    }
    let texts: Vec<String> = passages.iter().map(|(text, _)| text.clone()).collect();
    let asked = terms(message);
    let (best, _) = *rank(message, &texts).first()?;
    let theirs = terms(&texts[best]);
    // Two thirds of what was asked must be there, or it is about something else.
    let shared = asked.iter().filter(|t| theirs.contains(t)).count();
    (shared * 3 >= asked.len() * 2 && shared > 0)
        .then(|| answered(passages[best].0.clone(), vec![passages[best].1.clone()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assistant::knowledge::{Faq, LocationFacts, ProviderFacts};
    use chrono::NaiveTime;

    fn treatment(slug: &str, name: &str, description: &str, price: &str) -> TreatmentFacts {
        TreatmentFacts {
            slug: slug.to_owned(),
            name: name.to_owned(),
            summary: format!("{name} in one visit."),
            description: description.to_owned(),
            duration: "1 hour".to_owned(),
            price: price.to_owned(),
            deposit: None,
            providers: vec!["Dr Amara Okafor, Medical director".to_owned()],
            in_person: true,
            by_video: false,
        }
    }

    fn clinic() -> Knowledge {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        Knowledge {
            clinic: "Juniper".to_owned(),
            phone: "+44 131 496 0100".to_owned(),
            email: "hello@juniper.example".to_owned(),
            treatments: vec![
                treatment(
                    "hydrafacial",
                    "HydraFacial",
                    "A medical-grade facial. There is no downtime: you can go straight back to your day.",
                    "£165",
                ),
                TreatmentFacts {
                    deposit: Some("£50".to_owned()),
                    ..treatment(
                        "lip-enhancement",
                        "Lip enhancement",
                        "A hyaluronic acid filler. Expect swelling for two to three days. Results last six to nine months.",
                        "£280",
                    )
                },
                treatment(
                    "anti-wrinkle-three-areas",
                    "Anti-wrinkle treatment, three areas",
                    "A muscle relaxant softens lines.",
                    "£250",
                ),
            ],
            providers: vec![ProviderFacts {
                name: "Dr Amara Okafor".to_owned(),
                title: "Medical director".to_owned(),
                bio: "Amara trained in dermatology.".to_owned(),
                treatments: vec!["lip-enhancement".to_owned()],
            }],
            locations: vec![LocationFacts {
                name: "New Town".to_owned(),
                address: "14 Hanover Lane, Edinburgh EH2 4AB".to_owned(),
                phone: "0131 496 0123".to_owned(),
                hours: (1..=6)
                    .map(|weekday| OpeningRange {
                        weekday,
                        opens: at(if weekday == 6 { 10 } else { 9 }),
                        closes: at(if weekday == 6 { 16 } else { 19 }),
                    })
                    .collect(),
            }],
            cancellation_policy: "Cancel at least 24 hours before, or the deposit is kept.".to_owned(),
            payment_policy: "You pay at the clinic.".to_owned(),
            faqs: vec![Faq {
                id: "f1".to_owned(),
                question: "Is there parking near the clinic?".to_owned(),
                answer: "Yes: the Hanover Street car park is two minutes' walk away.".to_owned(),
            }],
        }
    }

    fn ask(message: &str) -> Reply {
        let reach = Reach {
            urgent_line: "+44 131 496 0100".to_owned(),
            country: Some(crate::domain::phone::CallingCode::of_known(44)),
        };
        reply(message, &clinic(), &reach)
    }

    #[test]
    fn a_price_comes_from_the_facts_with_its_page() {
        let answer = ask("how much is a hydrafacial?");
        assert_eq!(answer.outcome, Outcome::Answered);
        assert!(answer.text.contains("£165"), "{}", answer.text);
        assert_eq!(answer.sources[0].href, "/treatments/hydrafacial");
        let botox = ask("what does botox cost");
        assert!(botox.text.contains("£250"), "{}", botox.text);
        let lips = ask("price of lip filler?");
        assert!(
            lips.text.contains("£280") && lips.text.contains("deposit of £50"),
            "{}",
            lips.text
        );
    }

    #[test]
    fn what_happens_after_comes_from_the_treatments_own_words() {
        let answer = ask("what's the downtime after a hydrafacial");
        assert!(answer.text.contains("no downtime"), "{}", answer.text);
        let lips = ask("how long do lip results last");
        assert!(lips.text.contains("six to nine months"), "{}", lips.text);
        let who = ask("who does lip enhancement?");
        assert!(who.text.contains("Dr Amara Okafor"), "{}", who.text);
    }

    #[test]
    fn hours_places_policies_and_staff_answers() {
        let saturday = ask("are you open on saturday?");
        assert!(saturday.text.contains("10:00–16:00"), "{}", saturday.text);
        assert_eq!(saturday.sources[0].href, "/#visit");
        assert!(ask("are you open on Sunday")
            .text
            .contains("closed on Sundays"));
        assert!(ask("what's your address").text.contains("14 Hanover Lane"));
        let cancel = ask("what is the cancellation policy");
        assert!(cancel.text.contains("24 hours"), "{}", cancel.text);
        let parking = ask("is there parking?");
        assert!(parking.text.contains("car park"), "{}", parking.text);
        assert_eq!(parking.sources[0].href, "/assistant#faq-f1");
    }

    #[test]
    fn booking_and_a_person_are_intents_not_answers() {
        assert_eq!(
            ask("I'd like to book a hydrafacial on Saturday").outcome,
            Outcome::Book {
                treatment: Some("hydrafacial".to_owned()),
                weekday: Some(6)
            }
        );
        assert_eq!(
            ask("can I talk to a real person please").outcome,
            Outcome::HandOver
        );
    }

    #[test]
    fn what_the_content_does_not_say_is_not_guessed() {
        for question in [
            "do you sell gift vouchers",
            "can I bring my dog",
            "what's the wifi password",
        ] {
            let answer = ask(question);
            assert_eq!(
                answer.outcome,
                Outcome::DontKnow,
                "{question}: {}",
                answer.text
            );
            assert!(answer.text.contains("+44 131 496 0100"));
        }
    }

    #[test]
    fn the_safety_layer_answers_first() {
        let answer = ask("how much is lip filler, my lip has gone white");
        assert_eq!(answer.outcome, Outcome::RedFlag(RedFlag::BloodFlow));
        assert!(answer.text.contains("999"));
        assert_eq!(
            ask("how many units of botox do I need").outcome,
            Outcome::Refused(Refusal::Dose)
        );
    }
}
