-- Staff screens follow changes made by anyone, through any server process (issue 17): a
-- change to an appointment (a booking online, a colleague's move, a payment's webhook
-- confirming it, a place at a group session) or to an assistant conversation is announced
-- on the `lumen_live` channel when its transaction commits. The payload holds ids only
-- (clinic, topic, row); each server's one listener passes it to the screens of that
-- clinic's staff who may see it, and the screens ask for what changed.

CREATE FUNCTION live_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
    -- TG_ARGV: the topic, and the column naming the row staff screens know it by.
    PERFORM pg_notify('lumen_live', json_build_object(
        'clinic', changed ->> 'clinic_id',
        'topic', TG_ARGV[0],
        'id', changed ->> TG_ARGV[1])::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER appointments_live AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION live_announce('appointment', 'id');
CREATE TRIGGER session_seats_live AFTER INSERT OR UPDATE OR DELETE ON session_seats
    FOR EACH ROW EXECUTE FUNCTION live_announce('appointment', 'appointment_id');
CREATE TRIGGER assistant_conversations_live AFTER INSERT OR UPDATE ON assistant_conversations
    FOR EACH ROW EXECUTE FUNCTION live_announce('conversation', 'id');
CREATE TRIGGER assistant_messages_live AFTER INSERT ON assistant_messages
    FOR EACH ROW EXECUTE FUNCTION live_announce('conversation', 'conversation_id');
