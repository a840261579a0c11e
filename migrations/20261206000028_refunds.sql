-- Money returned from a payment: stored (with the key its call to the processor carries)
-- in the transaction that decides it, then sent; a retry sends the same request.
CREATE TABLE refunds (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id           uuid NOT NULL REFERENCES clinics (id),
    payment_id          uuid NOT NULL REFERENCES payments (id),
    amount_minor        bigint NOT NULL CHECK (amount_minor > 0),
    -- paid_late: the payment came after its booking was released; cancelled_in_time: the
    -- patient cancelled before the late-cancel window; cancelled_by_clinic; staff: a member
    -- of staff refunded it by hand; at_processor: made in the processor's own dashboard.
    reason              text NOT NULL CHECK (reason IN ('paid_late', 'cancelled_in_time',
                            'cancelled_by_clinic', 'staff', 'at_processor')),
    -- Staff's words for a refund they made: for the clinic's books, never sent.
    note                text,
    requested_by        uuid REFERENCES users (id),
    -- requested: stored, not yet accepted by the processor; pending: accepted, on its way;
    -- succeeded; failed (the processor refused it or could not return it).
    status              text NOT NULL DEFAULT 'requested'
                        CHECK (status IN ('requested', 'pending', 'succeeded', 'failed')),
    idempotency_key     text NOT NULL UNIQUE,
    processor_refund_id text UNIQUE,
    failure             text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CHECK ((reason = 'staff') = (requested_by IS NOT NULL))
);
CREATE INDEX refunds_by_payment ON refunds (payment_id);
CREATE INDEX refunds_to_send ON refunds (created_at) WHERE status = 'requested';
ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON refunds USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
REVOKE DELETE ON refunds FROM lumen_app;
