-- Group sessions (workshops, classes): a treatment with a capacity is booked by the seat.
-- A session is an appointment row with that capacity and no patient of its own, so the
-- no-overlap constraints keep its provider and room free of anything else; its patients
-- hold seats. Booking a seat locks the session's row, so seats never outnumber capacity.
ALTER TABLE treatments ADD COLUMN capacity integer CHECK (capacity BETWEEN 2 AND 200);
ALTER TABLE appointments ADD COLUMN capacity integer CHECK (capacity BETWEEN 2 AND 200);

ALTER TABLE appointments DROP CONSTRAINT appointments_patient_check,
    ADD CONSTRAINT appointments_patient_check
        CHECK (status IN ('held', 'cancelled') OR patient_id IS NOT NULL OR capacity IS NOT NULL);

CREATE TABLE session_seats (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id         uuid NOT NULL,
    appointment_id    uuid NOT NULL,
    patient_id        uuid NOT NULL,
    status            text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
    booked_at         timestamptz NOT NULL,
    cancelled_at      timestamptz,
    FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id) ON DELETE CASCADE
);
-- One seat per patient per session.
CREATE UNIQUE INDEX session_seats_once ON session_seats (appointment_id, patient_id)
    WHERE status = 'booked';
ALTER TABLE session_seats ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON session_seats USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
