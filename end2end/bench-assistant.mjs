// The built-in assistant over HTTP against the release build: patients each in their own
// conversation (and from their own address, as a proxy would forward it) ask a day's mix
// of questions through the form's server function, one patient at a time and eight at once.
// Each answer is read from the clinic's content as the database has it, screened, and
// stored with the question. Prints p50/p99 latency and answers per second (BENCHMARKS.md).
//
//   LUMEN_URL=http://127.0.0.1:3400 node end2end/bench-assistant.mjs
const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const QUESTIONS = [
  "How much is a HydraFacial?",
  "what's the downtime after lip filler",
  "Who does the HydraFacial?",
  "Are you open on Saturday?",
  "I'd like to book a HydraFacial on Friday",
  "Can I cancel my appointment?",
  "my lip has gone white and blotchy since my filler",
  "how many units of botox do I need",
  "Is there parking near the clinic?",
  "What is the meaning of life?",
];

async function ask(patient, message) {
  const started = process.hrtime.bigint();
  const response = await fetch(`${base}/api/assistant/ask`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      origin: base,
      "x-forwarded-for": patient.address,
      ...(patient.cookie ? { cookie: patient.cookie } : {}),
    },
    body: new URLSearchParams({ message }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${message}: ${response.status}`);
  patient.cookie ??= response.headers.getSetCookie().find((c) => c.startsWith("lumen_chat="))?.split(";")[0];
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// 30 questions each: under the 40 an address may ask in ten minutes.
async function run(patients, label) {
  const latencies = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: patients }, async (_, p) => {
      const patient = { address: `198.51.100.${(run.next = (run.next ?? 0) + 1)}` };
      for (let n = 0; n < 30; n++) latencies.push(await ask(patient, QUESTIONS[(n + p) % QUESTIONS.length]));
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(
    `${label.padEnd(24)} ${latencies.length} answers  p50 ${at(0.5).toFixed(2)} ms  p99 ${at(0.99).toFixed(2)} ms  ${(latencies.length / seconds).toFixed(0)} answers/s`,
  );
}

await run(1, "one patient at a time");
await run(8, "eight patients at once");
