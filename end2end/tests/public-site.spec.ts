import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the home page arrives complete from the server", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle(/Juniper Skin & Aesthetics/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Natural-looking results");
    await expect(page.getByRole("link", { name: /Anti-wrinkle treatment/ }).first()).toBeVisible();
    await expect(page.locator("#visit")).toContainText("14 Hanover Lane");
    const description = await page.locator('meta[name="description"]').getAttribute("content");
    expect(description).toContain("Juniper Skin & Aesthetics");
  });

  test("the raw HTML already holds the clinic and its treatments", async ({ request }) => {
    const html = await (await request.get("/")).text();
    expect(html).toContain("Juniper Skin &amp; Aesthetics");
    expect(html).toContain("HydraFacial");
    expect(html).toContain("Real results");
  });
});

test("after hydration, opening a treatment does not reload the page", async ({ page }) => {
  await page.goto("/treatments");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  // A full page load would wipe this marker; client-side navigation keeps it.
  await page.evaluate(() => ((window as unknown as { lumenMarker: string }).lumenMarker = "still here"));

  await page.getByRole("link", { name: /Lip enhancement/ }).click();

  await expect(page).toHaveURL(/\/treatments\/lip-enhancement$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lip enhancement");
  await expect(page).toHaveTitle(/^Lip enhancement — Juniper/);
  await expect(page.getByText("Dr Amara Okafor")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { lumenMarker?: string }).lumenMarker)).toBe("still here");
});

test("an unknown address shows the 404 page with a way on", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  await page.getByRole("link", { name: "See treatments" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Treatments and prices");
});

test("an unknown treatment is a 404, not an error", async ({ page }) => {
  const response = await page.goto("/treatments/no-such-treatment");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
});

test("a treatment page shows price, what booking asks, duration and the way to book", async ({ page }) => {
  await page.goto("/treatments/anti-wrinkle-three-areas");
  const facts = page.getByRole("complementary");
  await expect(facts).toContainText("30 min");
  await expect(facts).toContainText("£280");
  // The demo clinic takes no payments online.
  await expect(facts).toContainText("Nothing until your visit");
  await facts.getByRole("link", { name: /Book Anti-wrinkle/ }).click();
  await expect(page).toHaveURL(/\/book\?treatment=anti-wrinkle-three-areas/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book Anti-wrinkle treatment, three areas");
});

test("gallery images load and keep their space", async ({ page }) => {
  await page.goto("/");
  const images = page.locator("#results img");
  await expect(images.first()).toBeVisible();
  expect(await images.count()).toBeGreaterThanOrEqual(4);
  const first = images.first();
  await first.scrollIntoViewIfNeeded();
  await expect.poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await first.getAttribute("width")).toBe("480");
  expect(await first.getAttribute("height")).toBe("600");
});

test("the hashed WASM is served precompressed and cached for a year", async ({ page, request }) => {
  const wasmUrls: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasmUrls.push(new URL(r.url()).pathname);
  });
  await page.goto("/");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  expect(wasmUrls).toHaveLength(1);
  expect(wasmUrls[0]).toMatch(/^\/pkg\/lumen\.[\w-]+\.wasm$/);

  const response = await request.get(wasmUrls[0], { headers: { "accept-encoding": "br" } });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-encoding"]).toBe("br");
  expect(response.headers()["cache-control"]).toContain("immutable");
});

test("the main navigation names each place once, in the wide bar and the phone's menu", async ({ page }) => {
  await page.goto("/");
  const navigations = await page.getByRole("navigation", { name: "Main", includeHidden: true }).all();
  expect(navigations).toHaveLength(2);
  for (const navigation of navigations) {
    const names = (await navigation.getByRole("link", { includeHidden: true }).allTextContents()).map((name) => name.trim());
    expect(names).toContain("Results");
    expect(new Set(names).size).toBe(names.length);
  }
});

test("a visitor whose system asks for less motion gets no smooth scrolling and no transitions", async ({ page }) => {
  await page.goto("/");
  const scrolling = () => page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior);
  const bookLink = page.locator('header a[href="/book"]').first();
  const transition = () => bookLink.evaluate((link) => parseFloat(getComputedStyle(link).transitionDuration));
  expect(await scrolling()).toBe("smooth");
  expect(await transition()).toBeGreaterThan(0.1);
  await page.emulateMedia({ reducedMotion: "reduce" });
  expect(await scrolling()).toBe("auto");
  expect(await transition()).toBeLessThan(0.001);
});

test.describe("staff sign-in", () => {
  for (const javaScriptEnabled of [true, false]) {
    test(`a receptionist signs in and out ${javaScriptEnabled ? "with" : "without"} JavaScript`, async ({ browser }, testInfo) => {
      // Each run of this test signs the same person in: each uses its own recovery code.
      const code = DEMO_RECOVERY_CODES[(testInfo.project.name === "phone" ? 2 : 0) + (javaScriptEnabled ? 0 : 1)];
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto("/admin");
      await expect(page.getByRole("heading", { name: "Please sign in" })).toBeVisible();
      await page.getByRole("link", { name: "Sign in" }).last().click();
      await expect(page).toHaveURL(/\/sign-in\?next=\/admin/);
      if (javaScriptEnabled) await expect(page.locator("[data-hydrated=true]")).toBeAttached();

      await page.getByLabel("Email").fill("frontdesk@juniper-clinic.example");
      await page.getByLabel("Password").fill("wrong password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert")).toContainText("don't match an account");

      await signInAsStaff(page, "frontdesk@juniper-clinic.example", code);
      await expect(page).toHaveURL(/\/admin$/);
      await expect(page.locator("main").getByText("Staff area")).toBeVisible();
      await expect(page.getByRole("heading", { name: "Today's appointments" })).toBeVisible();

      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL(/\/$/);
      await page.goto("/admin");
      await expect(page.getByRole("heading", { name: "Please sign in" })).toBeVisible();
      await context.close();
    });
  }
});
