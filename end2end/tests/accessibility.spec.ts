import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { DEMO_RECOVERY_CODES, signInAsIsla, signInAsStaff } from "./staff";

// WCAG 2.2 AA as axe-core checks it (issue 19): every public page, each booking step, the
// patient's account and the main staff screens, once interactive. Any violation fails the
// test, listed with the elements it was found on.

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** Fails with axe's findings, one line per rule and element, when the page has any. */
async function expectAccessible(page: Page, what: string) {
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ")}`),
  );
  expect(found, `${what}: ${v(violations.length)}`).toEqual([]);
}

function v(count: number) {
  return count === 1 ? "1 rule broken" : `${count} rules broken`;
}

const PUBLIC = [
  "/",
  "/treatments",
  "/treatments/hydrafacial",
  "/gallery",
  "/cases/lips-2",
  "/assistant",
  "/sign-in",
  "/register",
  "/forgot-password",
  "/waitlist?treatment=ipl-photofacial",
  "/book?treatment=ipl-photofacial",
];

test.describe("public pages", () => {
  for (const path of PUBLIC) {
    test(`${path} breaks no WCAG 2.2 AA rule`, async ({ page }) => {
      await page.goto(path);
      await expectAccessible(page, path);
    });
  }
});

test("each booking step breaks no WCAG 2.2 AA rule, with and without problems shown", async ({ page }, testInfo) => {
  // A treatment no other test books; the hold is never confirmed and lapses by itself.
  await page.goto("/book?treatment=ipl-photofacial");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const times = page.locator('form[action="/api/booking/hold"] button[type=submit]');
  await times.nth(testInfo.project.name === "phone" ? 1 : 0).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your details");
  await expectAccessible(page, "the details step");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByText("Enter your first name.")).toBeVisible();
  await expectAccessible(page, "the details step with its problems");
  await page.getByLabel("First name").fill("Noor");
  await page.getByLabel("Last name").fill("Haddad");
  await page.getByLabel("Email").fill(`e2e.a11y.${testInfo.project.name}@example.com`);
  await page.getByLabel("Phone").fill("07700 900456");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByRole("button", { name: /Confirm booking|Pay/ })).toBeVisible();
  await expectAccessible(page, "the review step");
});

test("the patient's account breaks no WCAG 2.2 AA rule", async ({ page }) => {
  await signInAsIsla(page);
  await expectAccessible(page, "/account");
});

test("the clinician's staff screens break no WCAG 2.2 AA rule", async ({ page }, testInfo) => {
  await page.goto("/sign-in?next=/admin");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  // Recovery codes 6 and 7 are this test's (README, "Demo sign-ins"; staff.ts).
  await signInAsStaff(page, "amara@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 7 : 6]);
  await expect(page).toHaveURL(/\/admin$/);
  for (const path of ["/admin", "/admin/calendar", "/admin/patients"]) {
    await page.goto(path);
    await expectAccessible(page, path);
  }
});
