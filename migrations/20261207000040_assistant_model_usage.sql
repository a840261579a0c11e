-- What a model behind the assistant has cost, in tokens, so that one conversation or one
-- address cannot run up the clinic's bill: past a cap the built-in engine answers.

ALTER TABLE assistant_conversations ADD COLUMN model_tokens integer NOT NULL DEFAULT 0
    CHECK (model_tokens >= 0);

-- Per address and day (UTC). The address is kept only as a hash, for two days.
CREATE TABLE assistant_address_usage (
    clinic_id    uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    address_hash bytea NOT NULL,
    day          date NOT NULL,
    tokens       integer NOT NULL CHECK (tokens >= 0),
    PRIMARY KEY (clinic_id, address_hash, day)
);
ALTER TABLE assistant_address_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON assistant_address_usage USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());
