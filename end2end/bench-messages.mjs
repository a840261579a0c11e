// Messages leaving a running Lumen for a local SMTP server (scripts/bench starts the release
// build, sending to scripts/test-smtp-server, which records when it accepted each message):
//   node end2end/bench-messages.mjs one-worker   (one server process)
//     1. A booking's commit to the SMTP server accepting its confirmation: BOOKINGS
//        bookings through the booking pages' own requests, GAP_MS apart (a busy clinic's
//        pace many times over; back to back they would measure the worker's rate instead).
//     2. Messages handed over per second by one worker: BURST due messages queued at once.
//   node end2end/bench-messages.mjs two-workers  (a second server on the same database)
//     3. REMINDERS due reminders queued at once: time until the SMTP server has them all,
//        and each received exactly once.
// LUMEN_URL is the server, SMTP_DIR the SMTP server's output, DATABASE_URL its database
// (psql queues the bursts, as a busy morning's bookings would).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const smtpDir = process.env.SMTP_DIR;
const database = process.env.DATABASE_URL;
if (!smtpDir || !database) throw new Error("SMTP_DIR and DATABASE_URL are needed");
const BOOKINGS = Number(process.env.BOOKINGS ?? 100);
const GAP_MS = Number(process.env.GAP_MS ?? 250);
const BURST = Number(process.env.BURST ?? 2000);
const REMINDERS = Number(process.env.REMINDERS ?? 10000);

// As a page of the site posts: the server refuses writes that do not say where they come from.
const baseHeaders = { "content-type": "application/x-www-form-urlencoded", accept: "application/json", origin: base };
// Each request as a different visitor behind the proxy the benchmark server trusts
// (LUMEN_TRUSTED_PROXIES=127.0.0.1): the per-address limits measure nothing here.
let visitors = 0;
const visitor = () => { visitors += 1; return `10.${(visitors >> 16) & 255}.${(visitors >> 8) & 255}.${visitors & 255}`; };
const headers = () => ({ ...baseHeaders, "x-forwarded-for": visitor() });
const post = (endpoint, fields) =>
  fetch(`${base}/api/${endpoint}`, {
    method: "POST", headers: headers(), body: new URLSearchParams(fields).toString(), redirect: "manual",
    signal: AbortSignal.timeout(10000),
  });
