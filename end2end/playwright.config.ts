import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  mailDir,
  port,
  razorpayKeyId,
  razorpayKeySecret,
  razorpayPort,
  razorpayWebhookSecret,
  smtpPort,
  stripePort,
  stripeSecretKey,
  stripeWebhookSecret,
} from "./mail-dir";

// The browser tests run against the release build with its own built-in PostgreSQL in a
// fresh data directory, on a port of their own so a running demo is left alone.
const dataDir = process.env.LUMEN_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "lumen-e2e-"));
const root = resolve(__dirname, "..");
// The browser bundle is always the release one, as shipped. The server behind it defaults to
// the release build (`cargo leptos end-to-end --release --split`); scripts/test points this
// at the debug build the integration tests already made, which renders the same pages and
// saves building every dependency a third time.
const server = process.env.LUMEN_E2E_SERVER ?? `${root}/target/release/lumen`;
try {
  chmodSync(dataDir, 0o755);
} catch {
  // Created by the server itself when it does not exist yet.
}

export default defineConfig({
  testDir: "./tests",
  // Room for the debug server scripts/test runs these against, two browsers at a time on
  // two cores; each step's own wait (expect's five seconds) is unchanged.
  timeout: 60_000,
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    // The offline shell's worker is tested in offline.spec.ts only: elsewhere it would
    // answer requests from its cache that a test means to watch or hold back.
    serviceWorkers: "block",
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /razorpay\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Video visits: a generated camera picture and microphone tone, allowed without asking.
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
          ],
        },
      },
    },
    {
      name: "phone",
      testIgnore: /razorpay\.spec\.ts/,
      use: {
        ...devices["Pixel 7"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        },
      },
    },
    {
      // The clinic takes payments through Razorpay while this runs, so it waits until the
      // tests paying through Stripe are done.
      name: "razorpay",
      testMatch: /razorpay\.spec\.ts/,
      dependencies: ["chromium", "phone"],
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      },
    },
  ],
  // Email leaves for a real SMTP server (scripts/test-smtp-server) started beside the app,
  // and payments go to local stand-ins for Stripe and Razorpay (scripts/test-*-server),
  // which serve their checkout pages and send their webhooks back to the app.
  webServer: [
  {
    command: `${root}/scripts/test-stripe-server --port ${stripePort} --secret-key ${stripeSecretKey} --webhook-url http://127.0.0.1:${port}/webhooks/stripe --webhook-secret ${stripeWebhookSecret}`,
    port: stripePort,
    timeout: 20_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
  {
    command: `${root}/scripts/test-razorpay-server --port ${razorpayPort} --key-id ${razorpayKeyId} --key-secret ${razorpayKeySecret} --webhook-url http://127.0.0.1:${port}/webhooks/razorpay --webhook-secret ${razorpayWebhookSecret}`,
    port: razorpayPort,
    timeout: 20_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
  {
    command: `${root}/scripts/test-smtp-server ${mailDir} --fresh --port ${smtpPort}`,
    port: smtpPort,
    timeout: 20_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
  {
    command: `${server} serve`,
    cwd: root,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      LEPTOS_OUTPUT_NAME: "lumen",
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_HASH_FILES: "true",
      // Where cargo-leptos wrote the bundle's hashes, wherever the server binary lives.
      LEPTOS_HASH_FILE_NAME: `${root}/target/release/hash.txt`,
      LEPTOS_ENV: "PROD",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LUMEN_DATA_DIR: dataDir,
      LUMEN_PG_FSYNC: "false",
      LUMEN_SEED_DEMO: "true",
      // The webhook test's receiver listens on this machine.
      LUMEN_WEBHOOKS_ALLOW_PRIVATE: "true",
      RUST_LOG: "warn",
      LUMEN_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      LUMEN_EMAIL_FROM: "bookings@juniper-clinic.example",
      LUMEN_STRIPE_SECRET_KEY: stripeSecretKey,
      LUMEN_STRIPE_WEBHOOK_SECRETS: stripeWebhookSecret,
      LUMEN_STRIPE_API_URL: `http://127.0.0.1:${stripePort}`,
      LUMEN_RAZORPAY_KEY_ID: razorpayKeyId,
      LUMEN_RAZORPAY_KEY_SECRET: razorpayKeySecret,
      LUMEN_RAZORPAY_WEBHOOK_SECRETS: razorpayWebhookSecret,
      LUMEN_RAZORPAY_API_URL: `http://127.0.0.1:${razorpayPort}`,
    },
  },
  ],
});
