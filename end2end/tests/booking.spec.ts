import { test, expect, Page } from "@playwright/test";

/** Chooses the first time offered on the picker's day; returns its accessible name. */
async function chooseFirstTime(page: Page): Promise<string> {
  const time = page.locator('form[action="/api/booking/hold"] button[type=submit]').first();
  await expect(time).toBeVisible();
  const name = await time.getAttribute("aria-label");
  expect(name).toBeTruthy();
  await time.click();
  return name!;
}

async function giveDetails(page: Page, email: string) {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your details");
  await page.getByLabel("First name").fill("Ana");
  await page.getByLabel("Last name").fill("Ruiz");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Phone").fill("07700 900123");
  await page.getByRole("button", { name: "Continue to review" }).click();
}

test("a patient books from a treatment page, and the time is gone for the next patient", async ({ page, browser }) => {
  await page.goto("/treatments/mole-check");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await page.getByRole("complementary").getByRole("link", { name: /Book Mole/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book Mole and skin check");
  await expect(page.locator("[data-free=false]").first()).toBeAttached();

  const chosen = await chooseFirstTime(page);
  await expect(page).toHaveURL(/\/book\/details\?hold=[0-9a-f]{64}$/);

  // A refused field is announced and what was typed stays.
  await page.getByLabel("First name").fill("Ana");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByRole("alert").first()).toContainText("need another look");
  await expect(page.getByLabel("First name")).toHaveValue("Ana");

  await giveDetails(page, "e2e.with-js@example.com");
  await expect(page).toHaveURL(/\/book\/review\?hold=/);
  await expect(page.getByLabel("Your details")).toContainText("e2e.with-js@example.com");
  await page.getByRole("button", { name: "Confirm booking" }).click();

  await expect(page).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  await expect(page.getByRole("status")).toContainText("You're booked");
  await expect(page.getByText("Mole and skin check")).toBeVisible();
  await expect(page.getByRole("link", { name: "Add to my calendar (.ics)" })).toBeVisible();

  // The next patient no longer sees that time.
  const next = await browser.newPage();
  await next.goto("/book?treatment=mole-check");
  await expect(next.locator('form[action="/api/booking/hold"] button[type=submit]').first()).toBeVisible();
  await expect(next.getByRole("button", { name: chosen, exact: true })).toHaveCount(0);
  await next.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same booking works with plain forms and full pages, and can be cancelled", async ({ page }) => {
    await page.goto("/book");
    await page.getByRole("link", { name: /HydraFacial/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book HydraFacial");
    // Weeks ahead, so the booking is outside the late-cancel window and can be cancelled.
    await page.getByRole("link", { name: "Later dates →" }).click();
    await chooseFirstTime(page);
    await expect(page).toHaveURL(/\/book\/details\?hold=/);
    await giveDetails(page, "e2e.no-js@example.com");
    await expect(page).toHaveURL(/\/book\/review\?hold=/);
    await page.getByRole("button", { name: "Confirm booking" }).click();
    await expect(page).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
    await expect(page.getByRole("status")).toContainText("You're booked");

    await page.getByRole("button", { name: "Cancel this booking" }).click();
    await expect(page).toHaveURL(/\?done=cancelled$/);
    await expect(page.getByRole("status")).toContainText("cancelled");
    await expect(page.getByRole("link", { name: "Book again" })).toBeVisible();
  });
});
