-- Sign-in sessions, kept in Postgres so they survive a restart and work across several
-- app servers. The cookie carries a random token; only its SHA-256 is stored, so a leaked
-- database cannot be replayed as cookies.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    -- Ends after this long without a request…
    idle_timeout interval NOT NULL CHECK (idle_timeout > interval '0'),
    -- …and at this moment whatever happens.
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX sessions_by_user ON sessions (user_id);
