-- A second booking backend (issue 18): a practice-management system keeps the clinic's
-- diary and Lumen books through it. Lumen's own rows stay the record its pages, messages,
-- payments and reports read; these tables tie them to the system's own ids.

-- What the system calls each treatment (its service), provider (its therapist) and
-- location (its centre): set when the clinic connects the system.
CREATE TABLE practice_ids (
    clinic_id   uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('treatment', 'provider', 'location')),
    lumen_id    uuid NOT NULL,
    practice_id text NOT NULL CHECK (length(practice_id) BETWEEN 1 AND 200),
    PRIMARY KEY (clinic_id, kind, lumen_id),
    UNIQUE (clinic_id, kind, practice_id)
);
ALTER TABLE practice_ids ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON practice_ids USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- Each Lumen appointment made through the system: the slot reserved there while it is a
-- hold, then the appointment it became there.
CREATE TABLE practice_appointments (
    appointment_id          uuid PRIMARY KEY REFERENCES appointments (id) ON DELETE CASCADE,
    clinic_id               uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    reservation_id          text,
    practice_appointment_id text,
    CHECK (num_nonnulls(reservation_id, practice_appointment_id) = 1)
);
ALTER TABLE practice_appointments ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON practice_appointments USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
