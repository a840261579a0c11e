-- What a clinic asks patients to pay online when they book (domain/payment_policy.rs).
-- A rule is its kind and, for a deposit or a share, its number; the other number is 0.
ALTER TABLE clinics
    ADD COLUMN payment_processor text NOT NULL DEFAULT 'offline'
        CHECK (payment_processor IN ('offline', 'stripe', 'razorpay')),
    ADD COLUMN payment_rule text NOT NULL DEFAULT 'at_clinic'
        CHECK (payment_rule IN ('at_clinic', 'deposit', 'percent', 'full')),
    ADD COLUMN payment_deposit_minor bigint NOT NULL DEFAULT 0,
    ADD COLUMN payment_percent smallint NOT NULL DEFAULT 0,
    ADD COLUMN first_visit_rule text
        CHECK (first_visit_rule IN ('at_clinic', 'deposit', 'percent', 'full')),
    ADD COLUMN first_visit_deposit_minor bigint NOT NULL DEFAULT 0,
    ADD COLUMN first_visit_percent smallint NOT NULL DEFAULT 0,
    ADD COLUMN keep_card_on_file boolean NOT NULL DEFAULT false,
    ADD COLUMN refund_on_time_cancellation boolean NOT NULL DEFAULT true,
    -- Stripe lets a Checkout Session live from 30 minutes to 24 hours.
    ADD COLUMN pay_within_minutes integer NOT NULL DEFAULT 30
        CHECK (pay_within_minutes BETWEEN 30 AND 1440),
    ADD CONSTRAINT clinics_payment_rule_complete CHECK (
        (payment_rule = 'deposit') = (payment_deposit_minor > 0)
        AND (payment_rule = 'percent') = (payment_percent BETWEEN 1 AND 100)
        AND payment_deposit_minor >= 0 AND payment_percent BETWEEN 0 AND 100),
    ADD CONSTRAINT clinics_first_visit_rule_complete CHECK (
        (first_visit_rule IS NOT DISTINCT FROM 'deposit') = (first_visit_deposit_minor > 0)
        AND (first_visit_rule IS NOT DISTINCT FROM 'percent') = (first_visit_percent BETWEEN 1 AND 100)
        AND first_visit_deposit_minor >= 0 AND first_visit_percent BETWEEN 0 AND 100);

-- A treatment's own rule; NULL follows the clinic's. Its fixed deposit stays in
-- deposit_minor, which until now every treatment with a deposit used.
ALTER TABLE treatments
    ADD COLUMN payment_rule text
        CHECK (payment_rule IN ('at_clinic', 'deposit', 'percent', 'full')),
    ADD COLUMN deposit_percent smallint NOT NULL DEFAULT 0;

UPDATE treatments SET payment_rule = 'deposit' WHERE deposit_minor > 0;

ALTER TABLE treatments
    ADD CONSTRAINT treatments_payment_rule_complete CHECK (
        (payment_rule IS NOT DISTINCT FROM 'deposit') = (deposit_minor > 0)
        AND (payment_rule IS NOT DISTINCT FROM 'percent') = (deposit_percent BETWEEN 1 AND 100)
        AND deposit_percent BETWEEN 0 AND 100);
