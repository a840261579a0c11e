//! Bookings under fire: patients hold, fill in, confirm, move and cancel through the real
//! server binary while it is killed with `SIGKILL` at random moments, a hundred times, and
//! while its PostgreSQL is stopped and started again. Afterwards what the server
//! acknowledged is all there, exactly as acknowledged, and nothing is half-written.
//!
//! A request the server never answered may or may not have happened: the check accepts
//! either outcome for it, and only for it. A request that never reached the server (nothing
//! was listening) certainly did not.
//!
//! The server is the binary these tests are built with (the debug profile): the same code
//! as the release build, which `scripts/test` does not build for the server, since
//! compiling every dependency a second time, optimised, would double a fresh run.

use crate::crash::{free_port, start_on, until_ready, Server};
use app::backend::audit::{self, Verdict};
use app::backend::auth::session::Token;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Treatments whose free times the patients choose from.
const TREATMENTS: [&str; 3] = ["follow-up-review", "aesthetic-consultation", "mole-check"];
const WORKERS: usize = 4;
static VISITORS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What a booking may be now: its start and whether it is cancelled. One possibility
/// once every change was answered; more while one went unanswered.
type Outcome = (String, bool);

/// Reproducible chance (xorshift64*): which patient does what, and when the kill falls.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Dice {
        Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `range`.
    fn roll(&mut self, range: std::ops::Range<u64>) -> u64 {
        range.start + self.next() % (range.end - range.start)
    }
}

struct Booking {
    /// The manage link's secret; unknown when the confirmation went unanswered.
    token: Option<String>,
    /// What it may be now; `("", false)` among them: perhaps never booked at all.
    outcomes: HashSet<Outcome>,
    /// Its treatment and provider, to offer its time to others once it is given up.
    what: (String, String),
}

/// How many answers of each status each endpoint gave: `"booking/hold 409"`.
type Answers = Arc<Mutex<BTreeMap<String, usize>>>;

#[derive(Default)]
struct Ledger {
    /// Free times to choose from: (treatment, provider, start).
    slots: Vec<(String, String, String)>,
    /// Bookings by their patient's email (each patient books once).
    bookings: HashMap<String, Booking>,
    /// Bookings a patient is changing right now: no one else touches them meanwhile.
    busy: HashSet<String>,
    /// Holds whose details were acknowledged, by token, with the email typed.
    detailed_holds: HashMap<String, String>,
    /// Answers by endpoint and status, shared with the patients' browsers.
    answers: Answers,
    /// Bookings, moves and cancellations the server acknowledged.
    changes: usize,
    /// How many requests went unanswered (the server was killed or the database was away).
    unanswered: usize,
}

/// A patient's browser: no cookies, a visitor address of its own per request (the server
/// trusts 127.0.0.1 as a proxy, as behind a load balancer).
#[derive(Clone)]
struct Browser {
    client: reqwest::Client,
    base: String,
    answers: Answers,
}

enum Answer {
    /// Status, `Location`, body.
    Got(u16, String, Vec<u8>),
    Unanswered,
    /// Never reached the server (nothing listening): certainly not done.
    NotSent,
}

