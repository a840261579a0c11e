-- The clinic's tax registration (VAT, GST number), printed on its receipts when set.
ALTER TABLE clinics ADD COLUMN tax_id text NOT NULL DEFAULT '' CHECK (length(tax_id) <= 40);
