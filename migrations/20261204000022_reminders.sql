-- Reminders before appointments. Each clinic says how many hours before, and by which
-- channels (each patient's own choices decide among those); none goes in the clinic's
-- quiet hours (local time), which move a reminder rather than drop it. A reminder is an
-- outbox row due at its moment, written with the booking and removed by a move or a
-- cancellation.
CREATE TABLE reminder_rules (
    clinic_id    uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    hours_before integer NOT NULL CHECK (hours_before BETWEEN 1 AND 168),
    by_email     boolean NOT NULL DEFAULT true,
    by_sms       boolean NOT NULL DEFAULT true,
    by_whatsapp  boolean NOT NULL DEFAULT true,
    PRIMARY KEY (clinic_id, hours_before)
);
ALTER TABLE reminder_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON reminder_rules USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

ALTER TABLE clinics
    ADD COLUMN quiet_hours_start time NOT NULL DEFAULT '21:00',
    ADD COLUMN quiet_hours_end   time NOT NULL DEFAULT '08:00';

-- Every clinic, old and new, starts with reminders 24 hours and 2 hours before.
INSERT INTO reminder_rules (clinic_id, hours_before)
SELECT id, hours FROM clinics, (VALUES (24), (2)) AS defaults (hours);

CREATE FUNCTION add_default_reminder_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reminder_rules (clinic_id, hours_before) VALUES (NEW.id, 24), (NEW.id, 2);
    RETURN NEW;
END
$$;
CREATE TRIGGER clinics_default_reminder_rules AFTER INSERT ON clinics
    FOR EACH ROW EXECUTE FUNCTION add_default_reminder_rules();

-- Finding an appointment's reminders to remove them.
CREATE INDEX outbox_messages_by_cause ON outbox_messages (clinic_id, cause text_pattern_ops)
    WHERE status = 'queued';
