// Public pages and static files under 32 keep-alive connections, each beside the ceiling:
// `/healthz`, the smallest answer the same server gives, measured the same way in the same
// run. Prints requests per second and p50/p99 latency for each address (BENCHMARKS.md).
//
//   LUMEN_URL=http://127.0.0.1:3400 node end2end/bench-pages.mjs
import http from "node:http";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const connections = Number(process.env.CONNECTIONS ?? 32);
const seconds = Number(process.env.SECONDS ?? 5);

function get(agent, path) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const request = http.get(base + path, { agent }, (response) => {
      response.on("data", () => {});
      response.on("end", () => {
        if (response.statusCode !== 200) reject(new Error(`${path}: ${response.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    request.on("error", reject);
  });
}

async function measure(path) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  // Warm the connections and whatever the server keeps.
  await Promise.all(Array.from({ length: connections }, () => get(agent, path)));
  const latencies = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) latencies.push(await get(agent, path));
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { path, perSecond: Math.round(latencies.length / seconds), p50: at(0.5), p99: at(0.99) };
}

// The addresses: found from the home page, so the hashed file names and a real case are used.
const home = await (await fetch(base + "/")).text();
const stylesheet = home.match(/href="(\/pkg\/[^"]+\.css)"/)?.[1];
const gallery = await (await fetch(base + "/gallery")).text();
const aCase = gallery.match(/href="(\/cases\/[^"?#]+)"/)?.[1];
const paths = ["/healthz", stylesheet, "/", "/treatments/mole-check", "/gallery", aCase].filter(Boolean);

console.log(`${connections} keep-alive connections, ${seconds} s each`);
let ceiling;
for (const path of paths) {
  const result = await measure(path);
  ceiling ??= result.perSecond;
  const share = ((100 * result.perSecond) / ceiling).toFixed(1);
  console.log(
    `${path.padEnd(48)} ${String(result.perSecond).padStart(7)} req/s (${share.padStart(5)}% of /healthz)  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms`,
  );
}
