// The server's resident memory (RSS, from /proc) at rest, with 1,000 idle keep-alive
// connections open, and at its highest under 32 connections loading the public pages
// (served from memory) for 10 s (BENCHMARKS.md).
//
//   LUMEN_URL=http://127.0.0.1:3400 LUMEN_PID=<the server's pid> node end2end/bench-memory.mjs
import http from "node:http";
import { readFileSync } from "node:fs";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const pid = process.env.LUMEN_PID;
if (!pid) throw new Error("LUMEN_PID: the server's process id");
const idle = Number(process.env.IDLE ?? 1000);

/// Resident memory in MB.
function rss() {
  const kb = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)[1];
  return Number(kb) / 1024;
}

function get(agent, path) {
  return new Promise((resolve, reject) => {
    const request = http.get(base + path, { agent }, (response) => {
      response.on("data", () => {});
      response.on("end", () =>
        response.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${response.statusCode}`)),
      );
    });
    request.on("error", reject);
  });
}

const pages = ["/", "/treatments", "/treatments/mole-check", "/gallery"];
// Every page once, so what the server keeps is in place before "at rest".
const warm = new http.Agent({ keepAlive: true });
for (const page of pages) await get(warm, page);
warm.destroy();
await new Promise((r) => setTimeout(r, 500));
const atRest = rss();

// Each connection answers one request, then stays open and idle (keep-alive). The requests
// go at once, so that each opens a connection of its own.
const held = new http.Agent({ keepAlive: true, maxSockets: idle, maxFreeSockets: idle, timeout: 0 });
await Promise.all(Array.from({ length: idle }, () => get(held, "/healthz")));
await new Promise((r) => setTimeout(r, 1000));
const open = Object.values(held.freeSockets).reduce((n, list) => n + list.length, 0);
const withIdle = rss();

const load = new http.Agent({ keepAlive: true, maxSockets: 32 });
let highest = rss();
let requests = 0;
const until = Date.now() + 10_000;
const sampler = setInterval(() => (highest = Math.max(highest, rss())), 100);
await Promise.all(
  Array.from({ length: 32 }, async (_, n) => {
    for (let i = n; Date.now() < until; i++) {
      await get(load, pages[i % pages.length]);
      requests++;
    }
  }),
);
clearInterval(sampler);
load.destroy();
held.destroy();

console.log(`RSS at rest (every public page kept):        ${atRest.toFixed(1)} MB`);
console.log(`RSS with ${open} idle keep-alive connections:   ${withIdle.toFixed(1)} MB (+${(withIdle - atRest).toFixed(1)} MB)`);
console.log(`RSS at its highest under 32 connections (${Math.round(requests / 10)} req/s, 10 s): ${highest.toFixed(1)} MB`);
