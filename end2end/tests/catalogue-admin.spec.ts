import { test, expect } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

// Each browser project edits its own provider: the projects share one server and database.
const providers: Record<string, { name: string; treatment: string; title: string; code: string }> = {
  chromium: { name: "Sofia Marques", treatment: "microneedling", title: "Lead aesthetic nurse", code: DEMO_RECOVERY_CODES[3] },
  phone: { name: "Priya Nair", treatment: "ipl-photofacial", title: "Head of laser", code: DEMO_RECOVERY_CODES[4] },
};

test("an admin updates a provider's profile and hours, fixing a slip on the way", async ({ page }, testInfo) => {
  const provider = providers[testInfo.project.name];
  await page.goto("/sign-in?next=/admin/providers");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await signInAsStaff(page, "admin@juniper-clinic.example", provider.code);
  await expect(page).toHaveURL(/\/admin\/providers$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Providers");

  await page.getByRole("link", { name: provider.name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(provider.name);
  await page.getByLabel("Title", { exact: true }).fill(provider.title);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page).toHaveURL(/\?saved=profile$/);
  await expect(page.getByRole("status")).toContainText("Profile saved");
  // The screen reloads its data after a save, and typing into it before that reload lands
  // is lost with the form it replaces (a known weakness of the staff screens, noted on
  // issue 13). Under load that reload can land after the network has gone quiet, so the
  // page is loaded afresh before the hours are typed: what this test checks is the hours.
  await page.reload();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue(provider.title);

  // A day written the way people say it is refused beside that day, and stays as typed.
  const newTown = page.getByRole("form", { name: "At New Town" });
  const monday = newTown.getByLabel("Monday");
  await monday.fill("9 to 5");
  await newTown.getByRole("button", { name: "Save hours at New Town" }).click();
  await expect(newTown.getByText("Write “9 to 5” as a start and end time")).toBeVisible();
  await expect(monday).toHaveAttribute("aria-invalid", "true");
  await expect(monday).toHaveValue("9 to 5");

  await monday.fill("10:00-16:00");
  await newTown.getByRole("button", { name: "Save hours at New Town" }).click();
  await expect(page).toHaveURL(/\?saved=hours$/);
  await expect(page.getByRole("status")).toContainText("Working hours saved");
  await expect(page.getByRole("form", { name: "At New Town" }).getByLabel("Monday")).toHaveValue("10:00–16:00");

  // A portrait: drawn here, uploaded through the plain file form, shown on the public page.
  const portrait = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 800;
    canvas.height = 600;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#c8d8cf";
    g.fillRect(0, 0, 800, 600);
    g.fillStyle = "#2f4f4f";
    g.beginPath();
    g.arc(400, 260, 150, 0, Math.PI * 2);
    g.fill();
    return canvas.toDataURL("image/jpeg", 0.9).split(",")[1];
  });
  await page.getByLabel("Choose a photo").setInputFiles({
    name: "portrait.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from(portrait, "base64"),
  });
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page).toHaveURL(/\?saved=photo$/);
  await expect(page.getByRole("status")).toContainText("Photo saved");
  await expect(page.getByRole("img", { name: "Current photo" })).toBeVisible();

  await page.goto(`/treatments/${provider.treatment}`);
  await expect(page.getByText(provider.title)).toBeVisible();
  const card = page.getByRole("listitem").filter({ hasText: provider.name });
  await expect(card.locator('img[src^="/media/"]')).toHaveJSProperty("naturalWidth", 480);
});
