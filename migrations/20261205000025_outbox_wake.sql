-- A new message wakes the delivery workers when its transaction commits, instead of at
-- their next look at the outbox (once a second): a confirmation leaves as the booking
-- commits. One notification a statement; Postgres folds repeats within a transaction.
CREATE FUNCTION outbox_wake() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_messages', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_wake AFTER INSERT ON outbox_messages
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake();