impl Browser {
    fn new(port: u16, answers: &Answers) -> Browser {
        Browser {
            answers: answers.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn call(&self, endpoint: &str, fields: &[(&str, &str)]) -> Answer {
        let visitor = {
            let n = Dice::new(VISITORS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)).next();
            format!("10.{}.{}.{}", n as u8, (n >> 8) as u8, 1 + (n >> 16) % 254)
        };
        let sent = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .header("accept", "application/json")
            .header("x-forwarded-for", visitor)
            .form(fields)
            .send()
            .await;
        match sent {
            Ok(reply) => {
                let location = reply
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let status = reply.status().as_u16();
                // The body must arrive too: a reply cut off by the kill is no answer.
                match reply.bytes().await {
                    Ok(body) => {
                        *self
                            .answers
                            .lock()
                            .unwrap()
                            .entry(format!("{endpoint} {status}"))
                            .or_default() += 1;
                        Answer::Got(status, location, body.to_vec())
                    }
                    Err(_) => Answer::Unanswered,
                }
            }
            Err(error) if error.is_connect() => Answer::NotSent,
            Err(_) => Answer::Unanswered,
        }
    }

    async fn picker(&self, treatment: &str, day: &str) -> Option<app::booking::types::Picker> {
        let reply = self
            .client
            .post(format!("{}/api/booking/picker", self.base))
            .header("origin", &self.base)
            .header("accept", "application/json")
            .form(&[("treatment", treatment), ("provider", ""), ("day", day)])
            .send()
            .await
            .ok()?;
        reply.json().await.ok()
    }
}

fn token_after(location: &str, prefix: &str) -> Option<String> {
    location
        .strip_prefix(prefix)
        .map(|rest| rest.chars().take(64).collect())
}

fn note(ledger: &Mutex<Ledger>, answer: &Answer) {
    let mut ledger = ledger.lock().unwrap();
    match answer {
        Answer::Got(..) => {}
        Answer::Unanswered => ledger.unanswered += 1,
        Answer::NotSent => {}
    }
}

/// The days with free times over the booking horizon, for each treatment.
async fn free_days(browser: &Browser) -> Vec<(String, String)> {
    let mut free = Vec::new();
    for treatment in TREATMENTS {
        let first = browser
            .picker(treatment, "")
            .await
            .expect("the picker answers");
        let mut days = first.days.clone();
        if let Some(later) = &first.later {
            days.extend(browser.picker(treatment, later).await.unwrap().days);
        }
        free.extend(
            days.into_iter()
                .filter(|d| d.free)
                .map(|d| (treatment.to_owned(), d.date)),
        );
    }
    free
}

/// Every time the picker offers for those days now.
async fn free_times(browser: &Browser, days: &[(String, String)]) -> Vec<(String, String, String)> {
    let mut slots = Vec::new();
    for (treatment, day) in days {
        let picker = browser
            .picker(treatment, day)
            .await
            .expect("the picker answers");
        slots.extend(
            picker
                .slots
                .into_iter()
                .map(|slot| (treatment.clone(), slot.provider_id, slot.start)),
        );
    }
    slots
}

/// One patient after another: book a free time (hold, details, confirm), or move or cancel
/// a booking of theirs, until the server stops answering.
async fn patients(browser: Browser, ledger: Arc<Mutex<Ledger>>, seed: u64) {
    let mut rng = Dice::new(seed);
    let mut misses = 0;
    while misses < 3 {
        let choice = rng.roll(0..100);
        let mine = if choice < 30 {
            claim_a_booking(&ledger, &mut rng)
        } else {
            None
        };
        let answered = if let (true, Some((email, token, start))) = (choice < 20, mine.clone()) {
            let Some(slot) = take_slot(&ledger, &mut rng) else {
                ledger.lock().unwrap().busy.remove(&email);
                continue;
            };
            let to = slot.2.clone();
            let answer = browser
                .call(
                    "booking/reschedule",
                    &[("token", &token), ("provider", ""), ("start", &to)],
                )
                .await;
            match answer {
                Answer::Got(200..=399, _, _) => {
                    // The time it left is free for others.
                    ledger
                        .lock()
                        .unwrap()
                        .slots
                        .push((slot.0, slot.1, start.clone()));
                }
                Answer::Got(500.., _, _) => give_back(&ledger, slot).await,
                _ => {}
            }
            settle(&ledger, &email, &answer, (to, false), (start, false))
        } else if let Some((email, token, start)) = mine {
            let answer = browser.call("booking/cancel", &[("token", &token)]).await;
            if let Answer::Got(200..=399, _, _) = answer {
                let mut ledger = ledger.lock().unwrap();
                let (treatment, provider) = ledger.bookings[&email].what.clone();
                ledger.slots.push((treatment, provider, start.clone()));
            }
            settle(
                &ledger,
                &email,
                &answer,
                (start.clone(), true),
                (start, false),
            )
        } else {
            book(&browser, &ledger, &mut rng).await
        };
        misses = if answered { 0 } else { misses + 1 };
    }
}

/// A booking known for certain and not cancelled, for this patient alone to change until
/// `settle` hands it back: (email, token, start).
fn claim_a_booking(ledger: &Mutex<Ledger>, rng: &mut Dice) -> Option<(String, String, String)> {
    let mut ledger = ledger.lock().unwrap();
    let settled: Vec<(String, String, String)> = ledger
        .bookings
        .iter()
        .filter(|(email, booking)| booking.outcomes.len() == 1 && !ledger.busy.contains(*email))
        .filter_map(|(email, booking)| {
            let (start, cancelled) = booking.outcomes.iter().next().unwrap();
            let token = booking.token.clone()?;
            (!cancelled).then(|| (email.clone(), token, start.clone()))
        })
        .collect();
    if settled.is_empty() {
        return None;
    }
    let chosen = settled[ledger_roll(rng, settled.len())].clone();
    ledger.busy.insert(chosen.0.clone());
    Some(chosen)
}

fn ledger_roll(rng: &mut Dice, len: usize) -> usize {
    rng.roll(0..len as u64) as usize
}

fn take_slot(ledger: &Mutex<Ledger>, rng: &mut Dice) -> Option<(String, String, String)> {
    let mut ledger = ledger.lock().unwrap();
    if ledger.slots.is_empty() {
        return None;
    }
    let at = rng.roll(0..ledger.slots.len() as u64) as usize;
    Some(ledger.slots.swap_remove(at))
}

/// A time not used after all (the server could not say), for another patient to try.
async fn give_back(ledger: &Mutex<Ledger>, slot: (String, String, String)) {
    ledger.lock().unwrap().slots.push(slot);
    // The server is struggling (its database is away): a patient waits before trying again.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// Records what a move or cancellation did: `done` if acknowledged, the booking as it was
/// if refused, either if unanswered. Returns whether the server answered.
fn settle(
    ledger: &Mutex<Ledger>,
    email: &str,
    answer: &Answer,
    done: Outcome,
    before: Outcome,
) -> bool {
    note(ledger, answer);
    let mut ledger = ledger.lock().unwrap();
    ledger.busy.remove(email);
    let outcomes = &mut ledger.bookings.get_mut(email).unwrap().outcomes;
    match answer {
        Answer::Got(200..=399, _, _) => {
            *outcomes = HashSet::from([done]);
            ledger.changes += 1;
            true
        }
        // A failure may come after the change was committed (the database went away
        // before the server heard so): either outcome is right.
        Answer::Got(500.., _, _) => {
            outcomes.insert(done);
            true
        }
        Answer::Got(..) => {
            *outcomes = HashSet::from([before]);
            true
        }
        Answer::Unanswered => {
            outcomes.insert(done);
            false
        }
        Answer::NotSent => false,
    }
}

async fn book(browser: &Browser, ledger: &Mutex<Ledger>, rng: &mut Dice) -> bool {
    let Some(slot) = take_slot(ledger, rng) else {
        return false;
    };
    let (treatment, mut provider, mut start) = slot.clone();
    let hold_at = |provider: String, start: String| {
        let (browser, treatment) = (browser.clone(), treatment.clone());
        async move {
            let fields = [
                ("treatment", treatment.as_str()),
                ("provider", &provider),
                ("start", &start),
                ("hold", ""),
            ];
            browser.call("booking/hold", &fields).await
        }
    };
    let mut held = hold_at(provider.clone(), start.clone()).await;
    note(ledger, &held);
    // Taken meanwhile: the patient takes the first other time offered, as the page lets her.
    if let Answer::Got(409, _, body) = &held {
        let offered: Option<(String, String)> = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|taken| {
                let first = taken.get("Taken")?.get(0)?;
                Some((
                    first.get("provider_id")?.as_str()?.to_owned(),
                    first.get("start")?.as_str()?.to_owned(),
                ))
            });
        if let Some((other_provider, other_start)) = offered {
            (provider, start) = (other_provider, other_start);
            held = hold_at(provider.clone(), start.clone()).await;
            note(ledger, &held);
        }
    }
    let hold = match &held {
        Answer::Got(500.., _, _) => {
            give_back(ledger, slot).await;
            return true;
        }
        Answer::Got(_, location, _) => match token_after(location, "/book/details?hold=") {
            Some(hold) => hold,
            None => return true, // taken meanwhile: choose another
        },
        Answer::Unanswered | Answer::NotSent => return false,
    };
    let email = format!("patient-{}@example.com", rng.next());
    let details = browser
        .call(
            "booking/details",
            &[
                ("hold", &hold),
                ("details[first_name]", "Ana"),
                ("details[last_name]", "Ruiz"),
                ("details[email]", &email),
                ("details[phone]", "07700 900123"),
                ("details[notes]", ""),
                ("details[mode]", "in_person"),
            ],
        )
        .await;
    note(ledger, &details);
    match details {
        Answer::Got(200..=399, _, _) => {
            ledger
                .lock()
                .unwrap()
                .detailed_holds
                .insert(hold.clone(), email.clone());
        }
        Answer::Got(..) => return true,
        Answer::Unanswered | Answer::NotSent => return false,
    }
    let confirmed = browser.call("booking/confirm", &[("hold", &hold)]).await;
    note(ledger, &confirmed);
    let mut ledger = ledger.lock().unwrap();
    match &confirmed {
        Answer::Got(200..=399, location, _) => {
            let token = token_after(location, "/booking/").expect("the manage link");
            ledger.detailed_holds.remove(&hold);
            let outcomes = HashSet::from([(start, false)]);
            let token = Some(token);
            let what = (treatment, provider);
            let booking = Booking {
                token,
                outcomes,
                what,
            };
            ledger.bookings.insert(email, booking);
            ledger.changes += 1;
            true
        }
        Answer::Got(status, _, _) if *status < 500 => true,
        Answer::NotSent => false,
        // Booked or not: either is right, as long as it is whole.
        unsure => {
            ledger.detailed_holds.remove(&hold);
            let outcomes = HashSet::from([(start.clone(), false), (String::new(), false)]);
            ledger.bookings.insert(
                email,
                Booking {
                    token: None,
                    outcomes,
                    what: (treatment, provider),
                },
            );
            matches!(unsure, Answer::Got(..))
        }
    }
}

/// What the database keeps of a link's secret, hashed as the app hashes it.
fn hash(token: &str) -> Vec<u8> {
    Token::parse(token).expect("a link's secret").hash()
}

/// A booking as stored: start, status, link hash, times booked, confirmations waiting.
type StoredBooking = (DateTime<Utc>, String, Option<Vec<u8>>, i64, i64);

/// What must hold once the dust settles.
async fn check_invariants(pool: &PgPool, ledger: &Ledger) -> usize {
    let overlapping: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments a JOIN appointments b
           ON a.id < b.id AND a.provider_id = b.provider_id AND a.blocked && b.blocked
         WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
           AND NOT a.double_booked AND NOT b.double_booked",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(overlapping, 0, "no two active appointments overlap");

    let mut acknowledged = 0;
    for (
        email,
        Booking {
            token, outcomes, ..
        },
    ) in &ledger.bookings
    {
        let rows: Vec<StoredBooking> = sqlx::query_as(
            "SELECT lower(a.period), a.status::text, a.access_token_hash,
                    (SELECT count(*) FROM appointment_changes c
                     WHERE c.appointment_id = a.id AND c.change = 'booked'),
                    (SELECT count(*) FROM outbox_messages m
                     WHERE m.kind = 'booking_confirmed' AND m.recipient = p.email)
             FROM appointments a JOIN patients p ON p.id = a.patient_id
             WHERE p.email = $1",
        )
        .bind(email)
        .fetch_all(pool)
        .await
        .unwrap();
        let maybe_never_booked = outcomes.contains(&(String::new(), false));
        let Some((start, status, token_hash, booked, confirmations)) = rows.first() else {
            assert!(maybe_never_booked, "an acknowledged booking is missing");
            continue;
        };
        assert_eq!(rows.len(), 1, "one booking per patient, not two");
        let now = (start.to_rfc3339(), status == "cancelled");
        assert!(
            outcomes.contains(&now),
            "booking is {now:?}, acknowledged as one of {outcomes:?}"
        );
        if let Some(token) = token {
            assert_eq!(
                token_hash.as_deref(),
                Some(&hash(token)[..]),
                "its link still works"
            );
        }
        assert_eq!(*booked, 1, "its history says it was booked, once");
        assert_eq!(*confirmations, 1, "its confirmation waits to go, once");
        if !maybe_never_booked {
            acknowledged += 1;
        }
    }

    // A hold whose details were acknowledged still has them (or went on to be a booking).
    for (hold, email) in &ledger.detailed_holds {
        let kept: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT status::text, draft->>'email' FROM appointments WHERE access_token_hash = $1",
        )
        .bind(hash(hold))
        .fetch_optional(pool)
        .await
        .unwrap();
        if let Some((status, typed)) = kept {
            if status == "held" {
                assert_eq!(
                    typed.as_deref(),
                    Some(email.as_str()),
                    "a hold lost its details"
                );
            }
        }
    }

