-- The waitlist (issue 17): patients who found no time that suits them say which treatment,
-- which provider (or any), and which days and hours they can do. When such a time is free
-- (a cancellation, a move, a released hold, new hours), Lumen holds it for a short while
-- and offers it to the first few who wait for it, in the order they joined; the first to
-- take the offer gets the hold and books it through the usual steps.
CREATE TABLE waitlist_entries (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id         uuid NOT NULL,
    patient_id        uuid NOT NULL,
    treatment_id      uuid NOT NULL,
    -- NULL: any provider who performs the treatment.
    provider_id       uuid,
    -- ISO 8601 weekdays (1 = Monday) the patient can come on.
    weekdays          smallint[] NOT NULL
                      CHECK (cardinality(weekdays) BETWEEN 1 AND 7
                             AND weekdays <@ '{1,2,3,4,5,6,7}'::smallint[]),
    -- The visit must start no earlier and end no later, in the location's time.
    earliest          time NOT NULL,
    latest            time NOT NULL CHECK (latest > earliest),
    -- The last day the patient can come; after it the entry ends by itself.
    last_day          date NOT NULL,
    -- The patient asked for a text too when a time is offered (to the patient's phone).
    by_sms            boolean NOT NULL DEFAULT false,
    -- waiting: offered times as they come free; taken: took an offer; left: the patient
    -- left by their link; removed: by staff.
    status            text NOT NULL DEFAULT 'waiting'
                      CHECK (status IN ('waiting', 'taken', 'left', 'removed')),
    -- The link in the patient's emails that lets them leave (only its hash is kept).
    leave_token_hash  bytea NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL,
    status_changed_at timestamptz NOT NULL,
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, provider_id) REFERENCES providers (clinic_id, id) ON DELETE CASCADE
);
-- The matcher reads who waits for a treatment, first come first.
CREATE INDEX waitlist_entries_waiting ON waitlist_entries (clinic_id, treatment_id, created_at)
    WHERE status = 'waiting';

-- A time offered to one waiting patient: the hold Lumen placed for it, what it was (kept
-- after the hold is gone, so the same time is never offered to them twice), and the link.
CREATE TABLE waitlist_offers (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id      uuid NOT NULL,
    entry_id       uuid NOT NULL,
    appointment_id uuid NOT NULL,
    provider_id    uuid NOT NULL,
    period         tstzrange NOT NULL,
    token_hash     bytea NOT NULL UNIQUE,
    -- open: waiting for the patient; taken: they took it; gone: another patient took it
    -- first (they were told); expired: nobody took it in time.
    status         text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'taken', 'gone', 'expired')),
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL,
    answered_at    timestamptz,
    FOREIGN KEY (clinic_id, entry_id) REFERENCES waitlist_entries (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX waitlist_offers_by_entry ON waitlist_offers (entry_id);
CREATE INDEX waitlist_offers_by_appointment ON waitlist_offers (appointment_id);
CREATE INDEX waitlist_offers_open ON waitlist_offers (expires_at) WHERE status = 'open';

ALTER TABLE waitlist_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON waitlist_entries USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
ALTER TABLE waitlist_offers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON waitlist_offers USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
