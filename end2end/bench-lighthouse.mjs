// Lighthouse (mobile, simulated throttling) on home, a treatment, a case and the booking
// picker: performance score, LCP, CLS, TBT and the bytes transferred (BENCHMARKS.md). The
// target is a score of 95 or more and no layout shift on each.
//
//   LUMEN_URL=http://127.0.0.1:3400 node end2end/bench-lighthouse.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3000";
const pages = [
  ["home", "/"],
  ["treatment", "/treatments/lip-enhancement"],
  ["case", "/cases/lips-2"],
  ["booking picker", "/book?treatment=lip-enhancement"],
];
const dir = mkdtempSync(join(tmpdir(), "lumen-lighthouse-"));

for (const [kind, path] of pages) {
  const out = join(dir, `${kind.replace(" ", "-")}.json`);
  execFileSync(
    "npx",
    ["-y", "lighthouse@12", base + path, "--quiet", "--only-categories=performance", "--form-factor=mobile",
      "--output=json", `--output-path=${out}`, "--chrome-flags=--headless --no-sandbox"],
    { stdio: "inherit", env: { ...process.env, CHROME_PATH: "/usr/bin/chromium" } },
  );
  const report = JSON.parse(readFileSync(out, "utf8"));
  const audit = (id) => report.audits[id].numericValue;
  console.log(
    `${kind.padEnd(15)} score ${Math.round(report.categories.performance.score * 100)}, ` +
      `LCP ${(audit("largest-contentful-paint") / 1000).toFixed(2)} s, CLS ${audit("cumulative-layout-shift").toFixed(3)}, ` +
      `TBT ${Math.round(audit("total-blocking-time"))} ms, transferred ${(audit("total-byte-weight") / 1024).toFixed(0)} KB`,
  );
}
