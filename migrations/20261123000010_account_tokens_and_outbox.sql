-- Single-use links sent by email (confirming an address, later resetting a password or
-- accepting a staff invitation). Only the token's SHA-256 is stored: a leaked database
-- holds no link that works.
CREATE TABLE account_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    clinic_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invite')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at    timestamptz,
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id);

-- Messages to patients and staff, written in the same transaction as the change they
-- announce. Without a mail or SMS provider configured they stay here, and clinic admins
-- read them in the staff area's mailbox; a sender (later) delivers and marks them.
CREATE TABLE outbox_messages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id       uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'whatsapp')),
    kind            text NOT NULL,
    recipient       text NOT NULL,
    subject         text NOT NULL DEFAULT '',
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    last_error      text
);
CREATE INDEX outbox_messages_by_clinic ON outbox_messages (clinic_id, created_at DESC);
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE sent_at IS NULL;
