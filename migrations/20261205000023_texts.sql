-- Texts and WhatsApp through Twilio: what the provider later says about a message
-- (delivered, failed, undelivered), numbers that replied STOP, and what patients text back.

-- Twilio's status callbacks arrive after the send, in any order; `failed` joins the states.
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check;
ALTER TABLE outbox_messages
    ADD CONSTRAINT outbox_messages_status_check
        CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'dead')),
    -- When the provider last said what became of the message, and its error code if any.
    ADD COLUMN status_at timestamptz,
    ADD COLUMN delivery_error text,
    -- The named values a WhatsApp template is filled with outside the 24-hour window
    -- (`{"first_name": "Isla", ...}`); the body is the same message in words.
    ADD COLUMN variables jsonb;
CREATE INDEX outbox_messages_by_provider_id
    ON outbox_messages (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;

-- Every report Twilio sent about a message, kept as it came: a report can arrive before
-- the sender has recorded the message's id, and reports arrive in any order, so a
-- message's state is worked out from all of its reports each time one comes.
CREATE TABLE delivery_reports (
    id                  bigserial PRIMARY KEY,
    clinic_id           uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    provider            text NOT NULL,
    provider_message_id text NOT NULL,
    status              text NOT NULL,
    error_code          text,
    at                  timestamptz NOT NULL
);
CREATE INDEX delivery_reports_by_message ON delivery_reports (clinic_id, provider, provider_message_id);
ALTER TABLE delivery_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON delivery_reports USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- A number that replied STOP gets nothing more on that channel until it replies START.
CREATE TABLE message_opt_outs (
    clinic_id  uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    phone      text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    channel    text NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    at         timestamptz NOT NULL,
    PRIMARY KEY (clinic_id, phone, channel)
);
ALTER TABLE message_opt_outs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON message_opt_outs USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- What patients send: STOP and START are acted on, C confirms the next appointment, and
-- everything else waits in the staff inbox, tied to the patient when the number is known.
CREATE TABLE inbound_messages (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id           uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    channel             text NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    -- The provider's id: a webhook delivered twice is recorded once.
    provider_message_id text NOT NULL,
    from_phone          text NOT NULL,
    patient_id          uuid,
    body                text NOT NULL,
    received_at         timestamptz NOT NULL,
    -- What Lumen did with it.
    handled_as          text NOT NULL
        CHECK (handled_as IN ('opt_out', 'opt_in', 'confirmed', 'inbox')),
    read_at             timestamptz,
    UNIQUE (clinic_id, provider_message_id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id) ON DELETE SET NULL (patient_id)
);
CREATE INDEX inbound_messages_recent ON inbound_messages (clinic_id, received_at DESC);
-- WhatsApp's 24-hour window: the last message a number sent.
CREATE INDEX inbound_messages_by_phone ON inbound_messages (clinic_id, from_phone, channel, received_at DESC);
ALTER TABLE inbound_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON inbound_messages USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- A patient's "C" to a reminder: they are coming.
ALTER TABLE appointments ADD COLUMN patient_confirmed_at timestamptz;

-- Finding a patient by the number a text came from.
CREATE INDEX patients_phone ON patients (clinic_id, phone) WHERE phone <> '';

-- Numbers were kept as typed; those written with their country code become E.164 now.
-- Numbers without one stay as they were until the patient or staff next save them.
UPDATE patients
SET phone = '+' || regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')
WHERE phone ~ '^\s*\+' AND length(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')) BETWEEN 8 AND 15;
UPDATE patients
SET phone = '+' || regexp_replace(substr(trim(phone), 3), '[^0-9]', '', 'g')
WHERE trim(phone) ~ '^00' AND length(regexp_replace(substr(trim(phone), 3), '[^0-9]', '', 'g')) BETWEEN 8 AND 15;
