import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";
import { emailTo } from "./mail";

// Each browser project pays for its own treatment (the projects share one server and its
// clinic): the desktop one with JavaScript, the phone one without, where every step is a
// plain form post and a full page, the checkout's redirects included.
const cases: Record<string, { slug: string; name: string; code: string; javaScript: boolean }> = {
  chromium: { slug: "skin-boosters", name: "Skin boosters", code: DEMO_RECOVERY_CODES[8], javaScript: true },
  phone: { slug: "laser-resurfacing", name: "Laser skin resurfacing", code: DEMO_RECOVERY_CODES[9], javaScript: false },
};

test("a patient pays a deposit at the checkout and is booked once it is paid", async ({ page, browser }, testInfo) => {
  // Staff set-up, then a whole booking through a second site: twice the usual time.
  test.setTimeout(60_000);
  const treatment = cases[testInfo.project.name];

  // The clinic takes payments through Stripe (the local stand-in the tests start), and this
  // treatment asks a £20 deposit; every other treatment still asks nothing online.
  await page.goto("/sign-in?next=/admin/settings");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(page, "admin@juniper-clinic.example", treatment.code);
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await page.getByLabel("Take payments online with").selectOption("stripe");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  await page.goto("/admin/treatments");
  await page.getByRole("link", { name: treatment.name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Edit ${treatment.name}`);
  await page.getByLabel("When patients book, they pay").selectOption("deposit");
  await page.getByLabel("Deposit", { exact: true }).fill("20");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(`Saved “${treatment.name}”.`)).toBeVisible();

  const context = await browser.newContext({ javaScriptEnabled: treatment.javaScript });
  const patient = await context.newPage();
  const email = `e2e.pays.${testInfo.project.name}@example.com`;
  await patient.goto(`/treatments/${treatment.slug}`);
  await expect(patient.getByRole("complementary")).toContainText("£20 deposit when you book, part of the price");

  await patient.goto(`/book?treatment=${treatment.slug}`);
  if (treatment.javaScript) {
    await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  }
  await patient.locator('form[action="/api/booking/hold"] button[type=submit]').first().click();
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("Your details");
  await patient.getByLabel("First name").fill("Ana");
  await patient.getByLabel("Last name").fill("Ruiz");
  await patient.getByLabel("Email").fill(email);
  await patient.getByLabel("Phone").fill("07700 900123");
  await patient.getByRole("button", { name: "Continue to review" }).click();

  await expect(patient).toHaveURL(/\/book\/review\?hold=/);
  await expect(patient.getByLabel("Payment")).toContainText("To book: £20 deposit when you book, part of the price.");
  await patient.getByRole("button", { name: "Confirm and pay" }).click();

  // The payment service's own page, then back to the clinic.
  await expect(patient).toHaveURL(/\/pay\/cs_test_[0-9a-f]+$/);
  await expect(patient.getByText(`Deposit: ${treatment.name}`)).toBeVisible();
  await patient.getByRole("button", { name: "Pay" }).click();
  await expect(patient).toHaveURL(/\/book\/paid\?session=cs_test_/);
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("You're booked");
  await expect(patient.getByRole("status")).toContainText("We've received £20");

  // The confirmation, sent once the payment was known, carries the link to manage it.
  const confirmation = await emailTo(email, /^Your booking at .* is confirmed$/);
  const text = JSON.stringify(confirmation.parts);
  expect(text).toContain(treatment.name);
  expect(text).toMatch(/\/booking\/[0-9a-f]{64}/);
  await context.close();
});
