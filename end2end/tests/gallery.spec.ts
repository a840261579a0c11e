import { test, expect, Page } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

test("a patient filters the gallery, compares a case with the keyboard and books its treatment", async ({ page }) => {
  await page.goto("/gallery");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Before and after gallery");
  const filters = page.getByRole("form", { name: "Filter cases" });
  await filters.getByRole("combobox", { name: "Treatment", exact: true }).selectOption({ label: "Lip enhancement" });
  await filters.getByRole("button", { name: "Show cases" }).click();
  await expect(page).toHaveURL(/treatment=lip-enhancement/);
  await expect(page.getByText("Softer frown lines")).toHaveCount(0);

  await page.getByRole("link", { name: "Subtle hydration" }).click();
  await expect(page).toHaveURL(/\/cases\/lips-\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Subtle hydration");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();

  // With scripts the pair is one picture with a divider the keyboard moves.
  const slider = page.getByRole("slider", { name: /^Compare before and / });
  await expect(slider).toBeVisible();
  await expect(slider).toHaveValue("50");
  await expect(page.locator(".no-js-only picture").first()).toBeHidden();
  const layer = page.locator("[data-after-layer]").first();
  await expect(layer).toHaveCSS("clip-path", "inset(0px 0px 0px 50%)");
  await slider.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
  await expect(slider).toHaveValue("45");
  await expect(slider).toHaveAttribute("aria-valuetext", /^45% before, 55% /);
  await expect(layer).toHaveCSS("clip-path", "inset(0px 0px 0px 45%)");
  await page.keyboard.press("End");
  await expect(slider).toHaveValue("100");

  const treatment = await page.locator("dt", { hasText: "Treatment" }).locator("+ dd").innerText();
  await page.getByRole("link", { name: "Book this treatment" }).click();
  await expect(page).toHaveURL(/\/book\?treatment=lip-enhancement$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Book ${treatment}`);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a case shows its pair side by side and the gallery pages by links", async ({ page }) => {
    await page.goto("/gallery");
    await page.getByRole("link", { name: "Next page →" }).click();
    await expect(page).toHaveURL(/page=2$/);
    await expect(page.getByText(/page 2 of 2/)).toBeVisible();
    await page.goto("/cases/lips-2");
    await expect(page.getByRole("slider")).toHaveCount(0);
    await expect(page.locator("figure picture:visible")).toHaveCount(2);
    await expect(page.getByRole("img", { name: /before/i }).first()).toBeVisible();
  });
});

/** A photo-like JPEG drawn in the page, as a camera would hand it over. */
async function photo(page: Page, hue: number): Promise<Buffer> {
  const data = await page.evaluate((hue) => {
    const canvas = document.createElement("canvas");
    canvas.width = 1200;
    canvas.height = 900;
    const g = canvas.getContext("2d")!;
    const gradient = g.createLinearGradient(0, 0, 1200, 900);
    gradient.addColorStop(0, `hsl(${hue}, 40%, 80%)`);
    gradient.addColorStop(1, `hsl(${hue + 30}, 50%, 60%)`);
    g.fillStyle = gradient;
    g.fillRect(0, 0, 1200, 900);
    return canvas.toDataURL("image/jpeg", 0.9).split(",")[1];
  }, hue);
  return Buffer.from(data, "base64");
}

// Each browser project makes its own case and signs in with its own recovery code.
const codes: Record<string, string> = { chromium: DEMO_RECOVERY_CODES[5], phone: DEMO_RECOVERY_CODES[6] };

test("staff upload a pair, record consent and publish; revoking consent takes the case down", async ({ page, browser, baseURL }, testInfo) => {
  const title = `Gallery check ${testInfo.project.name}`;
  const slug = `gallery-check-${testInfo.project.name}`;
  await page.goto("/sign-in?next=/admin/gallery");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(page, "admin@juniper-clinic.example", codes[testInfo.project.name]);
  await expect(page).toHaveURL(/\/admin\/gallery$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Gallery");

  // The album's own list item (the gallery's, around it, holds every album's link).
  await page.locator("li", { has: page.getByRole("heading", { name: /^Lips/ }) }).last().getByRole("link", { name: "New case" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("New case");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Treatment", { exact: true }).selectOption({ label: "Lip enhancement" });
  await page.getByRole("button", { name: "Create case" }).click();
  await expect(page).toHaveURL(/\/admin\/gallery\/cases\/[0-9a-f-]{36}\?saved=details$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);

  // Each upload shows its progress, then the picture is made into sizes.
  const upload = page.locator('form[action="/api/admin/case_pictures"]');
  await upload.getByLabel("These pictures are").selectOption("before");
  await upload.getByLabel(/Photos/).setInputFiles([{ name: "before.jpg", mimeType: "image/jpeg", buffer: await photo(page, 10) }]);
  await upload.getByRole("button", { name: "Upload" }).click();
  await expect(upload.getByText("before.jpg — uploaded")).toBeVisible();
  await upload.getByLabel("These pictures are").selectOption("after");
  await upload.getByLabel(/Photos/).setInputFiles([{ name: "after.jpg", mimeType: "image/jpeg", buffer: await photo(page, 200) }]);
  await upload.getByRole("button", { name: "Upload" }).click();
  await expect(upload.getByText("after.jpg — uploaded")).toBeVisible();
  await expect(page.locator("[data-picture-state]")).toHaveText(["Ready", "Ready"], { timeout: 20_000 });

  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("On the website").check();
  await page.getByLabel("Signed on").fill(yesterday);
  await page.getByLabel("Consent form reference").fill(`CONSENT-E2E-${testInfo.project.name}`);
  await page.getByRole("button", { name: "Record consent" }).click();
  await expect(page.getByRole("status")).toContainText("Consent recorded");
  // The notice follows the redirect's address, which can land before the screen's data
  // is loaded again; a press on the screen that is about to be replaced would be lost.
  await expect(page.getByText(`Consent for website since ${yesterday}`)).toBeVisible();

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.locator("[data-case-state]")).toHaveText("On the public site.");

  const visitor = await browser.newPage({ baseURL });
  await visitor.goto(`/cases/${slug}`);
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(visitor.locator("picture source[type='image/webp']").first()).toBeAttached();

  await page.getByRole("button", { name: "Revoke consent" }).click();
  await expect(page.getByRole("status")).toContainText("Consent revoked");
  await expect(page.locator("[data-case-state]")).toHaveText("A draft: not on the public site.");
  await visitor.goto(`/cases/${slug}`);
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that page");
  await visitor.close();
});
