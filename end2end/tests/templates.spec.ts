import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";
import { emailTo, part } from "./mail";

// The wording is the clinic's, one for every patient: only one project changes it, and
// it keeps the subject's start and the manage link that the other email tests look for.
test("staff reword the booking confirmation with a live preview, and the next confirmation uses it", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== "chromium", "one clinic-wide wording, changed by one project");
  const staff = await browser.newPage();
  await staff.goto("/sign-in?next=/admin/templates");
  await signInAsStaff(staff, "admin@juniper-clinic.example", DEMO_RECOVERY_CODES[7]);
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Message wording");
  await staff.getByRole("link", { name: "Booking confirmed (Email)" }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Booking confirmed (Email)");
  await expect(staff.locator("[data-hydrated=true]")).toBeAttached();
  await expect(staff.getByRole("complementary")).toContainText("{{ manage_link }}");

  // The preview follows the typing, and names what cannot be used.
  const subject = staff.getByLabel("Subject");
  await subject.fill("Your booking: {{ treatmentt }}");
  await expect(staff.getByRole("list", { name: "Problems" })).toContainText("There is no variable treatmentt");
  await subject.fill("Your booking: {{ treatment }} on {{ when }}");
  await expect(staff.getByTestId("preview-subject")).toHaveText("Your booking: Mole and skin check on Tuesday 17 March 2026, 10:00–10:45");

  // Saving a wrong name is refused beside the field, and what was typed stays.
  const body = staff.getByLabel("Message");
  await body.fill("Hi {{ nme }}");
  await staff.getByRole("button", { name: "Save wording" }).click();
  await expect(staff.locator("#body-error")).toContainText("There is no variable nme");
  await expect(body).toHaveValue("Hi {{ nme }}");
  await body.fill("Thank you, {{ first_name }}! {{ treatment }} with {{ provider }}, {{ when }}.\nManage it: {{ manage_link }}\n{{ clinic }}");
  await expect(staff.getByTestId("preview-body")).toContainText("Thank you, Isla! Mole and skin check with Dr Lewis Grant");
  await staff.getByRole("button", { name: "Save wording" }).click();
  await expect(staff.getByRole("status")).toContainText("Saved. The next message uses it.");

  const email = "e2e.wording@example.com";
  const patient = await browser.newPage();
  await patient.goto("/book?treatment=chemical-peel");
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  // The last free day of the strip: the messaging test books this treatment's first two days.
  const day = await patient.locator("a[data-free=true]").last().getAttribute("aria-label");
  await patient.getByRole("link", { name: day!, exact: true }).click();
  await expect(patient.getByRole("link", { name: day!, exact: true })).toHaveAttribute("aria-current", "date");
  await patient.locator('form[action="/api/booking/hold"] button[type=submit]').last().click();
  await patient.getByLabel("First name").fill("Lea");
  await patient.getByLabel("Last name").fill("Novak");
  await patient.getByLabel("Email").fill(email);
  await patient.getByLabel("Phone").fill("07700 900789");
  await patient.getByRole("button", { name: "Continue to review" }).click();
  await patient.getByRole("button", { name: "Confirm booking" }).click();
  await expect(patient).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  const manage = new URL(patient.url()).pathname;
  const confirmation = await emailTo(email, /^Your booking: Chemical peel on /);
  const text = part(confirmation, "text/plain").text!;
  expect(text).toContain("Thank you, Lea! Chemical peel with");
  expect(text).toContain(manage);
  await patient.close();

  // Texts count their SMS messages as they are typed; the time's dash is written plainly
  // so the text stays in the cheaper alphabet.
  await staff.goto("/admin/templates/reminder/sms");
  await expect(staff.locator("[data-hydrated=true]")).toBeAttached();
  await expect(staff.getByTestId("segments")).toContainText("(160 a message): 2 messages");
  await expect(staff.getByTestId("preview-body")).toContainText("10:00-10:45");
  await staff.getByLabel("Message").fill("See you {{ when }}. Reply STOP to opt out.");
  await expect(staff.getByTestId("segments")).toContainText("(160 a message): 1 message");
  await staff.getByLabel("Message").fill("See you {{ when }} \u{1F60A} Reply STOP to opt out.");
  await expect(staff.getByTestId("segments")).toContainText("special characters: 70 a message");

  // And the confirmation goes back to Lumen's wording.
  await staff.goto("/admin/templates/booking_confirmed/email");
  await staff.getByRole("button", { name: "Reset to Lumen's wording" }).click();
  await expect(staff.getByRole("status")).toContainText("Back to Lumen's wording.");
  await expect(staff.getByLabel("Subject")).toHaveValue("Your booking at {{ clinic }} is confirmed");
  await staff.close();
});
