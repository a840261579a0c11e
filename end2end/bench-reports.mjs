// Reports over a clinic with two years of history (scripts/bench reports): some 100,000
// appointments (six providers, every half hour of every day, 07:30 to 20:00, for 730 days,
// most attended, some no-shows and cancellations) and 30,000 deposits are written into
// the release build's database, then a clinic admin's report is timed over the whole two
// years, over the default four weeks, and as a CSV download of two years. Prints p50/p99
// per report; needs LUMEN_URL and LUMEN_DATA_DIR; reports, asserts nothing.
import { execFileSync } from "node:child_process";
import { DEMO_PASSWORD, totp } from "./demo-staff.mjs";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3400";
const database = `postgresql://lumen@localhost:5432/lumen?host=${process.env.LUMEN_DATA_DIR}/postgres`;
const RUNS = Number(process.env.RUNS ?? 20);

function sql(statement) {
  return execFileSync("psql", ["-qAtX", "-v", "ON_ERROR_STOP=1", database, "-c", statement]).toString().trim();
}

function cookieOf(response) {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.includes("session"));
}

async function post(path, body, cookie) {
  return fetch(`${base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base, accept: "application/json", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(body),
  });
}

let started = Date.now();
sql(`INSERT INTO patients (clinic_id, first_name, last_name, email, created_at)
     SELECT c.id, 'Bench', 'Patient ' || g, 'bench.' || g || '@example.com', now() - interval '3 years'
     FROM clinics c, generate_series(1, 5000) g`);
// Each provider's first treatment, 12 minutes long so that its buffers still fit the half
// hour; ON CONFLICT skips the few times the demo's own appointments already fill.
sql(`WITH bench AS (SELECT array_agg(id) AS ids FROM patients WHERE email LIKE 'bench.%@example.com')
     INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id, status, mode,
                               period, booked_at, created_at, status_changed_at)
     SELECT c.id, l.id, p.id, pt.treatment_id,
            bench.ids[1 + abs(hashtext(p.id::text || s::text)) % cardinality(bench.ids)],
            (CASE WHEN r < 0.70 THEN 'completed' WHEN r < 0.80 THEN 'no_show' WHEN r < 0.95 THEN 'cancelled' ELSE 'confirmed' END)::appointment_status,
            'in_person', tstzrange(s, s + interval '12 minutes'), s - interval '14 days', s - interval '14 days', s - interval '1 day'
     FROM bench, clinics c
     JOIN locations l ON l.clinic_id = c.id AND l.slug = 'new-town'
     JOIN providers p ON p.clinic_id = c.id
     JOIN LATERAL (SELECT treatment_id FROM provider_treatments WHERE provider_id = p.id ORDER BY treatment_id LIMIT 1) pt ON true
     CROSS JOIN LATERAL (SELECT (d::date + make_interval(mins => 450 + 30 * k)) AT TIME ZONE c.time_zone AS s, random() AS r
                         FROM generate_series(now() - interval '730 days', now() - interval '1 day', interval '1 day') d,
                              generate_series(0, 25) k) slots
     ON CONFLICT DO NOTHING`);
sql(`INSERT INTO payments (clinic_id, appointment_id, processor, amount_minor, currency, status, idempotency_key,
                           expires_at, paid_at, purpose)
     SELECT clinic_id, id, 'stripe', 5000, 'GBP', 'paid', 'bench-' || id, lower(period), lower(period) - interval '14 days', 'booking'
     FROM appointments WHERE status = 'completed' AND abs(hashtext(id::text)) % 100 < 43`);
sql("ANALYZE");
const count = sql("SELECT count(*) FROM appointments");
const paid = sql("SELECT count(*) FROM payments");
console.log(`wrote the history in ${((Date.now() - started) / 1000).toFixed(1)} s: ${count} appointments, ${paid} payments`);

const signedIn = await post("/api/sign_in", { email: "admin@juniper-clinic.example", password: DEMO_PASSWORD });
const pending = cookieOf(signedIn);
const verified = await post("/api/second_factor/verify", { code: totp() }, pending);
const cookie = cookieOf(verified) ?? pending;

const today = new Date();
const day = (offset) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const twoYears = { "filter[from]": day(-730), "filter[to]": day(-1) };

async function timed(label, request) {
  const times = [];
  for (let run = 0; run < RUNS + 2; run++) {
    const start = performance.now();
    const response = await request();
    const body = await response.text();
    if (!response.ok) throw new Error(`${label}: ${response.status} ${body.slice(0, 300)}`);
    if (run >= 2) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
  console.log(`${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${RUNS} runs after 2 warm-ups)`);
}

await timed("report, two years", () => post("/api/admin/reports", twoYears, cookie));
await timed("report, the last four weeks (the default)", () => post("/api/admin/reports", {}, cookie));
await timed("CSV by provider, two years", () =>
  fetch(`${base}/admin/reports/provider.csv?from=${day(-730)}&to=${day(-1)}`, { headers: { cookie } }));
await timed("weeks chart, two years", () =>
  fetch(`${base}/admin/reports/weeks.svg?from=${day(-730)}&to=${day(-1)}`, { headers: { cookie } }));
