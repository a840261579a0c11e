import { test, expect, type Locator, type Page } from "@playwright/test";

// A patient who uses only the keyboard books from the home page to the confirmation
// (issue 19): every control on the way is reached with Tab, shows where the focus is, and
// lets the focus move on; a refused form says so aloud and ties each problem to its field.

/**
 * Presses Tab until `target` has the focus. Fails when the focus stops moving (a trap),
 * when a focused control shows no focus, or after `max` presses.
 */
async function tabTo(page: Page, target: Locator, max = 150) {
  for (let press = 0; press < max; press++) {
    await page.keyboard.press("Tab");
    const now = await page.evaluate(() => {
      const seen = window as unknown as { lastFocused?: Element };
      const el = document.activeElement as HTMLElement | null;
      const stuck = el !== null && el !== document.body && el === seen.lastFocused;
      seen.lastFocused = el ?? undefined;
      if (!el || el === document.body) return { what: "body", shown: true, stuck };
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      const ring = style.boxShadow !== "none";
      return { what: el.outerHTML.slice(0, 200), shown: outline || ring, stuck };
    });
    expect(now.shown, `the focus is visible on ${now.what}`).toBe(true);
    expect(now.stuck, `the focus is stuck on ${now.what}`).toBe(false);
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${target} was not reached in ${max} presses of Tab`);
}

/** Tabs to a text field and types into it. */
async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

test("a patient books from the home page to the confirmation with the keyboard alone", async ({ page }) => {
  test.skip(test.info().project.name === "phone", "a keyboard is a desktop's");
  await page.goto("/");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  // A treatment no other test books.
  await tabTo(page, page.getByRole("link", { name: /Aesthetic consultation/ }).first());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Aesthetic consultation");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();

  await tabTo(page, page.getByRole("complementary").getByRole("link", { name: /Book Aesthetic/ }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book Aesthetic consultation");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await tabTo(page, page.locator('form[action="/api/booking/hold"] button[type=submit]').first());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your details");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();

  // Sent empty: the problems are announced, and each field points at its own.
  const next = page.getByRole("button", { name: "Continue to review" });
  await tabTo(page, next);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alert").first()).toContainText("need another look");
  const firstName = page.getByLabel("First name");
  await expect(firstName).toHaveAttribute("aria-invalid", "true");
  await expect(firstName).toHaveAccessibleDescription(/Enter your first name/);

  await typeInto(page, firstName, "Noor");
  await typeInto(page, page.getByLabel("Last name"), "Haddad");
  await typeInto(page, page.getByLabel("Email"), "e2e.keyboard@example.com");
  await typeInto(page, page.getByLabel("Phone"), "07700 900321");
  // A consultation given in the clinic or by video: the radio group is one Tab stop.
  const inClinic = page.getByRole("radio", { name: "At the clinic" });
  await tabTo(page, inClinic);
  await page.keyboard.press("Space");
  await expect(inClinic).toBeChecked();
  await tabTo(page, next);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/book\/review\?hold=/);

  await tabTo(page, page.getByRole("button", { name: "Confirm booking" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  await expect(page.getByRole("status")).toContainText("You're booked");
});
