-- The staff calendar: a clinic may let staff double-book on purpose. Such an appointment
-- is marked, so it stands outside the no-overlap constraints that still guard every
-- other booking, and the audit log says who chose it.
ALTER TABLE clinics ADD COLUMN allow_double_booking boolean NOT NULL DEFAULT false;

ALTER TABLE appointments ADD COLUMN double_booked boolean NOT NULL DEFAULT false;

ALTER TABLE appointments
    DROP CONSTRAINT appointments_provider_no_overlap,
    DROP CONSTRAINT appointments_room_no_overlap,
    ADD CONSTRAINT appointments_provider_no_overlap
        EXCLUDE USING gist (provider_id WITH =, period WITH &&)
        WHERE (status <> 'cancelled' AND NOT double_booked),
    ADD CONSTRAINT appointments_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, period WITH &&)
        WHERE (room_id IS NOT NULL AND status <> 'cancelled' AND NOT double_booked);

-- Searching patients by name, email or phone from the staff area.
CREATE INDEX patients_by_name ON patients (clinic_id, lower(last_name), lower(first_name));
