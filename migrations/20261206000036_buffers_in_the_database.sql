-- A treatment's buffers (time to prepare before, to clear up after) belong to an
-- appointment as much as its own time: two bookings racing past the application's check
-- must not squeeze into each other's buffers. Each appointment stores the period it
-- blocks, its own time widened by its treatment's buffers as they were when it was
-- placed (a trigger keeps it), and the no-overlap constraints guard that period.
CREATE FUNCTION blocked_period(treatment uuid, period tstzrange) RETURNS tstzrange
LANGUAGE sql STABLE AS $$
    SELECT tstzrange(lower(period) - make_interval(mins => t.buffer_before_minutes),
                     upper(period) + make_interval(mins => t.buffer_after_minutes), '[)')
    FROM treatments t WHERE t.id = treatment
$$;

ALTER TABLE appointments ADD COLUMN blocked tstzrange;
UPDATE appointments SET blocked = blocked_period(treatment_id, period);
ALTER TABLE appointments ALTER COLUMN blocked SET NOT NULL;

CREATE FUNCTION appointments_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.blocked := blocked_period(NEW.treatment_id, NEW.period);
    RETURN NEW;
END
$$;
CREATE TRIGGER appointments_blocked
    BEFORE INSERT OR UPDATE OF period, treatment_id ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointments_blocked();

ALTER TABLE appointments
    DROP CONSTRAINT appointments_provider_no_overlap,
    DROP CONSTRAINT appointments_room_no_overlap,
    ADD CONSTRAINT appointments_provider_no_overlap
        EXCLUDE USING gist (provider_id WITH =, blocked WITH &&)
        WHERE (status <> 'cancelled' AND NOT double_booked),
    ADD CONSTRAINT appointments_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, blocked WITH &&)
        WHERE (room_id IS NOT NULL AND status <> 'cancelled' AND NOT double_booked);
CREATE INDEX appointments_by_clinic_blocked ON appointments USING gist (clinic_id, blocked);
