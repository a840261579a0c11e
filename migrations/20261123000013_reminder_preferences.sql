-- How a patient wants to hear from the clinic about their appointments. Email by default;
-- texts and WhatsApp only when the patient chooses them.
ALTER TABLE patients
    ADD COLUMN remind_by_email    boolean NOT NULL DEFAULT true,
    ADD COLUMN remind_by_sms      boolean NOT NULL DEFAULT false,
    ADD COLUMN remind_by_whatsapp boolean NOT NULL DEFAULT false;