const sql = query => execFileSync("psql", [database, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", query], { encoding: "utf8" }).trim();
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const percentile = (sorted, q) => sorted[Math.floor(q * (sorted.length - 1))];

// What the SMTP server has accepted so far: recipient → times accepted (Unix ms). Files are
// read once each: they are written whole (renamed into place) and never change.
const accepted = new Map();
const seen = new Set();
function readAccepted() {
  for (const name of readdirSync(smtpDir)) {
    if (!name.endsWith(".json") || seen.has(name)) continue;
    seen.add(name);
    const record = JSON.parse(readFileSync(join(smtpDir, name), "utf8"));
    for (const to of record.rcpt_tos) {
      if (!accepted.has(to)) accepted.set(to, []);
      accepted.get(to).push(record.accepted_at * 1000);
    }
  }
}
async function waitFor(recipients, limitSeconds) {
  const deadline = Date.now() + limitSeconds * 1000;
  for (;;) {
    readAccepted();
    const missing = recipients.filter(to => !accepted.has(to)).length;
    if (missing === 0) return;
    if (Date.now() > deadline) throw new Error(`${missing} of ${recipients.length} never arrived`);
    await sleep(50);
  }
}
function receivedOnce(recipients) {
  const twice = recipients.filter(to => accepted.get(to).length !== 1);
  if (twice.length > 0) throw new Error(`received more than once: ${twice.slice(0, 5).join(", ")}…`);
}
// A burst of due messages, queued in one statement, as the outbox stores them.
function queue(kind, prefix, count) {
  const clinic = sql("SELECT id FROM clinics ORDER BY created_at LIMIT 1");
  sql(`INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, subject, body, created_at, next_attempt_at)
       SELECT '${clinic}', 'email', '${kind}', '${prefix}' || n || '@example.com',
              'Reminder: your appointment ' || n,
              'Hello,' || chr(10) || chr(10) || repeat('A reminder of your appointment tomorrow at ten. ', 8) || n,
              now(), now()
       FROM generate_series(1, ${count}) AS n`);
  return Date.now();
}
const recipientsOf = (prefix, count) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}@example.com`);

// Bookings take turns among three treatments (one alone runs out of free times within
// the booking horizon), each at its first free time; the day each is booking up.
const TREATMENTS = ["mole-check", "dermatology-consultation", "hydrafacial"];
const bookingDay = new Map();
async function book(email, treatment) {
  for (let days = 0; days < 60; days++) {
    const day = bookingDay.get(treatment);
    const picker = await (await post("booking/picker", day ? { treatment, day } : { treatment })).json();
    for (const slot of picker.slots) {
      const held = await post("booking/hold", { treatment, provider: slot.provider_id, start: slot.start, hold: "" });
      await held.text();
      const location = held.headers.get("location") ?? "";
      if (!location.startsWith("/book/details?hold=")) continue; // taken meanwhile: the next one
      const hold = location.slice("/book/details?hold=".length, "/book/details?hold=".length + 64);
      const details = await post("booking/details", {
        hold, "details[first_name]": "Bench", "details[last_name]": "Patient", "details[email]": email,
        "details[phone]": "07700 900123", "details[notes]": "", "details[mode]": "in_person",
      });
      await details.text();
      const confirmed = await post("booking/confirm", { hold });
      await confirmed.text();
      if (!confirmed.ok) throw new Error(`confirm: ${confirmed.status}`);
      return Date.now();
    }
    // This day is full: the next one with free times.
    const next = picker.days.find(d => d.free && d.date > picker.day)?.date ?? picker.later;
    if (!next) break;
    bookingDay.set(treatment, next);
  }
  throw new Error("no free time left to book");
}

if (process.argv[2] === "one-worker") {
  const committed = new Map();
  const recipients = [];
  for (let i = 1; i <= BOOKINGS; i++) {
    const email = `bench-booking-${Date.now()}-${i}@example.com`;
    committed.set(email, await book(email, TREATMENTS[i % TREATMENTS.length]));
    recipients.push(email);
    await sleep(GAP_MS);
  }
  await waitFor(recipients, 120);
  const delays = recipients.map(to => Math.min(...accepted.get(to)) - committed.get(to)).sort((a, b) => a - b);
  console.log(`booking commit → SMTP accepted its confirmation: ${BOOKINGS} bookings ${GAP_MS} ms apart; p50 ${percentile(delays, 0.5).toFixed(0)} ms, p99 ${percentile(delays, 0.99).toFixed(0)} ms, max ${delays.at(-1).toFixed(0)} ms`);
  receivedOnce(recipients);

  const burst = recipientsOf("burst", BURST);
  const queued = queue("notice", "burst", BURST);
  await waitFor(burst, 600);
  receivedOnce(burst);
  const times = burst.map(to => accepted.get(to)[0]).sort((a, b) => a - b);
  const steady = (BURST - 1) / ((times.at(-1) - times[0]) / 1000);
  console.log(`one worker: ${BURST} due messages handed over in ${((times.at(-1) - queued) / 1000).toFixed(1)} s from queueing; ${steady.toFixed(0)} messages/s from the first to the last; each received once`);
} else if (process.argv[2] === "two-workers") {
  const reminders = recipientsOf("reminder", REMINDERS);
  const queued = queue("reminder", "reminder", REMINDERS);
  await waitFor(reminders, 1800);
  receivedOnce(reminders);
  const last = Math.max(...reminders.map(to => accepted.get(to)[0]));
  const sent = sql("SELECT count(*) FROM outbox_messages WHERE kind = 'reminder' AND recipient LIKE 'reminder%' AND status = 'sent'");
  console.log(`two workers: ${REMINDERS} due reminders handed over in ${((last - queued) / 1000).toFixed(1)} s (${(REMINDERS / ((last - queued) / 1000)).toFixed(0)}/s); the SMTP server received each exactly once; ${sent} recorded as sent`);
} else {
  throw new Error("say one-worker or two-workers");
}
