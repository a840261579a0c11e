// Load runs against a running release build (scripts/bench starts one): availability over
// HTTP, and 50 patients pressing the same free time at once. Usage:
//   node scripts/load.mjs http://127.0.0.1:3400
import autocannon from "autocannon";

const base = process.argv[2] ?? "http://127.0.0.1:3400";
const headers = {
  "content-type": "application/x-www-form-urlencoded",
  accept: "application/json",
};

async function run(title, options) {
  const result = await autocannon({ ...options, headers });
  const l = result.latency;
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${count} × ${code}`)
    .join(", ");
  console.log(
    `${title}: ${result.requests.total} requests (${statuses}); latency p50 ${l.p50} ms, ` +
      `p90 ${l.p90} ms, p97.5 ${l.p97_5} ms, p99 ${l.p99} ms, max ${l.max} ms`,
  );
  return result;
}

// The picker asks for five weeks of free times: the question every booking starts with.
await run("availability: five weeks of Mole and skin check, any provider, 10 at a time for 20 s", {
  url: `${base}/api/booking/picker`,
  method: "POST",
  body: "treatment=mole-check",
  connections: 10,
  duration: 20,
});

const picker = await (
  await fetch(`${base}/api/booking/picker`, { method: "POST", headers, body: "treatment=hydrafacial" })
).json();
const slot = picker.slots[0];
const race = new URLSearchParams({
  treatment: "hydrafacial",
  provider: slot.provider_id,
  start: slot.start,
  hold: "",
}).toString();
await run(`50 patients press ${slot.label} at once`, {
  url: `${base}/api/booking/hold`,
  method: "POST",
  body: race,
  connections: 50,
  amount: 50,
});
