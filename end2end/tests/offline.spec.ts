import { expect, test } from "@playwright/test";
import { signInAsIsla } from "./staff";

// The service worker is on for this file only (playwright.config.ts blocks it elsewhere, so
// no other test's requests pass through a worker's cache).
test.use({ serviceWorkers: "allow" });
// One browser is enough: the phone project runs the same Chromium.
test.skip(({ isMobile }) => isMobile, "the same worker on a phone");

const cacheNames = (page: import("@playwright/test").Page) =>
  page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith("lumen-")));

test("after a first visit the account and the clinic's details read offline, and booking says it needs a connection", async ({ page, context }) => {
  await signInAsIsla(page);
  const upcoming = page.getByRole("heading", { name: "Your upcoming appointments" }).locator("xpath=following-sibling::ul[1]/li");
  const firstAppointment = (await upcoming.first().innerText()).trim();
  expect(firstAppointment).toContain(" with ");

  // The worker takes over this tab once installed; the pages opened from then on are kept.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await page.reload();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await page.goto("/");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  expect(await cacheNames(page)).toHaveLength(1);

  await context.setOffline(true);
  await page.goto("/account");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, Isla Morrison");
  await expect(upcoming.first()).toBeVisible();
  expect((await upcoming.first().innerText()).trim()).toBe(firstAppointment);

  await page.goto("/");
  await expect(page.locator("footer")).toContainText("Juniper");
  await expect(page.locator("footer address").first()).toBeVisible();

  // A booking step is never served from a cache: the offline page says why, with the
  // clinic's number.
  await page.goto("/book?treatment=hydrafacial");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are offline");
  await expect(page.getByText("Booking a time, paying and signing in need a connection.")).toBeVisible();
  await expect(page.getByRole("link", { name: /^\+?[\d ]+$/ }).first()).toHaveAttribute("href", /^tel:/);
  // A page never opened before shows the same page, not the browser's error.
  await page.goto("/gallery");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are offline");

  // Signing out takes the kept pages (the account's among them) with the session.
  await context.setOffline(false);
  await page.goto("/account");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect
    .poll(() => page.evaluate(async () => (await caches.match("/account")) === undefined))
    .toBe(true);
});
