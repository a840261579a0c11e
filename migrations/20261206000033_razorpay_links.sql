-- A Razorpay payment link, made when a patient pays without JavaScript: Razorpay's own page
-- for the same payment. The order the checkout opened stays the payment's
-- checkout_session_id; the link (with its own order inside Razorpay) points back to the
-- payment through its reference id, which is the payment's id.
ALTER TABLE payments
    ADD COLUMN payment_link_id text UNIQUE,
    ADD COLUMN payment_link_url text,
    ADD CONSTRAINT payments_link_is_razorpays
        CHECK (payment_link_id IS NULL OR processor = 'razorpay');
