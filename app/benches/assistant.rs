//! The built-in assistant's answer time, in-process: the clinic's content at five times the
//! demo clinic's size (50 treatments with two paragraphs each, 10 providers, 3 locations,
//! 25 questions and answers), and a day's mix of questions (prices, downtime, who, when, a
//! booking, a red flag, a refusal, one it cannot answer). Run with
//! `cargo bench -p app --bench assistant`; BENCHMARKS.md records the results.
//!
//! The percentiles (p50, p99) are measured first, from 2,000 timed answers of the mix;
//! criterion's mean and spread follow.

use app::domain::assistant::builtin::reply;
use app::domain::assistant::knowledge::{
    Faq, Knowledge, LocationFacts, ProviderFacts, TreatmentFacts,
};
use app::domain::assistant::urgent::Reach;
use app::domain::hours::OpeningRange;
use app::domain::phone::CallingCode;
use chrono::NaiveTime;
use criterion::{black_box, Criterion};
use std::time::Instant;

const AREAS: [&str; 10] = [
    "Lip",
    "Cheek",
    "Jawline",
    "Forehead",
    "Neck",
    "Eye",
    "Chin",
    "Scalp",
    "Hand",
    "Décolletage",
];
const KINDS: [&str; 5] = ["filler", "peel", "laser", "microneedling", "facial"];

fn content() -> Knowledge {
    let hours = |opens, closes| {
        (1..=6)
            .map(|weekday| OpeningRange {
                weekday,
                opens: NaiveTime::from_hms_opt(opens, 0, 0).unwrap(),
                closes: NaiveTime::from_hms_opt(closes, 0, 0).unwrap(),
            })
            .collect()
    };
    let providers: Vec<ProviderFacts> = (0..10)
        .map(|n| ProviderFacts {
            name: format!("Dr Provider {n}"),
            title: "Aesthetic practitioner".to_owned(),
            bio: format!("Trained in dermatology and has practised for {n} years."),
            treatments: Vec::new(),
        })
        .collect();
    let treatments = AREAS
        .iter()
        .flat_map(|area| KINDS.iter().map(move |kind| (area, kind)))
        .enumerate()
        .map(|(n, (area, kind))| TreatmentFacts {
            slug: format!("{}-{kind}", area.to_lowercase()),
            name: format!("{area} {kind}"),
            summary: format!(
                "A {kind} for the {} area, by a medical practitioner.",
                area.to_lowercase()
            ),
            description: format!(
                "The {kind} takes place at the clinic after a consultation. Expect some redness \
                 for a day or two; most people go back to work the next day. Results show over \
                 two weeks and last up to nine months.\n\nAvoid make-up for 24 hours afterwards. \
                 A review appointment two weeks later is included in the price."
            ),
            duration: format!("{} minutes", 30 + 15 * (n % 4)),
            price: format!("£{}", 120 + 10 * n),
            deposit: (n % 3 == 0).then(|| "£50".to_owned()),
            providers: vec![format!(
                "{}, Aesthetic practitioner",
                providers[n % 10].name
            )],
            in_person: true,
            by_video: n % 7 == 0,
        })
        .collect();
    Knowledge {
        clinic: "Juniper Clinic".to_owned(),
        phone: "+44 131 496 0100".to_owned(),
        email: "hello@juniper-clinic.example".to_owned(),
        treatments,
        providers,
        locations: (0..3)
            .map(|n| LocationFacts {
                name: format!("Branch {n}"),
                address: format!("{} Hanover Lane, Edinburgh EH2 4AB", 10 + n),
                phone: "0131 496 0123".to_owned(),
                hours: hours(9, 18 + n),
            })
            .collect(),
        cancellation_policy: "Cancel or move a booking up to 24 hours before it at no cost; \
                              later, the deposit is kept."
            .to_owned(),
        payment_policy:
            "Some treatments take a deposit when booking; the rest is paid at the clinic."
                .to_owned(),
        faqs: (0..25)
            .map(|n| Faq {
                id: format!("faq-{n}"),
                question: format!("Question {n} about parking, gift vouchers and consultations?"),
                answer: format!("Answer {n}: the car park on Hanover Street is two minutes away."),
            })
            .collect(),
    }
}

const QUESTIONS: [&str; 10] = [
    "How much is the lip filler?",
    "what's the downtime after a cheek peel",
    "Who does the jawline laser?",
    "Are you open on Saturday?",
    "I'd like to book a neck facial on Friday",
    "Can I cancel my appointment?",
    "my lip has gone white and blotchy since my filler",
    "how many units of botox do I need",
    "Do you sell gift vouchers?",
    "What is the meaning of life?",
];

fn main() {
    let knowledge = content();
    let reach = Reach {
        urgent_line: knowledge.phone.clone(),
        country: CallingCode::of(&knowledge.phone),
    };

    let mut times: Vec<f64> = (0..2_000)
        .map(|n| {
            let started = Instant::now();
            black_box(reply(QUESTIONS[n % QUESTIONS.len()], &knowledge, &reach));
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((q * times.len() as f64) as usize).min(times.len() - 1)];
    println!(
        "built-in answer, the mix of {} questions: p50 {:.3} ms, p99 {:.3} ms",
        QUESTIONS.len(),
        at(0.50),
        at(0.99)
    );

    let mut criterion = Criterion::default().configure_from_args();
    criterion.bench_function("built-in answer, one of the mix", |b| {
        let mut n = 0;
        b.iter(|| {
            n += 1;
            reply(
                black_box(QUESTIONS[n % QUESTIONS.len()]),
                &knowledge,
                &reach,
            )
        })
    });
    criterion.final_summary();
}
