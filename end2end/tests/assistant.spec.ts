import { test, expect, type Page } from "@playwright/test";
import { DEMO_RECOVERY_CODES, signInAsStaff } from "./staff";

/** Asks the assistant on its page and waits for the reply below the question. */
async function ask(page: Page, question: string) {
  // The conversation's own entries; an answer's free times are a list inside one.
  const answers = page.locator('ol[aria-label="Conversation"] > li');
  const before = await answers.count();
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Send" }).click();
  // The answer comes from the debug server, which shares two cores with the other tests
  // (a booking question searches free times): once it took longer than the default 5 s.
  await expect(answers).toHaveCount(before + 2, { timeout: 15_000 });
  return answers.last();
}

test("a patient asks a price and gets it with a link to the treatment's page", async ({ page }, testInfo) => {
  await page.goto("/");
  // On a phone the header's links are behind its menu.
  if (testInfo.project.name === "phone") await page.getByText("Menu").click();
  await page.getByRole("link", { name: "Ask us" }).filter({ visible: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ask us");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();

  const answer = await ask(page, "How much is a HydraFacial?");
  await expect(answer).toContainText("£165");
  // The conversation is kept: a reload shows it again.
  await page.reload();
  await expect(page.getByRole("list", { name: "Conversation" })).toContainText("How much is a HydraFacial?");
  await page.getByRole("list", { name: "Conversation" }).getByRole("link", { name: "HydraFacial" }).click();
  await expect(page).toHaveURL(/\/treatments\/hydrafacial$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("HydraFacial");
});

test("a question typed before the page's code has arrived is still there when it has", async ({ page }) => {
  // The WebAssembly held back, as on a slow phone connection, while the patient types.
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await arrived;
    await route.continue();
  });
  await page.goto("/assistant", { waitUntil: "domcontentloaded" });
  const question = page.getByLabel("Your question");
  await question.fill("Do you open on Saturdays?");
  await expect(page.locator("[data-hydrated=true]")).not.toBeAttached();
  arrive();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(question).toHaveValue("Do you open on Saturdays?");
});

test("a patient books through the assistant and reaches the review step with the time held", async ({ page }) => {
  await page.goto("/assistant");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const answer = await ask(page, "I'd like to book a HydraFacial");
  const times = answer.getByRole("list", { name: "Free times" }).getByRole("button");
  await expect(times.first()).toBeVisible();
  expect(await times.count()).toBeGreaterThan(1);
  const chosen = (await times.first().textContent())!.trim();
  await times.first().click();

  await expect(page).toHaveURL(/\/book\/details\?hold=/);
  await page.getByLabel("First name").fill("Rowan");
  await page.getByLabel("Last name").fill("Assist");
  await page.getByLabel("Email").fill(`rowan.assist.${test.info().project.name}@example.com`);
  await page.getByLabel("Phone").fill("07700 900777");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page).toHaveURL(/\/book\/review\?hold=/);
  // The time chosen in the conversation is the one held, and nothing is booked yet.
  const [day, time] = [chosen.split(",")[0], chosen.match(/\d\d:\d\d/)![0]];
  await expect(page.getByRole("main")).toContainText(time);
  await expect(page.getByRole("main")).toContainText(day.split(" ")[1]);
  await expect(page.getByRole("button", { name: "Confirm booking" })).toBeVisible();
});

test("a red flag is answered at once, and staff see the conversation marked urgent", async ({ page, browser }, testInfo) => {
  await page.goto("/assistant");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const answer = await ask(page, `my lip has gone white and blotchy since my filler (${testInfo.project.name})`);
  await expect(answer).toContainText("999");
  await expect(answer).toContainText("+44 131 496 0100");
  await expect(page.getByRole("status")).toContainText("The clinic's team has this conversation");

  const staff = await (await browser.newContext()).newPage();
  await staff.goto("/sign-in?next=/admin/assistant");
  await signInAsStaff(staff, "amara@juniper-clinic.example", DEMO_RECOVERY_CODES[testInfo.project.name === "phone" ? 3 : 2]);
  // The sign-in lands on the page it was asked for.
  await expect(staff).toHaveURL(/\/admin\/assistant$/);
  await expect(staff.getByRole("heading", { name: "Assistant" })).toBeVisible();
  // Other tests' urgent conversations share the list: open each until this one's words show.
  const urgent = staff.getByRole("list", { name: "Conversations" }).getByRole("listitem").filter({ hasText: "Urgent" });
  await expect(urgent.first()).toBeVisible();
  const links = await urgent.getByRole("link").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  let found = false;
  for (const href of links) {
    await staff.goto(href);
    const transcript = staff.getByRole("list", { name: "Transcript" });
    // Every urgent conversation has its red flag noted: once that shows, the transcript
    // is all there to be read (visible alone, it may still be filling in).
    await expect(transcript).toContainText("Red flag");
    if ((await transcript.textContent())!.includes(`since my filler (${testInfo.project.name})`)) {
      found = true;
      break;
    }
  }
  expect(found).toBe(true);
  await expect(staff.getByRole("list", { name: "Transcript" })).toContainText("Red flag: blood flow");

  await staff.getByLabel("Reply to the patient").fill("Dr Okafor here: please call us now on the urgent line.");
  await staff.getByRole("button", { name: "Send reply" }).click();
  await expect(staff.getByRole("status")).toContainText("Reply sent");
  // The patient's page shows the reply by itself, without a reload.
  await expect(page.getByRole("list", { name: "Conversation" })).toContainText("Dr Okafor here", { timeout: 15_000 });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the assistant's form posts and the page shows the answer", async ({ page }) => {
    await page.goto("/assistant");
    await page.getByLabel("Your question").fill("Are you open on Saturday?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(/\/assistant#latest$/);
    const conversation = page.getByRole("list", { name: "Conversation" });
    await expect(conversation).toContainText("Are you open on Saturday?");
    await expect(conversation).toContainText("10:00–16:00");

    await page.getByLabel("Your question").fill("I think I'm having an allergic reaction, my throat is swelling");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.locator('ol[aria-label="Conversation"] > li').last()).toContainText("Call 999 now");
  });
});

test("on a public page the assistant opens in a panel whose code arrives only then", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto("/treatments/hydrafacial");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const panelCode = () => fetched.filter((path) => path.includes("split_assistant_panel"));
  expect(panelCode()).toEqual([]);

  await page.getByRole("link", { name: "Ask a question" }).click();
  const panel = page.getByRole("dialog", { name: "Ask us" });
  await expect(panel).toBeVisible();
  expect(panelCode().length).toBeGreaterThan(0);
  await panel.getByLabel("Your question").fill("Who does the HydraFacial?");
  await panel.getByRole("button", { name: "Send" }).click();
  await expect(panel.locator('ol[aria-label="Conversation"] > li').last()).toContainText("Hannah Price");
  // The answer came through the stream, the form emptied for the next question.
  expect(fetched).toContain("/api/assistant/stream");
  await expect(panel.getByLabel("Your question")).toHaveValue("");
  // The patient is still on the page they were reading.
  await expect(page).toHaveURL(/\/treatments\/hydrafacial$/);
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
});
