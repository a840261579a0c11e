// Booking under load, against a running Lumen (scripts/bench starts the release build):
// `node end2end/load-booking.mjs`; LUMEN_URL, REQUESTS and CONCURRENCY adjust the first
// run. It only ever targets the URL given, which should be on this machine.
//   1. Availability: the picker's question (five weeks of free times for a treatment,
//      any provider), REQUESTS times, CONCURRENCY at a time.
//   2. The race: 50 patients press the same free time at once; exactly one may get it.
const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const N = Number(process.env.REQUESTS ?? 2000), C = Number(process.env.CONCURRENCY ?? 10);
// As a page of the site posts: the server refuses writes that do not say where they come from.
const baseHeaders = { "content-type": "application/x-www-form-urlencoded", accept: "application/json", origin: base };
// Each request as a different visitor behind the proxy the benchmark server trusts
// (LUMEN_TRUSTED_PROXIES=127.0.0.1): the per-address limits measure nothing here.
let visitors = 0;
const visitor = () => { visitors += 1; return `10.${(visitors >> 16) & 255}.${(visitors >> 8) & 255}.${visitors & 255}`; };
const headers = () => ({ ...baseHeaders, "x-forwarded-for": visitor() });
const post = (endpoint, body) =>
  fetch(`${base}/api/${endpoint}`, { method: "POST", headers: headers(), body, signal: AbortSignal.timeout(10000) });

function summary(title, latencies, statuses, secs) {
  latencies.sort((a, b) => a - b);
  const p = q => latencies[Math.floor(q * (latencies.length - 1))].toFixed(1);
  const counts = Object.entries(statuses).map(([code, n]) => `${n} × ${code}`).join(", ");
  console.log(`${title}: ${latencies.length} requests in ${secs.toFixed(1)} s (${counts}); p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`);
}

async function timed(send, statuses, latencies) {
  const t = performance.now();
  try {
    const r = await send();
    await r.text();
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  } catch (e) {
    statuses[e.name] = (statuses[e.name] ?? 0) + 1;
  }
  latencies.push(performance.now() - t);
}

{
  const latencies = [], statuses = {};
  let i = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (i++ < N) await timed(() => post("booking/picker", "treatment=mole-check"), statuses, latencies);
  }));
  summary(`availability, ${C} at a time`, latencies, statuses, (performance.now() - start) / 1000);
}

{
  const picker = await (await post("booking/picker", "treatment=hydrafacial")).json();
  const slot = picker.slots[0];
  const body = new URLSearchParams({ treatment: "hydrafacial", provider: slot.provider_id, start: slot.start, hold: "" }).toString();
  const latencies = [], statuses = {};
  const start = performance.now();
  await Promise.all(Array.from({ length: 50 }, () => timed(() => post("booking/hold", body), statuses, latencies)));
  summary(`50 patients press ${slot.label} at once`, latencies, statuses, (performance.now() - start) / 1000);
  if (statuses[200] !== 1 || statuses[409] !== 49) {
    console.error("expected exactly one 200 and 49 × 409");
    process.exit(1);
  }
}
