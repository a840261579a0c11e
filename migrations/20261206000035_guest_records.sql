-- Someone booking online without signing in may type any email address, including an
-- existing patient's. Their booking gets a record of its own, marked here, and never
-- touches the record (or account) that already has that address: staff merge the two
-- deliberately once they know it is the same person.
ALTER TABLE patients ADD COLUMN booked_as_guest boolean NOT NULL DEFAULT false;
