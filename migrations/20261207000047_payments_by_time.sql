-- The REST API lists a clinic's payments in the order they were made, page by page.
CREATE INDEX payments_by_time ON payments (clinic_id, created_at, id);
