import { test, expect, type Browser, type Page } from "@playwright/test";
import { signInAsStaff, totpNow } from "./staff";

// Razorpay is the clinic's one payment service while this runs, so it runs on its own
// after the other projects (playwright.config.ts: the `razorpay` project), which book
// through Stripe. A patient with JavaScript pays in Razorpay's checkout laid over the
// clinic's own page (the local stand-in's checkout); one without pays on Razorpay's
// payment link page and comes back. Both are booked once Razorpay's signed answer is
// verified.

const TREATMENT = { slug: "hydrafacial", name: "HydraFacial" };

/** Waits for a fresh authenticator window, so the code is one nobody has used. */
async function freshCode(page: Page): Promise<string> {
  const intoWindow = Date.now() % 30_000;
  await page.waitForTimeout(30_000 - intoWindow + 500);
  return totpNow();
}

async function bookAndConfirm(browser: Browser, javaScriptEnabled: boolean, email: string) {
  const context = await browser.newContext({ javaScriptEnabled });
  const patient = await context.newPage();
  await patient.goto(`/book?treatment=${TREATMENT.slug}`);
  if (javaScriptEnabled) {
    await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  }
  await patient.locator('form[action="/api/booking/hold"] button[type=submit]').first().click();
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("Your details");
  await patient.getByLabel("First name").fill("Meera");
  await patient.getByLabel("Last name").fill("Iyer");
  await patient.getByLabel("Email").fill(email);
  await patient.getByLabel("Phone").fill("07700 900456");
  await patient.getByRole("button", { name: "Continue to review" }).click();
  await expect(patient).toHaveURL(/\/book\/review\?hold=/);
  await patient.getByRole("button", { name: "Confirm and pay" }).click();
  // The clinic's own page, for Razorpay's order.
  await expect(patient).toHaveURL(/\/book\/pay\?order=order_/);
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("Pay to book");
  return { context, patient };
}

test("a patient pays a deposit through Razorpay with and without JavaScript and is booked", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.goto("/sign-in?next=/admin/settings");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(page, "admin@juniper-clinic.example", await freshCode(page));
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await page.getByLabel("Take payments online with").selectOption("razorpay");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.goto("/admin/treatments");
  await page.getByRole("link", { name: TREATMENT.name, exact: true }).click();
  await page.getByLabel("When patients book, they pay").selectOption("deposit");
  await page.getByLabel("Deposit", { exact: true }).fill("20");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(`Saved “${TREATMENT.name}”.`)).toBeVisible();

  // With JavaScript: Razorpay's checkout opens over the page and its answer comes back.
  const withScript = await bookAndConfirm(browser, true, "e2e.razorpay.js@example.com");
  await withScript.patient.getByRole("link", { name: "Pay £20" }).click();
  const checkout = withScript.patient.frameLocator('iframe[title="Razorpay Checkout"]');
  await checkout.getByRole("button", { name: "Pay" }).click();
  await expect(withScript.patient).toHaveURL(/\/book\/paid\?session=order_/);
  await expect(withScript.patient.getByRole("heading", { level: 1 })).toHaveText("You're booked");
  await withScript.context.close();

  // Without: Razorpay's payment link page, then back with its signed return.
  const plain = await bookAndConfirm(browser, false, "e2e.razorpay.plain@example.com");
  await plain.patient.getByRole("link", { name: "Pay £20" }).click();
  await expect(plain.patient).toHaveURL(/\/i\/plink_/);
  await plain.patient.getByRole("button", { name: "Pay" }).click();
  await expect(plain.patient).toHaveURL(/\/book\/paid\?session=order_/);
  await expect(plain.patient.getByRole("heading", { level: 1 })).toHaveText("You're booked");
  await plain.context.close();

  // The clinic goes back to Stripe, as the other browser tests left it.
  await page.goto("/admin/settings");
  await page.getByLabel("Take payments online with").selectOption("stripe");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
});
