-- When and where providers work, and the rooms and devices treatments take place in.
CREATE TABLE rooms (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    location_id uuid NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('room', 'device')),
    active      boolean NOT NULL DEFAULT true,
    UNIQUE (clinic_id, id),
    UNIQUE (location_id, name),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id)
);

-- Weekly working hours in the location's local time; several ranges a day are allowed.
CREATE TABLE provider_schedules (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL,
    provider_id uuid NOT NULL,
    location_id uuid NOT NULL,
    weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO 8601: 1 = Monday
    starts      time NOT NULL,
    ends        time NOT NULL CHECK (ends > starts),
    valid_from  date,
    valid_until date CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from),
    FOREIGN KEY (clinic_id, provider_id) REFERENCES providers (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id)
);
CREATE INDEX provider_schedules_by_provider ON provider_schedules (provider_id, weekday);

CREATE TABLE time_off (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL,
    provider_id uuid NOT NULL,
    period      tstzrange NOT NULL CHECK (NOT isempty(period)),
    reason      text NOT NULL DEFAULT '',
    FOREIGN KEY (clinic_id, provider_id) REFERENCES providers (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX time_off_by_provider ON time_off USING gist (provider_id, period);
