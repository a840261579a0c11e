-- A clinic's own wording for a kind of message on one channel. No row: the built-in
-- wording. Templates are checked when saved (known variables only) and rendered
-- sandboxed when a message is written.
CREATE TABLE message_templates (
    clinic_id  uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    kind       text NOT NULL,
    channel    text NOT NULL CHECK (channel IN ('email', 'sms', 'whatsapp')),
    subject    text NOT NULL DEFAULT '' CHECK (length(subject) <= 200),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    updated_at timestamptz NOT NULL,
    updated_by uuid,
    PRIMARY KEY (clinic_id, kind, channel)
);
ALTER TABLE message_templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON message_templates USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
