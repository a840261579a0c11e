-- Staff sign in with a second factor: a TOTP authenticator (RFC 6238) or one of ten
-- single-use recovery codes. A session records when its second factor was given; staff
-- sessions without one reach only the second-factor pages.
ALTER TABLE users
    ADD COLUMN totp_secret     bytea CHECK (length(totp_secret) >= 16),
    ADD COLUMN totp_enabled_at timestamptz,
    -- The step of the last code accepted: a code is good once.
    ADD COLUMN totp_last_step  bigint,
    ADD CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL);

ALTER TABLE sessions ADD COLUMN second_factor_at timestamptz;

CREATE TABLE recovery_codes (
    clinic_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id) ON DELETE CASCADE
);
