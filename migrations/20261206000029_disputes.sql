-- A patient's bank disputing a payment (a chargeback): staff answer it in the payment
-- service's dashboard, and the appointment page says so.
ALTER TABLE payments
    ADD COLUMN disputed_at    timestamptz,
    ADD COLUMN dispute_reason text;
