import { test, expect, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { sql } from "./database";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

/**
 * A video visit with Dr Okafor starting in five minutes (so its room is open now), booked
 * for Isla, with `link` as its booking link. Booking pages keep two hours' notice, so it is
 * written directly; Dr Okafor sees it through a provider entry of its own, hidden from the
 * public site, so no other booking is in its way whenever the tests run.
 */
function visitStartingSoon(link: string, project: string): string {
  const slug = `video-test-${project}-${Date.now()}`;
  return sql(`
    WITH p AS (
      INSERT INTO providers (clinic_id, user_id, slug, display_name, title, active)
      SELECT u.clinic_id, u.id, '${slug}', 'Dr Amara Okafor', 'Medical director', false
      FROM users u WHERE u.email = 'amara@juniper-clinic.example'
      RETURNING id, clinic_id)
    INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id,
                              mode, status, period, access_token_hash)
    SELECT p.clinic_id, l.id, p.id, t.id, pa.id, 'video', 'confirmed',
           tstzrange(now() + interval '5 minutes', now() + interval '35 minutes'),
           sha256('${link}'::bytea)
    FROM p
    JOIN locations l ON l.clinic_id = p.clinic_id
    JOIN treatments t ON t.clinic_id = p.clinic_id AND t.slug = 'aesthetic-consultation'
    JOIN patients pa ON pa.clinic_id = p.clinic_id
    JOIN users u ON u.id = pa.user_id AND u.email = 'isla.morrison@example.com'
    ORDER BY l.position LIMIT 1
    RETURNING id`);
}

const stage = (page: Page) => page.locator("[data-stage]");

/** Frames a video (by default the other side's) has shown so far. */
async function framesShown(page: Page, label = "The other side's video"): Promise<number> {
  return page.getByLabel(label).evaluate((video) => (video as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);
}

test("a patient and their clinician meet in a video visit, peer to peer", async ({ browser }, testInfo) => {
  const link = randomBytes(32).toString("hex");
  const visit = visitStartingSoon(link, testInfo.project.name);
  const media = { permissions: ["camera", "microphone"] };

  // The patient, from the booking's link: the camera check, then the waiting room.
  const patient = await (await browser.newContext(media)).newPage();
  await patient.goto(`/booking/${link}/visit`);
  await expect(patient.getByRole("heading", { level: 1 })).toContainText("Aesthetic consultation with Dr Amara Okafor");
  await expect(patient.locator("[data-hydrated=true]")).toBeAttached();

  // The device check: the cameras and microphones to choose from, and the level moving.
  const cameras = patient.getByLabel("Camera", { exact: true }).locator("option");
  const microphones = patient.getByLabel("Microphone", { exact: true }).locator("option");
  await expect(cameras.first()).toBeAttached();
  await expect(microphones.first()).toBeAttached();
  // Sound runs once the person has done something on the page (the browser's rule).
  await patient.getByText("Camera", { exact: true }).click();
  if ((await microphones.count()) > 1) {
    const other = await microphones.nth(1).getAttribute("value");
    await patient.getByLabel("Microphone", { exact: true }).selectOption(other!);
    await expect(patient.getByLabel("Microphone", { exact: true })).toHaveValue(other!);
  }
  await patient.waitForFunction(
    () => Number(document.querySelector("meter")?.getAttribute("value")) > 0,
    null,
    { polling: 20, timeout: 15_000 },
  );
  await expect.poll(() => framesShown(patient, "Your camera"), { timeout: 15_000 }).toBeGreaterThan(0);

  await patient.getByRole("button", { name: "Join the visit" }).click();
  await expect(stage(patient)).toHaveAttribute("data-stage", "waiting");
  await expect(stage(patient)).toContainText("waiting room");

  // The clinician, signed in: lets the patient in.
  const clinician = await (await browser.newContext(media)).newPage();
  await clinician.goto(`/sign-in?next=/visits/${visit}`);
  await signInAsStaff(clinician, "amara@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 5 : 4]);
  await expect(clinician).toHaveURL(new RegExp(`/visits/${visit}$`));
  await expect(clinician.locator("[data-hydrated=true]")).toBeAttached();
  await clinician.getByRole("button", { name: "Join the visit" }).click();
  await clinician.getByRole("button", { name: "Let the patient in" }).click();

  // Both connect, and each receives the other's video: frames keep arriving.
  for (const side of [patient, clinician]) {
    await expect(stage(side)).toHaveAttribute("data-stage", "connected", { timeout: 20_000 });
    await expect.poll(() => framesShown(side), { timeout: 15_000 }).toBeGreaterThan(0);
    const before = await framesShown(side);
    await expect.poll(() => framesShown(side), { timeout: 15_000 }).toBeGreaterThan(before);
  }

  // The chat beside the video.
  await patient.getByLabel("Message").fill("Can you hear me?");
  await patient.getByRole("button", { name: "Send" }).click();
  await expect(clinician.getByRole("list", { name: "Chat" })).toContainText("Patient: Can you hear me?");

  // Muting is the patient's own.
  await patient.getByRole("button", { name: "Mute" }).click();
  await expect(patient.getByRole("button", { name: "Unmute" })).toHaveAttribute("aria-pressed", "true");

  // Hanging up ends the call on both sides.
  await clinician.getByRole("button", { name: "Hang up" }).click();
  await expect(stage(clinician)).toHaveAttribute("data-stage", "ended");
  await expect(stage(patient)).toHaveAttribute("data-stage", "peerleft");

  // Someone else's link, or a stranger at the visit's address: no such page.
  const stranger = await (await browser.newContext()).newPage();
  const response = await stranger.goto(`/visits/${visit}`);
  expect(response?.status()).toBe(404);
  expect((await stranger.goto(`/booking/${"0".repeat(64)}/visit`))?.status()).toBe(404);
});
