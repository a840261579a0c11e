// The gallery's numbers against the release build (scripts/bench): a member of staff
// replaces a demo case's drawings with a 12-megapixel photo pair through the staff screen
// (timed from pressing Upload until both pictures' sizes are ready), then Lighthouse
// (mobile) loads that case's public page and reports its transfer, LCP and CLS.
// Needs LUMEN_URL; reports, asserts nothing about speed.
import { chromium } from "@playwright/test";
import { DEMO_PASSWORD, totp } from "./demo-staff.mjs";
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.env.LUMEN_URL ?? "http://127.0.0.1:3400";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const page = await browser.newPage({ baseURL: base });

// A 4000 × 3000 photo-like JPEG, drawn in the browser.
async function photo(hue) {
  const data = await page.evaluate((hue) => {
    const canvas = document.createElement("canvas");
    canvas.width = 4000;
    canvas.height = 3000;
    const g = canvas.getContext("2d");
    const gradient = g.createRadialGradient(2000, 1400, 200, 2000, 1500, 2600);
    gradient.addColorStop(0, `hsl(${hue}, 45%, 78%)`);
    gradient.addColorStop(1, `hsl(${hue + 20}, 35%, 45%)`);
    g.fillStyle = gradient;
    g.fillRect(0, 0, 4000, 3000);
    const grain = g.getImageData(0, 0, 4000, 3000);
    for (let i = 0; i < grain.data.length; i += 4) {
      const n = (Math.random() - 0.5) * 18;
      grain.data[i] += n; grain.data[i + 1] += n; grain.data[i + 2] += n;
    }
    g.putImageData(grain, 0, 0);
    return canvas.toDataURL("image/jpeg", 0.92).split(",")[1];
  }, hue);
  return Buffer.from(data, "base64");
}

await page.goto("/sign-in?next=/admin/gallery");
await page.locator("[data-hydrated=true]").waitFor({ state: "attached" });
await page.getByLabel("Email").fill("admin@juniper-clinic.example");
await page.getByLabel("Password").fill(DEMO_PASSWORD);
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByLabel("Code").fill(totp());
await page.getByRole("button", { name: "Continue" }).click();
await page.getByRole("link", { name: "Subtle hydration" }).click();
await page.getByRole("heading", { level: 1, name: "Subtle hydration" }).waitFor();
while (await page.getByRole("button", { name: "Remove this picture" }).count() > 0) {
  const before = await page.locator("[data-picture]").count();
  await page.getByRole("button", { name: "Remove this picture" }).first().click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-picture]").length < n, before);
}
const upload = page.locator('form[action="/api/admin/case_pictures"]');
const files = { before: await photo(15), after: await photo(25) };
const started = Date.now();
for (const kind of ["before", "after"]) {
  await upload.getByLabel("These pictures are").selectOption(kind);
  await upload.getByLabel(/Photos/).setInputFiles([{ name: `${kind}.jpg`, mimeType: "image/jpeg", buffer: files[kind] }]);
  await upload.getByRole("button", { name: "Upload" }).click();
  await upload.getByText(`${kind}.jpg — uploaded`).waitFor({ timeout: 60_000 });
}
const uploaded = Date.now();
await page.waitForFunction(() => {
  const states = [...document.querySelectorAll("[data-picture-state]")].map((e) => e.textContent);
  return states.length === 2 && states.every((s) => s === "Ready");
}, null, { timeout: 120_000, polling: 250 });
const ready = Date.now();
console.log(`2 × 12 MP JPEG (${(files.before.length / 1e6).toFixed(1)} + ${(files.after.length / 1e6).toFixed(1)} MB): uploaded in ${((uploaded - started) / 1000).toFixed(1)} s, every size ready ${((ready - started) / 1000).toFixed(1)} s after pressing Upload`);
await browser.close();

const out = join(mkdtempSync(join(tmpdir(), "lumen-lighthouse-")), "report.json");
execFileSync("npx", ["-y", "lighthouse@12", `${base}/cases/lips-2`, "--quiet", "--only-categories=performance",
  "--form-factor=mobile", "--output=json", `--output-path=${out}`,
  "--chrome-flags=--headless --no-sandbox"], { stdio: "inherit", env: { ...process.env, CHROME_PATH: "/usr/bin/chromium" } });
const report = JSON.parse(readFileSync(out, "utf8"));
const audits = report.audits;
const images = (audits["network-requests"].details.items ?? []).filter((r) => r.resourceType === "Image");
console.log(`case page (Lighthouse ${report.lighthouseVersion}, mobile): total transfer ${(audits["total-byte-weight"].numericValue / 1024).toFixed(0)} KB, LCP ${(audits["largest-contentful-paint"].numericValue / 1000).toFixed(2)} s, CLS ${audits["cumulative-layout-shift"].numericValue.toFixed(3)}, performance score ${Math.round(report.categories.performance.score * 100)}`);
for (const image of images) {
  console.log(`  image ${image.url.replace(base, "")}: ${(image.transferSize / 1024).toFixed(1)} KB`);
}
