import { test, expect } from "@playwright/test";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { DEMO_RECOVERY_CODES, signInAsStaff, totpNow } from "./staff";

// Each browser project edits its own treatment: the projects share one server and database.
const treatments: Record<string, { slug: string; name: string; price: string }> = {
  chromium: { slug: "chemical-peel", name: "Chemical peel", price: "134.50" },
  phone: { slug: "laser-hair-removal", name: "Laser hair removal, small area", price: "82" },
};

/** A webhook receiver on this machine, keeping every request it is sent. */
async function receiver() {
  const heard: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      heard.push({ headers: request.headers, body });
      response.end("ok");
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, heard, close: () => server.close() };
}

/** The README's scheme: HMAC-SHA256 under the secret over `t.body`, against each `v1`. */
function signedBy(header: string, body: string, secret: string): boolean {
  const parts = header.split(",").map((part) => part.split("=", 2) as [string, string]);
  const t = parts.find(([name]) => name === "t")?.[1] ?? "";
  const mac = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  return parts.some(([name, value]) => name === "v1" && value.length === mac.length && timingSafeEqual(Buffer.from(value), mac));
}

test("a clinic admin changes a price and the public page shows it at once, then makes an API key and a webhook", async ({ page }, testInfo) => {
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

  // Still signed in (a second sign-in would need another code): the admin makes an API
  // key for another system, sees its secret once, and revokes it.
  const name = `Practice system (${testInfo.project.name})`;
  await page.goto("/admin/settings");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const keys = page.getByRole("region", { name: "API keys" });
  await keys.getByLabel("Key name").fill(name);
  await keys.getByLabel(/Read and write/).check();
  await keys.getByRole("button", { name: "Make a key" }).click();
  const secret = keys.getByTestId("new-key");
  await expect(secret).toHaveValue(/^lumen_[0-9a-f]{64}$/);
  const key = await secret.inputValue();
  await expect(keys.getByRole("row").filter({ hasText: name })).toContainText("Read and write");

  const range = "/api/v1/appointments?from=2026-01-01&to=2026-01-31";
  const answer = await page.request.get(range, { headers: { Authorization: `Bearer ${key}` } });
  expect(answer.status()).toBe(200);
  expect((await answer.json()).data).toEqual([]);

  // A webhook endpoint for new patients: a slip first, then the receiver's address; its
  // secret is shown once, and a patient added through the API reaches it, signed.
  const hooks = page.getByRole("region", { name: "Webhooks" });
  const receiving = await receiver();
  try {
    const address = hooks.getByLabel("Endpoint address");
    await address.fill("ftp://127.0.0.1/hooks");
    await hooks.getByLabel(/A patient is added/).check();
    await hooks.getByRole("button", { name: "Add the endpoint" }).click();
    await expect(hooks.locator("#webhook_url-error")).toContainText("must start https://");
    await expect(address).toHaveValue("ftp://127.0.0.1/hooks");
    await address.fill(receiving.url);
    await hooks.getByRole("button", { name: "Add the endpoint" }).click();
    const shown = hooks.getByTestId("new-webhook-secret");
    await expect(shown).toHaveValue(/^whsec_[0-9a-f]{64}$/);
    const signingSecret = await shown.inputValue();
    await expect(hooks.getByRole("listitem").filter({ hasText: receiving.url })).toContainText("patient.created");

    const email = `webhook.${testInfo.project.name}@example.com`;
    const added = await page.request.post("/api/v1/patients", {
      headers: { Authorization: `Bearer ${key}` },
      data: { first_name: "Wen", last_name: "Hook", email, phone: "07700 900456" },
    });
    expect(added.status()).toBe(201);
    const patientId = (await added.json()).id;
    await expect.poll(() => receiving.heard.find((r) => r.body.includes(patientId)), { timeout: 10_000 }).toBeTruthy();
    const delivery = receiving.heard.find((r) => r.body.includes(patientId))!;
    expect(delivery.headers["lumen-event"]).toBe("patient.created");
    expect(signedBy(String(delivery.headers["lumen-signature"]), delivery.body, signingSecret)).toBe(true);
    expect(delivery.body).not.toContain(email);

    await page.reload();
    await expect(page.locator("[data-hydrated=true]")).toBeAttached();
    await expect(hooks.getByTestId("webhook-log")).toContainText("patient.created");
    await hooks.getByRole("button", { name: `Remove ${receiving.url}` }).click();
    await expect(page.getByText("Endpoint removed.")).toBeVisible();
  } finally {
    receiving.close();
  }

  await keys.getByRole("button", { name: `Revoke the key “${name}”` }).click();
  await expect(page.getByText("Key revoked.")).toBeVisible();
  const refused = await page.request.get(range, { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
});

test("a receptionist cannot open the treatment editor", async ({ page }, testInfo) => {
  await page.goto("/sign-in?next=/admin/treatments");
  await signInAsStaff(page, "frontdesk@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 5 : 4]);
  await expect(page).toHaveURL(/\/admin\/treatments$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This area isn't open to your account");
  await expect(page.getByRole("link", { name: "New treatment" })).toHaveCount(0);
});
