-- Attempts at abuse-prone actions (signing in today), counted per bucket in a sliding
-- window. In Postgres, so every app server sees the same counts. Buckets never hold an
-- email address in clear: account buckets use its SHA-256.
CREATE TABLE rate_limit_hits (
    bucket text NOT NULL,
    at     timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (bucket, at);
