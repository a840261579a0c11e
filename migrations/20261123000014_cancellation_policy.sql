-- The clinic's cancellation policy: how close to an appointment patients may still cancel
-- online, and the words they are shown.
ALTER TABLE clinics
    ADD COLUMN late_cancel_hours integer NOT NULL DEFAULT 24
        CHECK (late_cancel_hours BETWEEN 0 AND 336),
    ADD COLUMN cancellation_policy text NOT NULL DEFAULT '';
