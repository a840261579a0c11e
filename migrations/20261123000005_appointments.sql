-- Appointments and the invariant the whole booking flow rests on: one provider (and one
-- room or device) is never in two active appointments at once. Check-then-insert in the
-- application cannot guarantee this under concurrency; the exclusion constraints do.
CREATE TYPE appointment_status AS ENUM (
    'held', 'pending_payment', 'confirmed', 'completed', 'no_show', 'cancelled'
);
CREATE TYPE appointment_mode AS ENUM ('in_person', 'video');

CREATE TABLE appointments (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id         uuid NOT NULL,
    location_id       uuid NOT NULL,
    provider_id       uuid NOT NULL,
    treatment_id      uuid NOT NULL,
    -- A hold has no patient yet.
    patient_id        uuid,
    room_id           uuid,
    mode              appointment_mode NOT NULL DEFAULT 'in_person',
    status            appointment_status NOT NULL,
    -- Half-open [start, end): back-to-back appointments do not overlap.
    period            tstzrange NOT NULL
                      CHECK (NOT isempty(period) AND lower_inc(period) AND NOT upper_inc(period)
                             AND NOT lower_inf(period) AND NOT upper_inf(period)),
    hold_expires_at   timestamptz,
    notes             text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    status_changed_by uuid REFERENCES users (id),
    CHECK (status = 'held' OR patient_id IS NOT NULL),
    CHECK ((status = 'held') = (hold_expires_at IS NOT NULL)),
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id),
    FOREIGN KEY (clinic_id, provider_id) REFERENCES providers (clinic_id, id),
    FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
    FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id),
    CONSTRAINT appointments_provider_no_overlap
        EXCLUDE USING gist (provider_id WITH =, period WITH &&) WHERE (status <> 'cancelled'),
    CONSTRAINT appointments_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, period WITH &&) WHERE (room_id IS NOT NULL AND status <> 'cancelled')
);
CREATE INDEX appointments_by_patient ON appointments (clinic_id, patient_id);
CREATE INDEX appointments_by_clinic_period ON appointments USING gist (clinic_id, period);
