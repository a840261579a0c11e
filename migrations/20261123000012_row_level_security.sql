-- Row-level security: the second wall between clinics. The app's queries run as the role
-- `lumen_app` (the server switches to it on every pooled connection), which owns nothing,
-- cannot bypass RLS, and sees only rows of the clinic named by the `app.clinic_id`
-- setting. A query that forgets its `clinic_id` filter still cannot read another clinic.
-- Migrations, the seed and operator commands run as the database owner.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lumen_app') THEN
        CREATE ROLE lumen_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
-- The owner must be able to SET ROLE to it (a superuser always can).
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'lumen_app', 'MEMBER') THEN
        EXECUTE format('GRANT lumen_app TO %I', current_user);
    END IF;
END
$$;

CREATE FUNCTION current_clinic_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.clinic_id', true), '')::uuid
$$;

GRANT USAGE ON SCHEMA public TO lumen_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO lumen_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO lumen_app;
-- Tables added by later migrations get the same grants (their policies are their own).
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lumen_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO lumen_app;
REVOKE ALL ON _sqlx_migrations FROM lumen_app;
-- Append-only for the app, on top of the trigger that refuses changes to everyone.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM lumen_app;

ALTER TABLE clinics ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON clinics USING (id = current_clinic_id());

-- Every clinic-owned table: rows of the current clinic only, for reading and writing.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables tb
          ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'clinic_id'
          AND tb.table_type = 'BASE TABLE'
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant ON %I USING (clinic_id = current_clinic_id()) '
            'WITH CHECK (clinic_id = current_clinic_id())', t);
    END LOOP;
END
$$;

-- The audit chain runs across clinics, so appending needs the newest hash of all; this
-- function (running as the owner) gives exactly that and nothing else.
CREATE FUNCTION audit_log_last_hash() RETURNS bytea
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1
$$;
REVOKE ALL ON FUNCTION audit_log_last_hash() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_log_last_hash() TO lumen_app;
