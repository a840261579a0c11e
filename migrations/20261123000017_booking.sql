-- Online booking: the rooms or devices a treatment needs, the clinic's booking rules, holds
-- that carry the patient's details while they type, links to manage a booking, arrival,
-- and the history of every appointment.

-- A treatment that needs a room or device can take place in any one of these; a treatment
-- with none needs no room.
CREATE TABLE treatment_rooms (
    clinic_id    uuid NOT NULL,
    treatment_id uuid NOT NULL,
    room_id      uuid NOT NULL,
    PRIMARY KEY (treatment_id, room_id),
    FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id) ON DELETE CASCADE
);
ALTER TABLE treatment_rooms ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON treatment_rooms USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- How close to its start a treatment may still be cancelled online; NULL: the clinic's rule.
ALTER TABLE treatments
    ADD COLUMN late_cancel_hours integer CHECK (late_cancel_hours BETWEEN 0 AND 336);

ALTER TABLE clinics
    ADD COLUMN hold_minutes integer NOT NULL DEFAULT 10 CHECK (hold_minutes BETWEEN 1 AND 60),
    ADD COLUMN slot_minutes integer NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 5 AND 120),
    ADD COLUMN min_notice_minutes integer NOT NULL DEFAULT 120
        CHECK (min_notice_minutes BETWEEN 0 AND 20160),
    ADD COLUMN horizon_days integer NOT NULL DEFAULT 60 CHECK (horizon_days BETWEEN 1 AND 365);

ALTER TABLE appointments
    -- SHA-256 of the secret in the link that holds, and later manages, this booking. The
    -- link itself is never stored.
    ADD COLUMN access_token_hash bytea UNIQUE,
    -- What the patient typed while the slot was held (name, email, phone, notes, mode).
    ADD COLUMN draft jsonb,
    ADD COLUMN arrived_at timestamptz,
    ADD COLUMN booked_at timestamptz;

-- A hold that expired unconfirmed is released as a cancelled row with no patient, keeping
-- what was typed for a day in case its patient comes back (then it is deleted).
ALTER TABLE appointments DROP CONSTRAINT appointments_check,
    ADD CONSTRAINT appointments_patient_check
        CHECK (status IN ('held', 'cancelled') OR patient_id IS NOT NULL);

-- Holds that expire are released by a worker; until it runs, bookings skip them by time.
CREATE INDEX appointments_expired_holds ON appointments (hold_expires_at) WHERE status = 'held';

-- Every change to an appointment: what became of it, when, and by whom (a staff member,
-- the patient's own account, the manage link, or the system for expired holds).
CREATE TABLE appointment_changes (
    id             bigserial PRIMARY KEY,
    clinic_id      uuid NOT NULL,
    appointment_id uuid NOT NULL,
    change         text NOT NULL CHECK (change IN
                       ('booked', 'moved', 'cancelled', 'arrived', 'completed', 'no_show')),
    status         appointment_status NOT NULL,
    period         tstzrange NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    changed_by     uuid REFERENCES users (id),
    via            text NOT NULL CHECK (via IN ('staff', 'patient', 'manage_link', 'system')),
    FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX appointment_changes_by_appointment ON appointment_changes (appointment_id, id);
ALTER TABLE appointment_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON appointment_changes USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- Staff notes on a patient, newest first on the patient's page.
CREATE TABLE patient_notes (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id  uuid NOT NULL,
    patient_id uuid NOT NULL,
    author_id  uuid REFERENCES users (id),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX patient_notes_by_patient ON patient_notes (patient_id, created_at);
ALTER TABLE patient_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON patient_notes USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
