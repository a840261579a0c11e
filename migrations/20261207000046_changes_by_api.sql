-- A booking changed through the REST API (issue 18) is the API's in its history; the key
-- that made the change is in the audit log.
ALTER TABLE appointment_changes DROP CONSTRAINT appointment_changes_via_check;
ALTER TABLE appointment_changes ADD CONSTRAINT appointment_changes_via_check
    CHECK (via IN ('staff', 'patient', 'manage_link', 'system', 'api'));
