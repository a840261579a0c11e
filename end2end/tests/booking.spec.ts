import { test, expect, Page } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

/**
 * Chooses a time offered on the picker's day (the first, or the last); returns its
 * accessible name. Browser projects run side by side against one server, so each takes
 * its own end of the day: neighbouring times overlap when the treatment is longer than the
 * step between them, and two projects holding them at once would race for them.
 */
async function chooseTime(page: Page, end: "first" | "last"): Promise<string> {
  const times = page.locator('form[action="/api/booking/hold"] button[type=submit]');
  const time = end === "first" ? times.first() : times.last();
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

test("a patient books from a treatment page, the time is gone for the next patient, and staff mark it completed", async ({ page, browser }, testInfo) => {
  // Each browser project books as its own patient: the projects share one server.
  const email = `e2e.with-js.${testInfo.project.name}@example.com`;
  await page.goto("/treatments/mole-check");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await page.getByRole("complementary").getByRole("link", { name: /Book Mole/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book Mole and skin check");
  await expect(page.locator("[data-free=false]").first()).toBeAttached();

  const chosen = await chooseTime(page, testInfo.project.name === "phone" ? "last" : "first");
  await expect(page).toHaveURL(/\/book\/details\?hold=[0-9a-f]{64}$/);

  // A refused field is announced and what was typed stays.
  await page.getByLabel("First name").fill("Ana");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByRole("alert").first()).toContainText("need another look");
  await expect(page.getByLabel("First name")).toHaveValue("Ana");

  await giveDetails(page, email);
  await expect(page).toHaveURL(/\/book\/review\?hold=/);
  await expect(page.getByLabel("Your details")).toContainText(email);
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

  // A provider finds the patient, sees the booking on the calendar, and records the visit.
  const staff = await browser.newPage();
  await staff.goto("/sign-in?next=/admin/patients");
  await expect(staff.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(staff, "amara@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 1 : 0]);
  await expect(staff).toHaveURL(/\/admin\/patients$/);
  await staff.getByLabel("Name, email or phone").fill(email);
  await staff.getByRole("button", { name: "Search" }).click();
  await staff.getByRole("link", { name: "Ana Ruiz" }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Ana Ruiz");
  await staff.getByRole("link", { name: /Mole and skin check/ }).click();
  await expect(staff).toHaveURL(/\/admin\/appointments\/[0-9a-f-]{36}$/);
  const appointment = new URL(staff.url()).pathname;

  await staff.getByRole("link", { name: "← Calendar" }).click();
  await expect(staff).toHaveURL(/\/admin\/calendar\?day=\d{4}-\d{2}-\d{2}$/);
  const block = staff.getByRole("region", { name: "Dr Lewis Grant" }).locator(`a[href="${appointment}"]`);
  await expect(block).toHaveAccessibleName(/Ana Ruiz Mole and skin check Confirmed/);
  await expect(block).toHaveAttribute("data-status", "confirmed");
  // 45 minutes at 6px per five: as tall as it is long (the page's policy allows no inline
  // styles, so this checks the grid classes made it into the stylesheet).
  const box = await block.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(50);
  expect(box!.height).toBeLessThanOrEqual(56);
  await block.click();

  await staff.getByRole("button", { name: "Mark arrived" }).click();
  await expect(staff.getByRole("status")).toContainText("Marked as arrived");
  await expect(staff.getByTestId("status")).toContainText("Arrived");
  await staff.getByRole("button", { name: "Mark completed" }).click();
  await expect(staff.getByRole("status")).toContainText("Marked as completed");
  await expect(staff.getByTestId("status")).toContainText("Completed");
  await expect(staff.getByRole("button", { name: "Mark completed" })).toHaveCount(0);
  await expect(staff.getByRole("heading", { name: "History" })).toBeVisible();
  await expect(staff.getByRole("listitem").filter({ hasText: "Completed" })).toHaveCount(1);

  // Back on the calendar the block now reads as completed.
  await staff.getByRole("link", { name: "← Calendar" }).click();
  await expect(block).toHaveAttribute("data-status", "completed");
  await staff.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same booking works with plain forms and full pages, and can be cancelled", async ({ page }, testInfo) => {
    await page.goto("/book");
    await page.getByRole("link", { name: /HydraFacial/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book HydraFacial");
    // Weeks ahead, so the booking is outside the late-cancel window and can be cancelled.
    await page.getByRole("link", { name: "Later dates →" }).click();
    await chooseTime(page, testInfo.project.name === "phone" ? "last" : "first");
    await expect(page).toHaveURL(/\/book\/details\?hold=/);
    await giveDetails(page, `e2e.no-js.${testInfo.project.name}@example.com`);
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
