import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";
import { emailTo } from "./mail";

// Each browser project pays for its own treatment (the projects share one server and its
// clinic): the desktop one with JavaScript, as the demo's patient signed in to her account,
// the phone one without, as a guest, where every step is a plain form post and a full page,
// the checkout's redirects included. Each is then partly refunded by the front desk, and
// the rest is paid in cash at the desk.
const cases: Record<
  string,
  { slug: string; name: string; code: string; deskCode: string; javaScript: boolean; account?: { email: string; name: string } }
> = {
  chromium: {
    slug: "skin-boosters",
    name: "Skin boosters",
    code: DEMO_RECOVERY_CODES[8],
    deskCode: DEMO_RECOVERY_CODES[6],
    javaScript: true,
    account: { email: "isla.morrison@example.com", name: "Isla Morrison" },
  },
  phone: {
    slug: "laser-resurfacing",
    name: "Laser skin resurfacing",
    code: DEMO_RECOVERY_CODES[9],
    deskCode: DEMO_RECOVERY_CODES[7],
    javaScript: false,
  },
};

test("a patient pays a deposit at the checkout, is booked once it is paid, and sees a part refund on the receipt", async ({ page, browser }, testInfo) => {
  // Staff set-up, a whole booking through a second site, then a refund by a third person:
  // three times the usual time.
  test.setTimeout(90_000);
  const treatment = cases[testInfo.project.name];

  // The clinic takes payments through Stripe (the local stand-in the tests start), and this
  // treatment asks a £20 deposit; every other treatment still asks nothing online.
  await page.goto("/sign-in?next=/admin/settings");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(page, "admin@juniper-clinic.example", treatment.code);
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await page.getByLabel("Take payments online with").selectOption("stripe");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  await page.goto("/admin/treatments");
  await page.getByRole("link", { name: treatment.name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Edit ${treatment.name}`);
  await page.getByLabel("When patients book, they pay").selectOption("deposit");
  await page.getByLabel("Deposit", { exact: true }).fill("20");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(`Saved “${treatment.name}”.`)).toBeVisible();

  const context = await browser.newContext({ javaScriptEnabled: treatment.javaScript });
  const patient = await context.newPage();
  const email = treatment.account?.email ?? `e2e.pays.${testInfo.project.name}@example.com`;
  if (treatment.account) {
    await patient.goto("/sign-in?next=/account");
    await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
    await patient.getByLabel("Email").fill(treatment.account.email);
    await patient.getByLabel("Password").fill(DEMO_PASSWORD);
    await patient.getByRole("button", { name: "Sign in" }).click();
    await expect(patient.getByRole("heading", { level: 1 })).toHaveText(`Hello, ${treatment.account.name}`);
  }
  await patient.goto(`/treatments/${treatment.slug}`);
  await expect(patient.getByRole("complementary")).toContainText("£20 deposit when you book, part of the price");

  await patient.goto(`/book?treatment=${treatment.slug}`);
  if (treatment.javaScript) {
    await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  }
  const time = patient.locator('form[action="/api/booking/hold"] button[type=submit]').first();
  // `Tue 8 Dec, 09:00 with Dr Lewis Grant`: the staff screens find the booking by it.
  const [day, clock] = (await time.getAttribute("aria-label"))!.split(" with ")[0].split(", ");
  await time.click();
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("Your details");
  if (treatment.account) {
    // A signed-in patient's details come from the account.
    await expect(patient.getByLabel("Email")).toHaveValue(email);
  } else {
    await patient.getByLabel("First name").fill("Ana");
    await patient.getByLabel("Last name").fill("Ruiz");
    await patient.getByLabel("Email").fill(email);
    await patient.getByLabel("Phone").fill("07700 900123");
  }
  await patient.getByRole("button", { name: "Continue to review" }).click();

  await expect(patient).toHaveURL(/\/book\/review\?hold=/);
  await expect(patient.getByLabel("Payment")).toContainText("To book: £20 deposit when you book, part of the price.");
  await patient.getByRole("button", { name: "Confirm and pay" }).click();

  // The payment service's own page, then back to the clinic.
  await expect(patient).toHaveURL(/\/pay\/cs_test_[0-9a-f]+$/);
  await expect(patient.getByText(`Deposit: ${treatment.name}`)).toBeVisible();
  await patient.getByRole("button", { name: "Pay" }).click();
  await expect(patient).toHaveURL(/\/book\/paid\?session=cs_test_/);
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("You're booked");
  await expect(patient.getByRole("status")).toContainText("We've received £20");

  // The confirmation, sent once the payment was known, carries the link to manage it.
  const confirmation = await emailTo(email, /^Your booking at .* is confirmed$/);
  const text = JSON.stringify(confirmation.parts);
  expect(text).toContain(treatment.name);
  expect(text).toMatch(/\/booking\/[0-9a-f]{64}/);
  // And the receipt, on its own.
  const receipt = JSON.stringify((await emailTo(email, /^Your receipt from /)).parts);
  expect(receipt).toContain("£20");

  // The front desk finds the booking from the patient's record and refunds part of it.
  const deskContext = await browser.newContext({ javaScriptEnabled: treatment.javaScript });
  const desk = await deskContext.newPage();
  await desk.goto(`/sign-in?next=${encodeURIComponent(`/admin/patients?search=${email}`)}`);
  if (treatment.javaScript) {
    await expect(desk.locator("[data-hydrated=true]")).toBeAttached();
  }
  await signInAsStaff(desk, "frontdesk@juniper-clinic.example", treatment.deskCode);
  await expect(desk).toHaveURL(/\/admin\/patients\?search=/);
  await desk.getByRole("link", { name: treatment.account?.name ?? "Ana Ruiz" }).first().click();
  await desk.getByRole("link", { name: new RegExp(`^${day} \\d{4}, ${clock} · ${treatment.name}$`) }).click();
  const payments = desk.getByRole("region", { name: "Payments" });
  await expect(payments.getByTestId("payment")).toContainText("£20");
  await payments.getByLabel("Amount").fill("5");
  await payments.getByLabel("Why").fill("Started late: goodwill");
  await payments.getByRole("button", { name: "Refund" }).click();
  await expect(desk.getByText("Refund made.")).toBeVisible();
  await expect(desk.getByRole("region", { name: "Payments" }).getByTestId("refund")).toContainText("£5");

  // The patient pays the rest at the desk: the amount left is filled in, the books balance.
  const balance = desk.getByRole("region", { name: "Balance" });
  await expect(balance.getByLabel("Amount taken")).not.toHaveValue("");
  await balance.getByLabel("Cash").check();
  await balance.getByRole("button", { name: "Record payment" }).click();
  await expect(desk.getByText("Payment recorded.")).toBeVisible();
  await expect(
    desk.getByRole("region", { name: "Balance" }).getByTestId("balance").locator("div").filter({ hasText: "Left to pay" }),
  ).toContainText("£0");

  // And the payments screen lists it among the day's cash.
  await desk.goto("/admin/payments?method=cash");
  await expect(
    desk.getByTestId("payment-row").filter({ hasText: treatment.account?.name ?? "Ana Ruiz" }).filter({ hasText: treatment.name }),
  ).toContainText("Paid at the desk");
  await expect(desk.getByTestId("day-total").last()).toContainText("Total");
  await deskContext.close();

  // The patient is told, and a patient with an account sees it on the receipt.
  const refunded = JSON.stringify((await emailTo(email, /has refunded £5$/)).parts);
  expect(refunded).not.toContain("goodwill");
  if (treatment.account) {
    await patient.goto("/account");
    await patient
      .getByRole("list", { name: "Your payments" })
      .getByRole("listitem")
      .filter({ hasText: `£20 paid` })
      .filter({ hasText: treatment.name })
      .getByRole("link", { name: "Receipt" })
      .click();
    await expect(patient.getByRole("heading", { level: 1 })).toHaveText(/^Receipt [0-9A-F]{8}$/);
    await expect(patient.getByTestId("paid")).toHaveText("£20");
    await expect(patient.getByTestId("refund")).toContainText("−£5");
    await expect(patient.getByTestId("net")).toHaveText("£15");
  }
  await context.close();
});
