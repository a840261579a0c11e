import { test, expect } from "@playwright/test";
import { emailTo, part } from "./mail";

// The confirmation email really leaves: the test reads it from the SMTP server's inbox.
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

  const email_ = await emailTo(email, /^Confirm your email address for Juniper/);
  const link = part(email_, "text/plain").text!.match(/https?:\/\/\S+\/confirm-email\?token=[0-9a-f]{64}/)?.[0];
  expect(link).toBeTruthy();
  // The HTML part carries the same link, as a link.
  expect(part(email_, "text/html").text).toContain(`href="${link}"`);

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
