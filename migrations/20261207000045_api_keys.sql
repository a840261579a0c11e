-- The REST API's keys (issue 18): clinic admins make them in the staff area and see each
-- secret once; only its SHA-256 is kept (the secret is 32 random bytes, so a plain hash
-- cannot be reversed by guessing). A key is read-only or read-write, works for its clinic
-- only (row-level security as for every clinic table), and is revoked, never deleted, so
-- the audit log's mentions of it keep their meaning.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id    uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    scope        text NOT NULL CHECK (scope IN ('read', 'write')),
    -- The secret's first characters, shown in the list so staff can tell keys apart.
    prefix       text NOT NULL,
    secret_hash  bytea NOT NULL UNIQUE,
    -- Requests the key may make in any minute; integrations differ in what they need.
    requests_per_minute integer NOT NULL DEFAULT 120
                 CHECK (requests_per_minute BETWEEN 1 AND 100000),
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    UNIQUE (clinic_id, id)
);
-- Two live keys of one name would make the audit log ambiguous.
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (clinic_id, lower(name)) WHERE revoked_at IS NULL;

-- The first answer to a POST made with an `Idempotency-Key`, kept a day: the same key again
-- gets the same answer, and the same key with another request is refused. The row is
-- written first as a claim (status 0) and gets its answer when the request is answered.
CREATE TABLE api_idempotency (
    clinic_id       uuid NOT NULL,
    api_key_id      uuid NOT NULL,
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- SHA-256 of the method, the path and the body.
    request_hash    bytea NOT NULL,
    status          smallint NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key),
    FOREIGN KEY (clinic_id, api_key_id) REFERENCES api_keys (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX api_idempotency_age ON api_idempotency (created_at);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON api_keys USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
ALTER TABLE api_idempotency ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON api_idempotency USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
