-- A booking's payments are read by its appointment (what it cost, the receipt, refunds,
-- the reports' money per appointment); only the open one had an index.
CREATE INDEX payments_by_appointment ON payments (appointment_id);
