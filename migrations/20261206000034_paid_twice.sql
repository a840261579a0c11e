-- A booking paid twice (Razorpay's checkout and its payment link for the same payment, each
-- paid): the second payment is kept as a payment of its own and refunded in full at once.
ALTER TABLE refunds DROP CONSTRAINT refunds_reason_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_reason_check
    CHECK (reason IN ('paid_late', 'cancelled_in_time', 'cancelled_by_clinic', 'staff',
                      'at_processor', 'paid_twice'));
-- Each of a processor's payments is one of Lumen's payments, once.
CREATE UNIQUE INDEX payments_one_per_processor_payment ON payments (processor, payment_intent_id)
    WHERE payment_intent_id IS NOT NULL;
