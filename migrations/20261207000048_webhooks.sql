-- Outbound webhooks (issue 18): clinic admins register endpoints and the events each wants;
-- every event becomes one outbox row per endpoint, delivered, retried and dead-lettered by
-- the same machinery as messages (channel `webhook`).

CREATE TABLE webhook_endpoints (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    events      text[] NOT NULL CHECK (
                    cardinality(events) > 0
                    AND events <@ ARRAY['booking.created', 'booking.moved', 'booking.cancelled',
                                        'payment.succeeded', 'payment.refunded',
                                        'patient.created']),
    created_at  timestamptz NOT NULL,
    created_by  uuid REFERENCES users (id),
    -- Removed endpoints stay for their delivery log; nothing more is sent to them.
    removed_at  timestamptz,
    UNIQUE (clinic_id, id)
);
CREATE INDEX webhook_endpoints_live ON webhook_endpoints (clinic_id) WHERE removed_at IS NULL;
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON webhook_endpoints USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- The secrets deliveries are signed with, sealed under LUMEN_SECRET_KEY (the server must
-- read them back to sign). A new secret gives the one before it a day to live, and until
-- then each delivery carries a signature by each, so receivers can switch without a gap.
CREATE TABLE webhook_secrets (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    sealed      bytea NOT NULL,
    -- `whsec_` and a few characters, so staff can tell which secret a receiver holds.
    shown_start text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    FOREIGN KEY (clinic_id, endpoint_id) REFERENCES webhook_endpoints (clinic_id, id)
        ON DELETE CASCADE
);
CREATE INDEX webhook_secrets_by_endpoint ON webhook_secrets (endpoint_id, created_at);
ALTER TABLE webhook_secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON webhook_secrets USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- A delivery is an outbox row: `recipient` is the endpoint's id, `kind` the event type,
-- `body` the JSON sent, `cause` `webhook:<event id>:…`.
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_channel_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_channel_check
    CHECK (channel IN ('email', 'sms', 'whatsapp', 'webhook'));

-- What a receiver answered, for the delivery log (the start of its body only).
ALTER TABLE outbox_attempts
    ADD COLUMN response_status integer,
    ADD COLUMN response_body   text;

