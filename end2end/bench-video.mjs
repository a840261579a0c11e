// Video visits against the release build (scripts/bench video): a patient (by the booking's
// link) and Dr Okafor (signed in) join a visit in two Chromium contexts with the fake camera
// and microphone; timed from pressing "Let the patient in" until both pages say connected,
// on loopback, five calls. Also counts the signaling messages each call needed (every one
// a browser sent over its socket; the server relays each to the other side).
// Needs LUMEN_URL and LUMEN_DATA_DIR (the server's data directory, to write the visits);
// reports, asserts nothing about speed.
import { chromium } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { DEMO_PASSWORD, totp } from "./demo-staff.mjs";
import { execFileSync } from "node:child_process";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3400";
const database = `postgresql://lumen@localhost:5432/lumen?host=${process.env.LUMEN_DATA_DIR}/postgres`;
const CALLS = 5;

function sql(statement) {
  return execFileSync("psql", ["-qAtX", "-v", "ON_ERROR_STOP=1", database, "-c", statement]).toString().trim();
}

// A video visit with Dr Okafor (through a hidden provider entry of its own, so nothing is in
// its way) starting in five minutes, booked for Isla, opened by `link`.
function visit(link, n) {
  return sql(`
    WITH p AS (
      INSERT INTO providers (clinic_id, user_id, slug, display_name, title, active)
      SELECT u.clinic_id, u.id, 'video-bench-${Date.now()}-${n}', 'Dr Amara Okafor', 'Medical director', false
      FROM users u WHERE u.email = 'amara@juniper-clinic.example'
      RETURNING id, clinic_id)
    INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id,
                              mode, status, period, access_token_hash)
    SELECT p.clinic_id, l.id, p.id, t.id, pa.id, 'video', 'confirmed',
           tstzrange(now() + interval '5 minutes', now() + interval '35 minutes'),
           sha256('${link}'::bytea)
    FROM p
    JOIN locations l ON l.clinic_id = p.clinic_id
    JOIN treatments t ON t.clinic_id = p.clinic_id AND t.slug = 'aesthetic-consultation'
    JOIN patients pa ON pa.clinic_id = p.clinic_id
    JOIN users u ON u.id = pa.user_id AND u.email = 'isla.morrison@example.com'
    ORDER BY l.position LIMIT 1
    RETURNING id`);
}

// Counts what the page sends over any WebSocket.
const countSends = () => {
  window.__signals = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__signals += 1;
    return send.call(this, data);
  };
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
});
const media = { baseURL: base, permissions: ["camera", "microphone"] };
const clinicianContext = await browser.newContext(media);
await clinicianContext.addInitScript(countSends);
const clinician = await clinicianContext.newPage();
await clinician.goto("/sign-in?next=/admin");
await clinician.locator("[data-hydrated=true]").waitFor({ state: "attached" });
await clinician.getByLabel("Email").fill("amara@juniper-clinic.example");
await clinician.getByLabel("Password").fill(DEMO_PASSWORD);
await clinician.getByRole("button", { name: "Sign in" }).click();
await clinician.getByLabel("Code").fill(totp());
await clinician.getByRole("button", { name: "Continue" }).click();
await clinician.waitForURL(/\/admin/);

const connected = (page) =>
  page.waitForFunction(() => document.querySelector("[data-stage]")?.getAttribute("data-stage") === "connected", null, {
    polling: "raf",
    timeout: 30_000,
  });

const times = [];
const signals = [];
for (let n = 0; n < CALLS; n++) {
  const link = randomBytes(32).toString("hex");
  const id = visit(link, n);
  const patientContext = await browser.newContext(media);
  await patientContext.addInitScript(countSends);
  const patient = await patientContext.newPage();
  await patient.goto(`/booking/${link}/visit`);
  await patient.locator("[data-hydrated=true]").waitFor({ state: "attached" });
  await patient.getByRole("button", { name: "Join the visit" }).click();
  await patient.locator('[data-stage="waiting"]').waitFor();

  await clinician.goto(`/visits/${id}`);
  await clinician.locator("[data-hydrated=true]").waitFor({ state: "attached" });
  await clinician.getByRole("button", { name: "Join the visit" }).click();
  const admit = clinician.getByRole("button", { name: "Let the patient in" });
  await admit.waitFor();
  const before = (await clinician.evaluate(() => window.__signals)) + (await patient.evaluate(() => window.__signals));
  const started = performance.now();
  await admit.click();
  await Promise.all([connected(patient), connected(clinician)]);
  times.push(performance.now() - started);

  await clinician.getByRole("button", { name: "Hang up" }).click();
  await patient.locator('[data-stage="peerleft"]').waitFor();
  signals.push((await clinician.evaluate(() => window.__signals)) + (await patient.evaluate(() => window.__signals)) - before);
  await patientContext.close();
}
await browser.close();

const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`admit → both connected, ${CALLS} calls on loopback: median ${median.toFixed(0)} ms, ` +
  `fastest ${sorted[0].toFixed(0)} ms, slowest ${sorted.at(-1).toFixed(0)} ms`);
console.log(`signaling messages per call, from admit to hang-up (both sides): ${signals.join(", ")}`);
