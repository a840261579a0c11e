// Live updates against the release build (scripts/bench live): 200 staff tabs (one front
// desk session, as a busy clinic's screens would be) hold /api/live open; an appointment
// is changed in the database 20 times, 250 ms apart, and each tab's arrival of its event is
// timed from the moment the change was sent to PostgreSQL (commit, NOTIFY, the server's one
// listener, the fan-out, the HTTP stream). Prints p50/p99/max over every tab and change.
// Needs LUMEN_URL and LUMEN_DATA_DIR (the server's data directory); reports, asserts nothing.
import http from "node:http";
import { spawn } from "node:child_process";
import { DEMO_PASSWORD, totp } from "./demo-staff.mjs";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3400";
const database = `postgresql://lumen@localhost:5432/lumen?host=${process.env.LUMEN_DATA_DIR}/postgres`;
const TABS = Number(process.env.TABS ?? 200);
const CHANGES = 20;

/** The cookie pair a response sets. */
function cookieOf(response) {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.includes("session"));
}

async function post(path, body, cookie) {
  return fetch(`${base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: base,
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(body),
  });
}

const signedIn = await post("/api/sign_in", { email: "frontdesk@juniper-clinic.example", password: DEMO_PASSWORD });
const pending = cookieOf(signedIn);
const verified = await post("/api/second_factor/verify", { code: totp() }, pending);
const cookie = cookieOf(verified) ?? pending;
if (!verified.ok && verified.status !== 302 && verified.status !== 303) {
  throw new Error(`second factor refused: ${verified.status} ${await verified.text()}`);
}

// One psql for the whole run: starting a process per change would be most of the time.
const psql = spawn("psql", ["-qAtX", database], { stdio: ["pipe", "pipe", "inherit"] });
const appointment = await new Promise((done) => {
  psql.stdout.once("data", (data) => done(data.toString().trim()));
  psql.stdin.write("SELECT id FROM appointments WHERE status = 'confirmed' ORDER BY lower(period) DESC LIMIT 1;\n");
});

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const latencies = [];
let sentAt = 0;
let expecting = 0;
const opened = [];
for (let tab = 0; tab < TABS; tab++) {
  opened.push(
    new Promise((ready, fail) => {
      const request = http.get(`${base}/api/live`, { agent, headers: { cookie, accept: "text/event-stream" } }, (response) => {
        if (response.statusCode !== 200) return fail(new Error(`tab ${tab}: ${response.statusCode}`));
        ready();
        let unread = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          unread += chunk;
          let end;
          while ((end = unread.indexOf("\n\n")) >= 0) {
            const block = unread.slice(0, end);
            unread = unread.slice(end + 2);
            if (block.includes("event: appointment") && block.includes(appointment) && expecting > 0) {
              latencies.push(performance.now() - sentAt);
              expecting -= 1;
            }
          }
        });
      });
      request.on("error", fail);
    }),
  );
}
await Promise.all(opened);
await new Promise((r) => setTimeout(r, 500));

for (let change = 0; change < CHANGES; change++) {
  expecting = TABS;
  sentAt = performance.now();
  psql.stdin.write(`UPDATE appointments SET notes = notes WHERE id = '${appointment}';\n`);
  await new Promise((r) => setTimeout(r, 250));
}
psql.stdin.end();
agent.destroy();

const sorted = [...latencies].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(
  `${TABS} tabs × ${CHANGES} changes: ${sorted.length} events received of ${TABS * CHANGES}; ` +
    `change sent → event at a tab: p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`,
);
process.exit(0);
