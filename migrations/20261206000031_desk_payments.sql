-- Payments taken at the clinic's desk (cash, the card terminal), recorded by staff so the
-- books balance with what was taken online.
ALTER TABLE payments DROP CONSTRAINT payments_processor_check;
ALTER TABLE payments ADD CONSTRAINT payments_processor_check
    CHECK (processor IN ('stripe', 'razorpay', 'cash', 'card_terminal'));

ALTER TABLE payments DROP CONSTRAINT payments_purpose_check;
ALTER TABLE payments ADD CONSTRAINT payments_purpose_check
    CHECK (purpose IN ('booking', 'late_cancel_fee', 'no_show_fee', 'at_desk'));

-- Money taken at the desk is recorded as taken: it never waits for anyone's answer.
ALTER TABLE payments ADD CONSTRAINT payments_desk_is_paid
    CHECK ((processor IN ('cash', 'card_terminal')) = (purpose = 'at_desk')
           AND (purpose <> 'at_desk' OR status = 'paid'));

-- The payments screen reads a clinic's payments by when they were taken.
CREATE INDEX payments_by_day ON payments (clinic_id, paid_at) WHERE paid_at IS NOT NULL;
