import { test, expect } from "@playwright/test";
import { sql } from "./database";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

test("the front desk's calendar shows a booking made online while it is open, without a reload", async ({ browser }, testInfo) => {
  // Each project books its own patient, at its own end of the day (the projects share one
  // server), of a treatment no other test books.
  const phone = testInfo.project.name === "phone";
  const surname = phone ? "Livephone" : "Livedesk";

  // A patient chooses a time and gives their details; the time is held.
  const patient = await (await browser.newContext()).newPage();
  await patient.goto("/book?treatment=tear-trough");
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  const times = patient.locator('form[action="/api/booking/hold"] button[type=submit]');
  await (phone ? times.last() : times.first()).click();
  await expect(patient).toHaveURL(/\/book\/details\?hold=[0-9a-f]{64}$/);
  const hold = new URL(patient.url()).searchParams.get("hold")!;
  await patient.getByLabel("First name").fill("Ana");
  await patient.getByLabel("Last name").fill(surname);
  await patient.getByLabel("Email").fill(`e2e.live.${testInfo.project.name}@example.com`);
  await patient.getByLabel("Phone").fill("07700 900123");
  await patient.getByRole("button", { name: "Continue to review" }).click();
  await expect(patient).toHaveURL(/\/book\/review\?hold=/);

  // The front desk has that day's calendar open.
  const day = sql(`SELECT to_char(lower(a.period) AT TIME ZONE c.time_zone, 'YYYY-MM-DD')
                   FROM appointments a JOIN clinics c ON c.id = a.clinic_id
                   WHERE a.access_token_hash = sha256('${hold}'::bytea)`);
  expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const desk = await (await browser.newContext()).newPage();
  await desk.goto(`/sign-in?next=${encodeURIComponent(`/admin/calendar?day=${day}`)}`);
  await expect(desk.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(desk, "frontdesk@juniper-clinic.example", DEMO_RECOVERY_CODES[phone ? 9 : 8]);
  await expect(desk).toHaveURL(new RegExp(`/admin/calendar\\?day=${day}$`));
  await expect(desk.locator("[data-hydrated=true]")).toBeAttached();
  const booked = desk.getByRole("link", { name: `Ana ${surname} Tear trough treatment` });
  await expect(booked).toHaveCount(0);
  // Marks this very page: a reload would lose it.
  await desk.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  // The patient confirms; the block appears on the open calendar by itself.
  await patient.getByRole("button", { name: "Confirm booking" }).click();
  await expect(patient).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  await expect(booked).toHaveAttribute("data-status", "confirmed", { timeout: 10_000 });
  expect(await desk.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
});
