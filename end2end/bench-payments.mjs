// Payments through the local Stripe stand-in, against a running Lumen (scripts/bench
// starts the release build with the stand-in's keys): `node end2end/bench-payments.mjs`.
//   1. Booking to payment confirmed: BOOKINGS deposits, one after another, each from
//      pressing Confirm (Lumen opens a Checkout Session at the stand-in) through paying
//      there (the stand-in sends its signed webhook to Lumen before sending the patient
//      back) to the return page reading "You're booked".
//   2. Webhooks under load: 50 paid checkouts whose events the stand-in held back, then
//      delivered to Lumen all at once, each signed as Stripe signs it; each confirms its
//      booking. Then one more event delivered 50 times at once: one confirmation.
// LUMEN_URL is the server, STRIPE_URL the stand-in, WEBHOOK_SECRET its signing secret,
// DATABASE_URL Lumen's database (psql sets the clinic's deposit and counts the results).
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const stripe = process.env.STRIPE_URL;
const secret = process.env.WEBHOOK_SECRET;
const database = process.env.DATABASE_URL;
if (!stripe || !secret || !database) throw new Error("STRIPE_URL, WEBHOOK_SECRET and DATABASE_URL are needed");
const BOOKINGS = Number(process.env.BOOKINGS ?? 50);
const CONCURRENT = 50;

// As a page of the site posts: the server refuses writes that do not say where they come from.
const baseHeaders = { "content-type": "application/x-www-form-urlencoded", accept: "application/json", origin: base };
// Each request as a different visitor behind the proxy the benchmark server trusts
// (LUMEN_TRUSTED_PROXIES=127.0.0.1): the per-address limits measure nothing here.
let visitors = 0;
const visitor = () => { visitors += 1; return `10.${(visitors >> 16) & 255}.${(visitors >> 8) & 255}.${visitors & 255}`; };
const headers = () => ({ ...baseHeaders, "x-forwarded-for": visitor() });
const post = (url, fields) =>
  fetch(url, {
    method: "POST", headers: headers(), body: new URLSearchParams(fields).toString(), redirect: "manual",
    signal: AbortSignal.timeout(15000),
  });