    // Nothing half-written: every booking has its patient and its history.
    let orphans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE p.email LIKE 'patient-%@example.com'
           AND NOT EXISTS (SELECT 1 FROM appointment_changes c
                           WHERE c.appointment_id = a.id AND c.change = 'booked')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(orphans, 0, "a booking without its history");
    let guests_without_booking: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM patients p WHERE p.booked_as_guest
           AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = p.id)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        guests_without_booking, 0,
        "a guest record without its booking"
    );

    assert!(
        matches!(audit::verify(pool).await.unwrap(), Verdict::Intact { .. }),
        "the audit chain verifies"
    );
    acknowledged
}

fn scratch(name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("lumen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The server behind a trusted proxy (the visitors' addresses come forwarded).
fn serve(url: &str, data: &PathBuf, port: u16) -> Server {
    start_on(url, data, port, &[("LUMEN_TRUSTED_PROXIES", "127.0.0.1")])
}

fn load(port: u16, ledger: &Arc<Mutex<Ledger>>, round: u64) -> Vec<tokio::task::JoinHandle<()>> {
    (0..WORKERS as u64)
        .map(|worker| {
            tokio::spawn(patients(
                Browser::new(port, &ledger.lock().unwrap().answers),
                ledger.clone(),
                round * 100 + worker,
            ))
        })
        .collect()
}

fn report(what: &str, ledger: &Ledger, acknowledged: usize) {
    println!(
        "{what}: {} changes acknowledged, {acknowledged} bookings checked against them; answers {:?}, {} unanswered",
        ledger.changes,
        ledger.answers.lock().unwrap(),
        ledger.unanswered
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_hundred_kills_lose_no_acknowledged_booking(pool: PgPool) {
    crate::common::seeded(&pool).await;
    let url = crate::crash::database_url(&pool);
    let data = scratch("kills");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut rng = Dice::new(13);
    for round in 0..100u64 {
        let port = free_port();
        let mut server = serve(&url, &data, port);
        until_ready(port).await;
        if round == 0 {
            let browser = Browser::new(port, &Answers::default());
            let slots = free_times(&browser, &free_days(&browser).await).await;
            assert!(slots.len() > 500, "{} free times", slots.len());
            ledger.lock().unwrap().slots = slots;
        }
        let workers = load(port, &ledger, round);
        tokio::time::sleep(Duration::from_millis(rng.roll(200..900))).await;
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        for worker in workers {
            worker.await.unwrap();
        }
    }
    // It starts once more, on what the kills left.
    let port = free_port();
    let _server = serve(&url, &data, port);
    until_ready(port).await;
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let acknowledged = check_invariants(&pool, &ledger).await;
    report("100 kills", &ledger, acknowledged);
    assert!(
        ledger.changes >= 60 && acknowledged >= 20,
        "the load booked too little to prove anything"
    );
    let in_flight = ledger
        .bookings
        .values()
        .filter(|booking| booking.outcomes.len() > 1)
        .count();
    println!("{in_flight} changes were in flight when a kill fell");
    assert!(in_flight > 0, "no kill fell in the middle of a change");
    let failed: Vec<String> = ledger
        .answers
        .lock()
        .unwrap()
        .keys()
        .filter(|answer| answer.ends_with(" 500"))
        .cloned()
        .collect();
    assert!(failed.is_empty(), "no request failed: {failed:?}");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn a_database_restart_under_load_is_unavailable_meanwhile_and_loses_nothing() {
    use lumen::postgres::{EmbeddedOptions, EmbeddedPostgres};
    let dir = scratch("pg-restart");
    let options = EmbeddedOptions {
        data_dir: dir.join("postgres"),
        bin_dir: None,
        run_as_when_root: "postgres".into(),
        fsync: true,
    };
    let postgres = EmbeddedPostgres::start(&options, "lumen").await.unwrap();
    let url = postgres.url("lumen");
    let port = free_port();
    let server = serve(&url, &dir.join("data"), port);
    until_ready(port).await;
    let browser = Browser::new(port, &Answers::default());
    let ledger = Arc::new(Mutex::new(Ledger {
        slots: free_times(&browser, &free_days(&browser).await).await,
        ..Ledger::default()
    }));
    let ready = || async {
        reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    assert_eq!(ready().await, 200);

    let workers = load(port, &ledger, 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    postgres.stop().await.unwrap();
    // Meanwhile: not ready, and it says so promptly.
    let mut unready = false;
    for _ in 0..50 {
        if ready().await == 503 {
            unready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(unready, "/readyz answered 503 while the database was away");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let postgres = EmbeddedPostgres::start(&options, "lumen").await.unwrap();
    // It recovers on its own.
    let mut recovered = false;
    for _ in 0..300 {
        if ready().await == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "/readyz is 200 again once the database is back");
    // Bookings go on after it.
    let before = ledger.lock().unwrap().bookings.len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(server); // killed: the patients stop
    for worker in workers {
        worker.await.unwrap();
    }
    let pool = PgPool::connect(&url).await.unwrap();
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(
        ledger.bookings.len() > before,
        "booking resumed after the restart"
    );
    let acknowledged = check_invariants(&pool, &ledger).await;
    report("database restart", &ledger, acknowledged);
    let failures: Vec<String> = ledger
        .answers
        .lock()
        .unwrap()
        .keys()
        .filter(|answer| {
            let status: u16 = answer.rsplit(' ').next().unwrap().parse().unwrap();
            status >= 500 && status != 503
        })
        .cloned()
        .collect();
    assert!(
        failures.is_empty(),
        "only 503 while the database was away: {failures:?}"
    );
    pool.close().await;
    postgres.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
