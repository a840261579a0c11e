import { test, expect, type Page } from "@playwright/test";
import { emailTo, part } from "./mail";

/** The link in the confirmation email, as a path: the email really leaves, and the test reads it from the SMTP server's inbox. */
async function confirmationLink(email: string): Promise<string> {
  const email_ = await emailTo(email, /^Confirm your email address for Juniper/);
  const link = part(email_, "text/plain").text!.match(/https?:\/\/\S+\/confirm-email\?token=[0-9a-f]{64}/)?.[0];
  expect(link).toBeTruthy();
  // The HTML part carries the same link, as a link.
  expect(part(email_, "text/html").text).toContain(`href="${link}"`);
  return new URL(link!).pathname + new URL(link!).search;
}

async function register(patient: Page, email: string, password: string) {
  await patient.getByLabel("First name").fill("Maya");
  await patient.getByLabel("Last name").fill("Lindqvist");
  await patient.getByLabel("Email").fill(email);
  await patient.getByLabel("Password").fill(password);
  await patient.getByRole("button", { name: "Create account" }).click();
}

async function confirmAndSeeAccount(patient: Page, email: string) {
  await patient.goto(await confirmationLink(email));
  await patient.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(patient).toHaveURL(/\/account$/);
  await expect(patient.getByRole("heading", { name: "Hello, Maya Lindqvist" })).toBeVisible();
  await expect(patient.getByText(`Signed in as ${email}`)).toBeVisible();
}

test("a patient registers, confirms their address, sees their account and cannot open the staff area", async ({ browser }, testInfo) => {
  const email = `maya.${testInfo.project.name}.${Date.now()}@example.com`;
  const patient = await (await browser.newContext()).newPage();

  await patient.goto("/sign-in");
  await patient.getByRole("link", { name: "Create an account" }).click();
  await expect(patient).toHaveURL(/\/register$/);
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  // A password from every breach list first: refused beside the field, the rest kept.
  await register(patient, email, "iloveyou");
  await expect(patient.locator("#password-error")).toContainText("most common");
  await expect(patient.getByLabel("Email")).toHaveValue(email);

  await patient.getByLabel("Password").fill("copper kettle morning");
  await patient.getByRole("button", { name: "Create account" }).click();
  await expect(patient.getByRole("heading", { name: "Check your email" })).toBeVisible();

  await confirmAndSeeAccount(patient, email);
  await expect(patient.getByRole("heading", { name: "Your details" })).toBeVisible();
  await expect(patient.getByLabel("First name")).toHaveValue("Maya");
  await expect(patient.getByRole("link", { name: "Download my data" })).toBeVisible();

  await patient.goto("/admin");
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("This area isn't open to your account");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  // The emailed link's page keeps its token out of other sites' Referer; its plain form
  // must still reach our own server (a button pressed before hydration posts the same way).
  test("a patient registers and confirms their address with plain forms", async ({ page }, testInfo) => {
    const email = `maya.no-js.${testInfo.project.name}.${Date.now()}@example.com`;
    await page.goto("/register");
    await register(page, email, "copper kettle morning");
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    await confirmAndSeeAccount(page, email);
  });
});
