// The demo clinic's staff as the benchmarks sign them in: they share one authenticator
// key (README, "Demo sign-ins"), so the code of the moment is worked out here (RFC 6238).
import { createHmac } from "node:crypto";

export const DEMO_PASSWORD = "juniper-demo-2026";
const KEY = "JUNIPERDEMOSTAFFSECRETKEY2345672";

/** The code an authenticator app shows now for the demo staff. */
export function totp() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const bytes = [];
  for (const ch of KEY) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) { bits -= 8; bytes.push((value >> bits) & 0xff); }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const digest = createHmac("sha1", Buffer.from(bytes)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
