-- The audit log: who did what to which record, when and from where, never the data
-- itself. Rows are chained by hash (each row's hash covers the previous row's), so an
-- edited or deleted row breaks the chain and `lumen audit-verify` finds it; a trigger
-- refuses UPDATE, DELETE and TRUNCATE for everyone, the owner included.
CREATE TABLE audit_log (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    -- No foreign keys: the record must outlive the people and rows it mentions.
    clinic_id     uuid,
    actor_user_id uuid,
    actor_role    text NOT NULL,
    action        text NOT NULL,
    subject_type  text NOT NULL,
    subject_id    uuid,
    request_id    text NOT NULL DEFAULT '',
    prev_hash     bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash          bytea NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_by_clinic ON audit_log (clinic_id, at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
