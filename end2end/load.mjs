// A bounded load run against a running Lumen (normally the release build from
// scripts/demo): `node end2end/load.mjs`; LUMEN_URL, REQUESTS and CONCURRENCY adjust it.
// It only ever targets the URL given, which should be on this machine.
// Bounded load on loopback: N requests, C at a time, each with a 10 s timeout.
const paths = ["/", "/treatments", "/treatments/lip-enhancement", "/book", "/no-such-page"];
const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const N = Number(process.env.REQUESTS ?? 3000), C = Number(process.env.CONCURRENCY ?? 32);
let done = 0, failed = 0, timeouts = 0, i = 0;
const latencies = [];
async function worker() {
  while (i < N) {
    const path = paths[i++ % paths.length];
    const t = performance.now();
    try {
      const r = await fetch(base + path, { signal: AbortSignal.timeout(10000) });
      await r.text();
      if (r.status !== 200 && !(path === "/no-such-page" && r.status === 404)) failed++;
    } catch (e) { e.name === "TimeoutError" ? timeouts++ : failed++; }
    latencies.push(performance.now() - t); done++;
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: C }, worker));
const secs = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const p = q => latencies[Math.floor(q * (latencies.length - 1))].toFixed(1);
console.log(`${done} requests, ${C} concurrent, ${secs.toFixed(1)} s, ${(done / secs).toFixed(0)} req/s; p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms; failed ${failed}, timed out ${timeouts}`);
