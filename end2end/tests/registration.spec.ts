import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

// The clinic has no mail provider here, so the confirmation email waits in the staff
// mailbox: the clinic admin reads the link there, as they could pass it on by phone.
test("a patient registers, confirms their address, sees their account and cannot open the staff area", async ({ browser }, testInfo) => {
  const email = `maya.${testInfo.project.name}.${Date.now()}@example.com`;
  const patient = await (await browser.newContext()).newPage();

  await patient.goto("/sign-in");
  await patient.getByRole("link", { name: "Create an account" }).click();
  await expect(patient).toHaveURL(/\/register$/);
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  await patient.getByLabel("First name").fill("Maya");
  await patient.getByLabel("Last name").fill("Lindqvist");
  await patient.getByLabel("Email").fill(email);
  // A password from every breach list first: refused beside the field, the rest kept.
  await patient.getByLabel("Password").fill("iloveyou");
  await patient.getByRole("button", { name: "Create account" }).click();
  await expect(patient.locator("#password-error")).toContainText("most common");
  await expect(patient.getByLabel("Email")).toHaveValue(email);

  await patient.getByLabel("Password").fill("copper kettle morning");
  await patient.getByRole("button", { name: "Create account" }).click();
  await expect(patient.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await admin.goto("/sign-in?next=/admin/mailbox");
  await signInAsStaff(admin, "admin@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 2 : 1]);
  await expect(admin.getByRole("heading", { name: "Mailbox" })).toBeVisible();
  const message = admin.getByRole("article", { name: `Confirm your email address for Juniper Skin & Aesthetics to ${email}` });
  const link = (await message.locator("pre").innerText()).match(/https?:\/\/\S+\/confirm-email\?token=[0-9a-f]{64}/)?.[0];
  expect(link).toBeTruthy();

  await patient.goto(new URL(link!).pathname + new URL(link!).search);
  await patient.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(patient).toHaveURL(/\/account$/);
  await expect(patient.getByRole("heading", { name: "Hello, Maya Lindqvist" })).toBeVisible();
  await expect(patient.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(patient.getByRole("heading", { name: "Your details" })).toBeVisible();
  await expect(patient.getByLabel("First name")).toHaveValue("Maya");
  await expect(patient.getByRole("link", { name: "Download my data" })).toBeVisible();

  await patient.goto("/admin");
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("This area isn't open to your account");
});