const api = (endpoint, fields) => post(`${base}/api/${endpoint}`, fields);
const sql = query => execFileSync("psql", [database, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", query], { encoding: "utf8" }).trim();
const percentile = (sorted, q) => sorted[Math.floor(q * (sorted.length - 1))];
const line = (title, values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${title}: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`;
};

// The clinic takes a £20 deposit through Stripe for the treatments booked here.
const TREATMENTS = ["mole-check", "dermatology-consultation", "hydrafacial"];
sql(`UPDATE clinics SET payment_processor = 'stripe'`);
sql(`UPDATE treatments SET payment_rule = 'deposit', deposit_minor = 2000, deposit_percent = 0
     WHERE slug IN (${TREATMENTS.map(t => `'${t}'`).join(", ")})`);

// Holds the treatment's next free time and fills in the details: the hold's token.
const bookingDay = new Map();
async function hold(email, treatment) {
  for (let days = 0; days < 60; days++) {
    const day = bookingDay.get(treatment);
    const picker = await (await api("booking/picker", day ? { treatment, day } : { treatment })).json();
    for (const slot of picker.slots) {
      const held = await api("booking/hold", { treatment, provider: slot.provider_id, start: slot.start, hold: "" });
      await held.text();
      const location = held.headers.get("location") ?? "";
      if (!location.startsWith("/book/details?hold=")) continue; // taken meanwhile: the next one
      const token = location.slice("/book/details?hold=".length, "/book/details?hold=".length + 64);
      const details = await api("booking/details", {
        hold: token, "details[first_name]": "Bench", "details[last_name]": "Payer", "details[email]": email,
        "details[phone]": "07700 900123", "details[notes]": "", "details[mode]": "in_person",
      });
      await details.text();
      return token;
    }
    const next = picker.days.find(d => d.free && d.date > picker.day)?.date ?? picker.later;
    if (!next) break;
    bookingDay.set(treatment, next);
  }
  throw new Error("no free time left to book");
}

// Confirms the hold: where Lumen sends the patient to pay.
async function confirm(token) {
  const confirmed = await api("booking/confirm", { hold: token });
  await confirmed.text();
  const checkout = confirmed.headers.get("location") ?? "";
  if (!checkout.startsWith(`${stripe}/pay/`)) throw new Error(`confirm answered ${confirmed.status} → ${checkout}`);
  return checkout;
}

// Pays at the stand-in's checkout page: where it sends the patient back.
async function pay(checkout) {
  const paid = await post(checkout, { card: "4242424242424242" });
  await paid.text();
  if (paid.status !== 303) throw new Error(`the checkout answered ${paid.status}`);
  return paid.headers.get("location");
}

const stamp = Date.now();
{
  const opening = [], paying = [], returning = [], total = [];
  for (let i = 1; i <= BOOKINGS; i++) {
    const token = await hold(`bench-pay-${stamp}-${i}@example.com`, TREATMENTS[i % TREATMENTS.length]);
    const t0 = performance.now();
    const checkout = await confirm(token);
    const t1 = performance.now();
    const back = await pay(checkout);
    const t2 = performance.now();
    const page = await (await fetch(back, { signal: AbortSignal.timeout(15000) })).text();
    const t3 = performance.now();
    if (!page.includes("booked")) throw new Error(`the return page does not say booked: ${back}`);
    opening.push(t1 - t0); paying.push(t2 - t1); returning.push(t3 - t2); total.push(t3 - t0);
  }
  console.log(`booking to payment confirmed, ${BOOKINGS} deposits one after another:`);
  console.log(`  ${line("Confirm → Checkout Session opened at the stand-in", opening)}`);
  console.log(`  ${line("Pay → webhook handled by Lumen → patient sent back", paying)}`);
  console.log(`  ${line("the return page, booked", returning)}`);
  console.log(`  ${line("in all (without the patient's own time)", total)}`);
}

// Signed as Stripe signs: `t=<now>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
function signed(event) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { body, signature: `t=${t},v1=${v1}` };
}
async function deliver({ body, signature }) {
  const t = performance.now();
  const answer = await fetch(`${base}/webhooks/stripe`, {
    method: "POST", body, headers: { "content-type": "application/json", "stripe-signature": signature },
    signal: AbortSignal.timeout(30000),
  });
  await answer.text();
  return { status: answer.status, ms: performance.now() - t };
}
const confirmedCount = prefix =>
  Number(sql(`SELECT count(*) FROM outbox_messages WHERE kind = 'booking_confirmed' AND recipient LIKE '${prefix}%'`));

{
  await post(`${stripe}/_test/hold-events?on=1`, {});
  const known = new Set((await (await post(`${stripe}/_test/events`, {})).json()).map(e => e.id));
  const prefix = `bench-hook-${stamp}-`;
  for (let i = 0; i <= CONCURRENT; i++) {
    const token = await hold(`${prefix}${i}@example.com`, TREATMENTS[i % TREATMENTS.length]);
    await pay(await confirm(token));
  }
  const held = (await (await post(`${stripe}/_test/events`, {})).json())
    .filter(e => !known.has(e.id) && e.type === "checkout.session.completed");
  if (held.length !== CONCURRENT + 1) throw new Error(`${held.length} checkouts were held`);

  const start = performance.now();
  const answers = await Promise.all(held.slice(0, CONCURRENT).map(event => deliver(signed(event))));
  const secs = (performance.now() - start) / 1000;
  const ok = answers.filter(a => a.status === 200).length;
  console.log(`${CONCURRENT} different checkout.session.completed events at once, each confirming its booking: ${ok} × 200 in ${secs.toFixed(2)} s;`);
  console.log(`  ${line("each delivery", answers.map(a => a.ms))}`);
  if (ok !== CONCURRENT) throw new Error("every delivery should be answered 200");

  const again = signed(held[CONCURRENT]);
  const copies = await Promise.all(Array.from({ length: CONCURRENT }, () => deliver(again)));
  console.log(`the same event ${CONCURRENT} times at once: ${copies.filter(a => a.status === 200).length} × 200;`);
  console.log(`  ${line("each delivery", copies.map(a => a.ms))}`);
  const confirmations = confirmedCount(prefix);
  console.log(`  confirmations sent for the ${CONCURRENT + 1} bookings: ${confirmations} (one each)`);
  if (confirmations !== CONCURRENT + 1) throw new Error("each booking is confirmed exactly once");
  await post(`${stripe}/_test/hold-events?on=0`, {});
}

sql(`UPDATE clinics SET payment_processor = 'offline'`);
