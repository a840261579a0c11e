-- Messages leave the server: the outbox becomes a delivery queue. A worker claims due rows
-- with FOR UPDATE SKIP LOCKED and a lease (so several server processes never send one row
-- twice, and a crashed sender's rows come back when its lease runs out), records each
-- attempt, retries temporary failures with backoff and dead-letters the rest.
ALTER TABLE outbox_messages
    ADD COLUMN status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'dead')),
    -- The HTML part of an email (the plain text is `body`).
    ADD COLUMN html_body text,
    -- One attachment at most today: a booking's iCalendar invitation.
    ADD COLUMN attachment_name text,
    ADD COLUMN attachment_type text,
    ADD COLUMN attachment text,
    -- What caused the message, such as `appointment:<id>:confirmed:0`: one message per
    -- cause, recipient and channel, whatever retries the cause's own code makes.
    ADD COLUMN cause text,
    ADD COLUMN leased_until timestamptz,
    ADD COLUMN provider text,
    ADD COLUMN provider_message_id text,
    ADD COLUMN dead_at timestamptz,
    -- Links in the body are secrets: once the message has gone (or never will), the
    -- stored copy keeps them redacted.
    ADD COLUMN redacted boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT outbox_attachment_whole CHECK (
        (attachment IS NULL) = (attachment_name IS NULL)
        AND (attachment IS NULL) = (attachment_type IS NULL));

UPDATE outbox_messages SET status = 'sent' WHERE sent_at IS NOT NULL;

CREATE UNIQUE INDEX outbox_messages_one_per_cause
    ON outbox_messages (clinic_id, cause, recipient, channel) WHERE cause IS NOT NULL;
DROP INDEX outbox_messages_due;
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE status = 'queued';

-- Every try at handing a message to its provider, for the delivery log.
CREATE TABLE outbox_attempts (
    id              bigserial PRIMARY KEY,
    clinic_id       uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    message_id      uuid NOT NULL REFERENCES outbox_messages (id) ON DELETE CASCADE,
    attempt         integer NOT NULL CHECK (attempt > 0),
    at              timestamptz NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('sent', 'retry', 'dead')),
    -- The provider's own words, never the message.
    error           text,
    next_attempt_at timestamptz,
    UNIQUE (message_id, attempt)
);
CREATE INDEX outbox_attempts_by_message ON outbox_attempts (message_id, attempt);
ALTER TABLE outbox_attempts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON outbox_attempts USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- Calendar invitations for one appointment share its UID; each change raises SEQUENCE so
-- a calendar replaces the old event rather than adding another.
ALTER TABLE appointments ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;