-- One event: a delivery to each of the clinic's live endpoints that asked for its type,
-- in the transaction of the change itself. Stamped with the clock, not the transaction's
-- start, so events of one transaction keep their order. The body is what receivers get: ids and
-- facts, never a patient's name or contact details (a receiver with an API key reads
-- those through the API).
CREATE FUNCTION webhook_event(clinic uuid, event_type text, data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    event_id uuid := gen_random_uuid();
    body text := jsonb_build_object(
        'id', event_id,
        'type', event_type,
        'created_at', to_char(clock_timestamp() AT TIME ZONE 'UTC',
                              'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'data', data)::text;
BEGIN
    -- Most clinics have no endpoint for most events: then not even an empty INSERT, whose
    -- statement trigger would wake every delivery worker for nothing.
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e
                   WHERE e.clinic_id = clinic AND e.removed_at IS NULL
                     AND event_type = ANY (e.events)) THEN
        RETURN;
    END IF;
    INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, body, created_at,
                                 next_attempt_at, cause)
    SELECT clinic, 'webhook', event_type, e.id::text, body, clock_timestamp(), clock_timestamp(),
           'webhook:' || event_id
    FROM webhook_endpoints e
    WHERE e.clinic_id = clinic AND e.removed_at IS NULL AND event_type = ANY (e.events);
END
$$;

-- Times in events are UTC in RFC 3339, whatever the session's time zone; an event's own
-- time has microseconds, so events a moment apart keep their order.
CREATE FUNCTION webhook_time(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- What an event says about a booking: the appointment, and for a place at a group session
-- the place and its patient (the appointment is then the session).
CREATE FUNCTION webhook_booking_data(a appointments, seat session_seats) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'booking_id', a.id,
        'patient_id', coalesce(seat.patient_id, a.patient_id),
        'treatment_id', a.treatment_id,
        'provider_id', a.provider_id,
        'location_id', a.location_id,
        -- A place booked reads as any booking confirmed.
        'status', CASE WHEN seat.id IS NULL THEN a.status::text
                       WHEN seat.status = 'booked' THEN 'confirmed'
                       ELSE seat.status END,
        'mode', a.mode,
        'starts_at', webhook_time(lower(a.period)),
        'ends_at', webhook_time(upper(a.period)),
        'group_session', a.capacity IS NOT NULL)
        || CASE WHEN seat.id IS NULL THEN '{}'::jsonb
                ELSE jsonb_build_object('seat_id', seat.id) END
$$;

-- Bookings: confirmed (from a hold, a payment, or staff), moved (in time, or to another
-- provider or location), cancelled. A hold is not
-- a booking, and an expired hold is not a cancellation. A group session's own changes are
-- told for each place booked at it when it moves; its places tell their own booking and
-- cancelling (below), cancelling the session included.
CREATE FUNCTION webhook_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    event_type text;
    unconfirmed appointment_status[] := ARRAY['held', 'pending_payment']::appointment_status[];
BEGIN
    IF NEW.patient_id IS NULL AND NEW.capacity IS NULL THEN
        RETURN NULL;
    ELSIF NEW.patient_id IS NULL THEN
        IF TG_OP = 'UPDATE' AND NEW.status <> 'cancelled'
           AND (NEW.period, NEW.provider_id, NEW.location_id)
               IS DISTINCT FROM (OLD.period, OLD.provider_id, OLD.location_id) THEN
            PERFORM webhook_event(NEW.clinic_id, 'booking.moved', webhook_booking_data(NEW, s))
            FROM session_seats s WHERE s.appointment_id = NEW.id AND s.status = 'booked';
        END IF;
        RETURN NULL;
    ELSIF NEW.status = 'confirmed'
          AND (TG_OP = 'INSERT' OR OLD.status = ANY (unconfirmed)) THEN
        event_type := 'booking.created';
    ELSIF TG_OP = 'INSERT' THEN
        RETURN NULL;
    ELSIF NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
          AND NOT OLD.status = ANY (unconfirmed) THEN
        event_type := 'booking.cancelled';
    ELSIF (NEW.period, NEW.provider_id, NEW.location_id)
              IS DISTINCT FROM (OLD.period, OLD.provider_id, OLD.location_id)
          AND NEW.status = OLD.status
          AND NOT NEW.status = ANY (unconfirmed || 'cancelled'::appointment_status) THEN
        event_type := 'booking.moved';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM webhook_event(NEW.clinic_id, event_type, webhook_booking_data(NEW, NULL));
    RETURN NULL;
END
$$;
CREATE TRIGGER appointments_webhook
    AFTER INSERT OR UPDATE OF status, period, provider_id, location_id ON appointments
    FOR EACH ROW EXECUTE FUNCTION webhook_booking();

CREATE FUNCTION webhook_seat() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.status = 'booked' THEN
        PERFORM webhook_event(NEW.clinic_id, 'booking.created', webhook_booking_data(a, NEW))
        FROM appointments a WHERE a.id = NEW.appointment_id;
    ELSIF TG_OP = 'UPDATE' AND NEW.status = 'cancelled' AND OLD.status = 'booked' THEN
        PERFORM webhook_event(NEW.clinic_id, 'booking.cancelled', webhook_booking_data(a, NEW))
        FROM appointments a WHERE a.id = NEW.appointment_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER session_seats_webhook AFTER INSERT OR UPDATE OF status ON session_seats
    FOR EACH ROW EXECUTE FUNCTION webhook_seat();

-- Money in: online, a fee, or at the desk.
CREATE FUNCTION webhook_payment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'paid' OR (TG_OP = 'UPDATE' AND OLD.status = 'paid') THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_event(NEW.clinic_id, 'payment.succeeded', jsonb_build_object(
        'payment_id', NEW.id,
        'booking_id', NEW.appointment_id,
        'amount_minor', NEW.amount_minor,
        'currency', NEW.currency,
        'processor', NEW.processor,
        'purpose', NEW.purpose,
        'paid_at', webhook_time(NEW.paid_at)));
    RETURN NULL;
END
$$;
CREATE TRIGGER payments_webhook AFTER INSERT OR UPDATE OF status ON payments
    FOR EACH ROW EXECUTE FUNCTION webhook_payment();

-- Money back, once the processor says it has gone.
CREATE FUNCTION webhook_refund() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'succeeded' OR (TG_OP = 'UPDATE' AND OLD.status = 'succeeded') THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_event(NEW.clinic_id, 'payment.refunded', jsonb_build_object(
        'refund_id', NEW.id,
        'payment_id', NEW.payment_id,
        'booking_id', p.appointment_id,
        'amount_minor', NEW.amount_minor,
        'currency', p.currency,
        'reason', NEW.reason))
    FROM payments p WHERE p.id = NEW.payment_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER refunds_webhook AFTER INSERT OR UPDATE OF status ON refunds
    FOR EACH ROW EXECUTE FUNCTION webhook_refund();

CREATE FUNCTION webhook_patient() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_event(NEW.clinic_id, 'patient.created', jsonb_build_object(
        'patient_id', NEW.id,
        'has_account', NEW.user_id IS NOT NULL));
    RETURN NULL;
END
$$;
CREATE TRIGGER patients_webhook AFTER INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION webhook_patient();
