import { tmpdir } from "node:os";
import { join } from "node:path";

// Where the tests' SMTP server writes what it receives: the config starts the server
// with it, the tests read it (tests/mail.ts). Workers load both, so it is not random.
export const port = Number(process.env.LUMEN_E2E_PORT ?? 3300);
export const smtpPort = port + 25;
// The local stand-in for Stripe (scripts/test-stripe-server).
export const stripePort = port + 27;
export const stripeSecretKey = "sk_test_lumen_e2e";
export const stripeWebhookSecret = "whsec_lumen_e2e";
// The local stand-in for Razorpay (scripts/test-razorpay-server).
export const razorpayPort = port + 28;
export const razorpayKeyId = "rzp_test_lumen_e2e";
export const razorpayKeySecret = "lumen_e2e_key_secret";
export const razorpayWebhookSecret = "lumen_e2e_webhook_secret";
export const mailDir = process.env.LUMEN_E2E_MAIL_DIR ?? join(tmpdir(), `lumen-e2e-mail-${port}`);
