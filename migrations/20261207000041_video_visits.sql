-- Video visits: when each call ran (no recording is ever made), and whether a clinic sends
-- every call through its TURN server so that neither side learns the other's address.
ALTER TABLE appointments
    ADD COLUMN video_started_at timestamptz,
    ADD COLUMN video_ended_at   timestamptz,
    ADD CONSTRAINT appointments_video_times_check
        CHECK (video_ended_at IS NULL OR video_started_at IS NOT NULL);

ALTER TABLE clinics ADD COLUMN video_relay_only boolean NOT NULL DEFAULT false;
