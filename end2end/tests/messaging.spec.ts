import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";
import { emailTo, part } from "./mail";

// Email really leaves here: the app hands it to the tests' SMTP server, and these tests
// read what that server received.

test("a patient's booking confirmation arrives by email with the manage link and a calendar invitation", async ({ page }, testInfo) => {
  const email = `e2e.mail.${testInfo.project.name}@example.com`;
  await page.goto("/book?treatment=chemical-peel");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  // The projects run side by side and the templates test books this treatment too, so
  // each takes a day of its own: late in the afternoon the first day may have one time left.
  if (testInfo.project.name === "phone") {
    const second = await page.locator("a[data-free=true]").nth(1).getAttribute("aria-label");
    await page.getByRole("link", { name: second!, exact: true }).click();
    await expect(page.getByRole("link", { name: second!, exact: true })).toHaveAttribute("aria-current", "date");
  }
  const time = page.locator('form[action="/api/booking/hold"] button[type=submit]').first();
  await expect(time).toBeVisible();
  await time.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your details");
  await page.getByLabel("First name").fill("Ana");
  await page.getByLabel("Last name").fill("Ruiz");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Phone").fill("07700 900123");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await expect(page).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  // Said only because an email provider is configured.
  await expect(page.getByRole("status")).toContainText("We've emailed you a confirmation");
  const manage = new URL(page.url()).pathname;

  const confirmation = await emailTo(email, /^Your booking/);
  expect(confirmation.headers["From"]).toContain("<bookings@juniper-clinic.example>");
  expect(part(confirmation, "text/plain").text).toContain(manage);
  expect(part(confirmation, "text/html").text).toContain(`${manage}"`);
  const invitation = part(confirmation, "text/calendar");
  expect(invitation.filename).toBe("appointment.ics");
  expect(invitation.text).toContain("METHOD:REQUEST");
  expect(invitation.text).toContain("SUMMARY:Chemical peel");
  expect(invitation.text).toContain(`ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:${email}`);
});

test("staff see a refused email in the message log and send it again", async ({ browser }, testInfo) => {
  const address = `e2e.refused.${testInfo.project.name}+reject@example.com`;
  const patient = await browser.newPage();
  await patient.goto("/book?treatment=skin-health-workshop");
  await patient.locator('a[href^="/book/seat?session="]').first().click();
  await patient.getByLabel("First name").fill("Rui");
  await patient.getByLabel("Last name").fill("Costa");
  await patient.getByLabel("Email").fill(address);
  await patient.getByLabel("Phone").fill("07700 900456");
  await patient.getByRole("button", { name: "Book my place" }).click();
  await expect(patient.getByRole("status")).toContainText("Your place is booked");
  await patient.close();

  const staff = await browser.newPage();
  await staff.goto("/sign-in?next=/admin/mailbox");
  await signInAsStaff(staff, "admin@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 2 : 1]);
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Messages");
  const message = staff.getByRole("article", { name: new RegExp(`to ${address.replace(/[.+]/g, "\\$&")}$`) });
  // The worker tries within a second or two; the server refuses the address for good.
  await expect(async () => {
    await staff.reload();
    await expect(message.getByText("Failed for good after 1 try")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(message.getByRole("list", { name: "Tries" })).toContainText("No such mailbox");
  // Filtered to failed emails, it is still there; the filter lives in the address.
  await staff.getByLabel("State").selectOption("dead");
  await staff.getByLabel("Channel").selectOption("email");
  await staff.getByRole("button", { name: "Filter" }).click();
  await expect(staff).toHaveURL(/status=dead/);
  await expect(staff.getByLabel("State")).toHaveValue("dead");
  await expect(message).toBeVisible();
  await expect(staff.getByRole("article").filter({ hasText: "Waiting to be sent" })).toHaveCount(0);

  await message.getByRole("button", { name: "Send again" }).click();
  await expect(staff.getByRole("status")).toContainText("Queued to be sent again now");
  // Tried once more (and refused again): both tries stay in the log.
  await expect(async () => {
    await staff.reload();
    await expect(message.getByRole("list", { name: "Tries" }).getByRole("listitem")).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await staff.close();
});
