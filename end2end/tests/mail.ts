import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@playwright/test";
import { mailDir } from "../mail-dir";

/** One email as the tests' SMTP server received it (scripts/test-smtp-server). */
export interface Received {
  rcpt_tos: string[];
  headers: Record<string, string>;
  content_type: string;
  parts: { content_type: string; params: Record<string, string>; filename: string | null; text: string | null }[];
}

function received(): Received[] {
  let names: string[] = [];
  try {
    names = readdirSync(mailDir).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(mailDir, n), "utf8")));
}

/** Waits for the newest email to `to` whose subject matches; the worker sends within seconds. */
export async function emailTo(to: string, subject: RegExp): Promise<Received> {
  let found: Received | undefined;
  await expect
    .poll(() => {
      found = received()
        .filter((m) => m.rcpt_tos.includes(to) && subject.test(m.headers["Subject"] ?? ""))
        .pop();
      return found !== undefined;
    }, { timeout: 15_000 })
    .toBe(true);
  return found!;
}

export function part(email: Received, contentType: string) {
  const found = email.parts.find((p) => p.content_type === contentType);
  expect(found, `a ${contentType} part`).toBeTruthy();
  return found!;
}
