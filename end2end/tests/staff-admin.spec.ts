import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff, totpNow } from "./staff";

// Each browser project edits its own treatment: the projects share one server and database.
const treatments: Record<string, { slug: string; name: string; price: string }> = {
  chromium: { slug: "chemical-peel", name: "Chemical peel", price: "134.50" },
  phone: { slug: "laser-hair-removal", name: "Laser hair removal, small area", price: "82" },
};

test("a clinic admin changes a price and the public page shows it at once", async ({ page }, testInfo) => {
  const treatment = treatments[testInfo.project.name];
  await page.goto("/sign-in?next=/admin/treatments");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  // The code from the authenticator app; the other project, signing the same admin in
  // within the same 30 seconds, cannot reuse it and uses a recovery code.
  const code = testInfo.project.name === "phone" ? DEMO_RECOVERY_CODES[0] : totpNow();
  await signInAsStaff(page, "admin@juniper-clinic.example", code);
  await expect(page).toHaveURL(/\/admin\/treatments$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Treatments");

  await page.getByRole("link", { name: treatment.name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Edit ${treatment.name}`);
  const price = page.getByLabel("Price", { exact: true });

  // A slip first: the message appears beside the field and what was typed stays.
  await price.fill("12O");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator("#price-error")).toContainText("as a number");
  await expect(price).toHaveAttribute("aria-invalid", "true");
  await expect(price).toHaveValue("12O");

  await price.fill(treatment.price);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/admin\/treatments\?saved=/);
  await expect(page.getByText(`Saved “${treatment.name}”.`)).toBeVisible();

  await page.goto(`/treatments/${treatment.slug}`);
  await expect(page.getByRole("complementary")).toContainText(`£${treatment.price}`);
});

test("a receptionist cannot open the treatment editor", async ({ page }, testInfo) => {
  await page.goto("/sign-in?next=/admin/treatments");
  await signInAsStaff(page, "frontdesk@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 5 : 4]);
  await expect(page).toHaveURL(/\/admin\/treatments$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This area isn't open to your account");
  await expect(page.getByRole("link", { name: "New treatment" })).toHaveCount(0);
});
