-- Money taken online for a booking, and the processors' events already applied.
CREATE TABLE payments (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id           uuid NOT NULL REFERENCES clinics (id),
    appointment_id      uuid NOT NULL,
    processor           text NOT NULL CHECK (processor IN ('stripe', 'razorpay')),
    amount_minor        bigint NOT NULL CHECK (amount_minor > 0),
    currency            text NOT NULL,
    -- open: waiting for the patient; paid; expired: not paid in time; failed.
    status              text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'paid', 'expired', 'failed')),
    -- Sent with the call that opens it, and stored before that call is first tried, so a
    -- retry after a timeout is the same request to the processor.
    idempotency_key     text NOT NULL UNIQUE,
    checkout_session_id text UNIQUE,
    checkout_url        text,
    payment_intent_id   text,
    -- The booking waits for the payment until then; Stripe's session expires with it.
    expires_at          timestamptz NOT NULL,
    paid_at             timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL)),
    FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
-- One payment waits per booking at a time.
CREATE UNIQUE INDEX payments_one_open_per_appointment ON payments (appointment_id)
    WHERE status = 'open';
CREATE INDEX payments_open_by_expiry ON payments (expires_at) WHERE status = 'open';
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON payments USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
-- A payment is history: the app corrects it by its status, never removes it.
REVOKE DELETE ON payments FROM lumen_app;

-- A processor's event is applied once: its id is inserted in the transaction that applies
-- it, so a repeat (or the same event five times at once) changes nothing.
CREATE TABLE payment_events (
    processor   text NOT NULL,
    event_id    text NOT NULL,
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    kind        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (processor, event_id)
);
ALTER TABLE payment_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON payment_events USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
REVOKE UPDATE, DELETE ON payment_events FROM lumen_app;

-- A booking waiting for its payment is a longer hold: the time stays the patient's until
-- the payment's limit (hold_expires_at), the details wait in the draft, and the patient is
-- attached (and the confirmation sent) once it is paid. `booking_account` remembers the
-- signed-in patient who is booking it meanwhile.
ALTER TABLE appointments
    DROP CONSTRAINT appointments_check1,
    ADD CONSTRAINT appointments_hold_expiry
        CHECK ((status IN ('held', 'pending_payment')) = (hold_expires_at IS NOT NULL)),
    DROP CONSTRAINT appointments_patient_check,
    ADD CONSTRAINT appointments_patient_check
        CHECK (status IN ('held', 'pending_payment', 'cancelled') OR patient_id IS NOT NULL
               OR capacity IS NOT NULL),
    ADD COLUMN booking_account uuid REFERENCES users (id);
