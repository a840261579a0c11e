import { createHmac } from "node:crypto";
import { expect, type Page } from "@playwright/test";

// The demo clinic's staff share one authenticator key and so one set of recovery codes
// (README, "Demo sign-ins"). Each recovery code works once per person.
export const DEMO_PASSWORD = "juniper-demo-2026";
const DEMO_TOTP_KEY = "JUNIPERDEMOSTAFFSECRETKEY2345672";
export const DEMO_RECOVERY_CODES: string[] = [
  "xg5tu-dpqu5",
  "e2hzs-btu4e",
  "mwp6v-slkbd",
  "c4he4-myeff",
  "vrdkz-lvacr",
  "wonvf-spaxn",
  "ysmw5-p6poc",
  "ghci7-vdv4y",
  "gopyr-x6nke",
  "yn2ep-k4msw",
];

function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const ch of text) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The code an authenticator app shows now for the demo staff (RFC 6238). */
export function totpNow(): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const digest = createHmac("sha1", base32Decode(DEMO_TOTP_KEY)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

/**
 * Signs a member of staff in from the sign-in page: password, then the second step with
 * `code` (an authenticator code, or one of the recovery codes).
 */
export async function signInAsStaff(page: Page, email: string, code: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Signs the demo's first patient in and opens her account. */
export async function signInAsIsla(page: Page) {
  await page.goto("/sign-in?next=/account");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await page.getByLabel("Email").fill("isla.morrison@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, Isla Morrison");
}
