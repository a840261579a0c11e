-- The clinic's assistant: the questions and answers staff write for it, and the
-- conversations patients have with it (and with staff, once handed over).

-- Conversations are removed this many days after their last message.
ALTER TABLE clinics ADD COLUMN assistant_retention_days integer NOT NULL DEFAULT 90
    CHECK (assistant_retention_days BETWEEN 1 AND 3650);

CREATE TABLE assistant_faqs (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id  uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    question   text NOT NULL CHECK (length(btrim(question)) BETWEEN 3 AND 300),
    answer     text NOT NULL CHECK (length(btrim(answer)) BETWEEN 1 AND 4000),
    position   smallint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL,
    UNIQUE (clinic_id, id)
);
ALTER TABLE assistant_faqs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON assistant_faqs USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- A conversation belongs to the browser holding its secret (a cookie; only its hash is
-- kept), and to a patient when they were signed in.
CREATE TABLE assistant_conversations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id       uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    token_hash      bytea NOT NULL UNIQUE,
    patient_id      uuid,
    -- assistant: the assistant answers; handed_over: waiting for, or talking with, staff;
    -- closed: staff closed it.
    status          text NOT NULL DEFAULT 'assistant'
                    CHECK (status IN ('assistant', 'handed_over', 'closed')),
    urgent          boolean NOT NULL DEFAULT false,
    started_at      timestamptz NOT NULL,
    last_message_at timestamptz NOT NULL,
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX assistant_conversations_open ON assistant_conversations
    (clinic_id, urgent DESC, last_message_at DESC) WHERE status <> 'closed';
ALTER TABLE assistant_conversations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON assistant_conversations USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

CREATE TABLE assistant_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id       uuid NOT NULL,
    conversation_id uuid NOT NULL,
    author          text NOT NULL CHECK (author IN ('patient', 'assistant', 'staff')),
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    -- The clinic pages an answer came from: [{"title": …, "href": …}].
    sources         jsonb NOT NULL DEFAULT '[]',
    -- Free times the assistant offered, each a button that holds it through the booking
    -- steps: [{"treatment": …, "provider": …, "start": …, "label": …}].
    offers          jsonb NOT NULL DEFAULT '[]',
    -- What the safety layer found in a patient's message, such as `red_flag:sight` or
    -- `refusal:dose`; NULL when it found nothing.
    screening       text,
    staff_user_id   uuid,
    sent_at         timestamptz NOT NULL,
    FOREIGN KEY (clinic_id, conversation_id)
        REFERENCES assistant_conversations (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX assistant_messages_by_conversation ON assistant_messages (conversation_id, id);
ALTER TABLE assistant_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON assistant_messages USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
