-- Money taken other than at a booking's checkout: a late-cancellation or no-show fee
-- charged to the card the patient let the clinic keep, and (later) payments at the desk.
ALTER TABLE payments
    ADD COLUMN purpose text NOT NULL DEFAULT 'booking'
        CHECK (purpose IN ('booking', 'late_cancel_fee', 'no_show_fee')),
    -- The processor's customer the card was kept for (Stripe's `cus_…`), when it was.
    ADD COLUMN customer_id text,
    -- Why the processor refused the payment, in its words, for staff.
    ADD COLUMN failure text,
    -- Staff's note on a fee (for the clinic's books; the patient is not shown it).
    ADD COLUMN note text CHECK (length(note) <= 500),
    -- Who charged a fee.
    ADD COLUMN taken_by uuid REFERENCES users(id),
    -- Only a booking's payment waits for a checkout that expires.
    ALTER COLUMN expires_at DROP NOT NULL;

ALTER TABLE payments ADD CONSTRAINT payments_expiry
    CHECK ((purpose = 'booking') = (expires_at IS NOT NULL));

-- A fee's answer is found by the payment intent Lumen's call created.
CREATE INDEX payments_by_intent ON payments (payment_intent_id)
    WHERE payment_intent_id IS NOT NULL;
