import { test, expect } from "@playwright/test";
import { sql } from "./database";
import { emailTo, part } from "./mail";

// Each project waits for its own time, at its own end of the day (the projects share one
// server), of a treatment no other test books.
test("a patient joins the waitlist, is offered the time when it is cancelled, takes it and books it", async ({ browser }, testInfo) => {
  const phone = testInfo.project.name === "phone";
  const email = `e2e.waitlist.${testInfo.project.name}.${Date.now()}@example.com`;

  // Someone else books a time.
  const holder = await (await browser.newContext()).newPage();
  await holder.goto("/book?treatment=cheek-filler");
  await expect(holder.locator("[data-hydrated=true]")).toBeAttached();
  const times = holder.locator('form[action="/api/booking/hold"] button[type=submit]');
  await (phone ? times.last() : times.first()).click();
  await expect(holder).toHaveURL(/\/book\/details\?hold=[0-9a-f]{64}$/);
  await holder.getByLabel("First name").fill("Holly");
  await holder.getByLabel("Last name").fill("Holder");
  await holder.getByLabel("Email").fill(`e2e.holder.${testInfo.project.name}@example.com`);
  await holder.getByLabel("Phone").fill("07700 900123");
  await holder.getByRole("button", { name: "Continue to review" }).click();
  await holder.getByRole("button", { name: "Confirm booking" }).click();
  await expect(holder).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  const manage = new URL(holder.url()).pathname.split("/")[2];
  const [day, isoWeekday, starts, ends] = sql(
    `SELECT concat_ws('|', to_char(lower(a.period) AT TIME ZONE c.time_zone, 'YYYY-MM-DD'),
                      extract(isodow FROM lower(a.period) AT TIME ZONE c.time_zone),
                      to_char(lower(a.period) AT TIME ZONE c.time_zone, 'HH24:MI'),
                      to_char(upper(a.period) AT TIME ZONE c.time_zone, 'HH24:MI'))
     FROM appointments a JOIN clinics c ON c.id = a.clinic_id
     WHERE a.access_token_hash = sha256('${manage}'::bytea)`,
  ).split("|");
  const weekday = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][Number(isoWeekday) - 1];

  // A patient who wants exactly that time finds none, and joins the waitlist from the picker.
  const patient = await (await browser.newContext()).newPage();
  await patient.goto("/book?treatment=cheek-filler");
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  await patient.getByRole("link", { name: "Join the waitlist" }).click();
  await expect(patient.getByRole("heading", { level: 1 })).toHaveText("Join the waitlist: Cheek and mid-face filler");
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();
  // Nothing ticked first: refused beside the days, what was typed kept.
  await patient.getByLabel("First name").fill("Wanda");
  await patient.getByLabel("Last name").fill("Waiting");
  await patient.getByLabel("Email").fill(email);
  await patient.getByLabel("Phone (optional)").fill("07700 900456");
  await patient.getByLabel("Starting from").fill(starts);
  await patient.getByLabel("Finished by").fill(ends);
  await patient.getByLabel("Until (optional)").fill(day);
  await patient.getByRole("button", { name: "Join the waitlist" }).click();
  await expect(patient.locator("#monday-error")).toHaveText("Tick at least one day you can come.");
  await expect(patient.getByLabel("Email")).toHaveValue(email);
  await patient.getByLabel(weekday).check();
  await patient.getByRole("button", { name: "Join the waitlist" }).click();
  await expect(patient.getByRole("heading", { name: "You're on the waitlist" })).toBeVisible();
  await emailTo(email, /^You're on the waitlist for Cheek and mid-face filler$/);

  // The booking is cancelled; the freed time is held for the waiting patient and offered.
  sql(`UPDATE appointments SET status = 'cancelled', status_changed_at = now()
       WHERE access_token_hash = sha256('${manage}'::bytea)`);
  const offer = await emailTo(email, /^A time for Cheek and mid-face filler has come free$/);
  const link = part(offer, "text/plain").text!.match(/https?:\/\/\S+\/waitlist\/offer\?token=[0-9a-f]{64}/)?.[0];
  expect(link).toBeTruthy();
  await patient.goto(new URL(link!).pathname + new URL(link!).search);
  await expect(patient.getByText(`${starts}–${ends}`)).toBeVisible();
  await patient.getByRole("button", { name: "Take this time" }).click();

  // The usual steps, with the details given to the waitlist filled in.
  await expect(patient).toHaveURL(/\/book\/details\?hold=[0-9a-f]{64}$/);
  await expect(patient.getByLabel("Email")).toHaveValue(email);
  await patient.getByRole("button", { name: "Continue to review" }).click();
  await patient.getByRole("button", { name: "Confirm booking" }).click();
  await expect(patient).toHaveURL(/\/booking\/[0-9a-f]{64}\?done=booked$/);
  await expect(patient.getByRole("status")).toContainText("You're booked");
  const booked = sql(`SELECT to_char(lower(a.period) AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI')
                      FROM appointments a JOIN clinics c ON c.id = a.clinic_id JOIN patients p ON p.id = a.patient_id
                      WHERE p.email = '${email}' AND a.status = 'confirmed'`);
  expect(booked).toBe(`${day} ${starts}`);
});
