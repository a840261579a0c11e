-- Days the clinic is closed (issue 19): public holidays and one-off closures, for the
-- whole clinic (no location) or one location. Nothing is offered on them in any channel.
-- Days are the location's own local dates, both ends included.
CREATE TABLE closures (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    location_id uuid,
    first_day   date NOT NULL,
    last_day    date NOT NULL,
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT closures_in_order CHECK (first_day <= last_day),
    -- A closure longer than a year is a mistake in a date, not a closure.
    CONSTRAINT closures_within_a_year CHECK (last_day - first_day < 366),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE
);
-- Loading a year's public holidays twice adds nothing the second time.
CREATE UNIQUE INDEX closures_once ON closures (clinic_id, coalesce(location_id, clinic_id), first_day, last_day);
CREATE INDEX closures_by_day ON closures (clinic_id, last_day);
ALTER TABLE closures ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON closures USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- Whether `location` of `clinic` is closed on its local `day`: the one statement of the
-- rule the queries that read working time and sessions share.
CREATE FUNCTION closed_on(clinic uuid, location uuid, day date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM closures k
        WHERE k.clinic_id = clinic
          AND (k.location_id IS NULL OR k.location_id = location)
          AND day BETWEEN k.first_day AND k.last_day)
$$;
