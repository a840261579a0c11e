-- Tenancy: a clinic is the tenant. Every clinic-owned table carries clinic_id and is
-- unique on (clinic_id, id), so child rows can reference their parent through a composite
-- foreign key that makes a cross-clinic reference impossible, not just unlikely.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE clinics (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 120),
    tagline     text NOT NULL DEFAULT '',
    time_zone   text NOT NULL,
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    email       text NOT NULL,
    phone       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id     uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name          text NOT NULL,
    address_line1 text NOT NULL,
    address_line2 text NOT NULL DEFAULT '',
    city          text NOT NULL,
    postcode      text NOT NULL,
    country       text NOT NULL,
    phone         text NOT NULL,
    -- NULL means the clinic's time zone.
    time_zone     text,
    position      smallint NOT NULL DEFAULT 0,
    active        boolean NOT NULL DEFAULT true,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, slug)
);

-- Opening hours of a location; several ranges a day are allowed (a lunch closure).
CREATE TABLE opening_hours (
    clinic_id   uuid NOT NULL,
    location_id uuid NOT NULL,
    weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO 8601: 1 = Monday
    opens       time NOT NULL,
    closes      time NOT NULL CHECK (closes > opens),
    PRIMARY KEY (location_id, weekday, opens),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id) ON DELETE CASCADE
);
