-- The catalogue: treatment categories, treatments and who performs them.
CREATE TABLE treatment_categories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    position    smallint NOT NULL DEFAULT 0,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, slug)
);

CREATE TABLE treatments (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id             uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    category_id           uuid NOT NULL,
    slug                  text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                  text NOT NULL,
    summary               text NOT NULL,
    description           text NOT NULL DEFAULT '',
    duration_minutes      integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
    -- Money in the clinic currency's minor unit (pence, cents).
    price_minor           bigint NOT NULL CHECK (price_minor >= 0),
    deposit_minor         bigint NOT NULL DEFAULT 0 CHECK (deposit_minor >= 0 AND deposit_minor <= price_minor),
    buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    buffer_after_minutes  integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 240),
    offers_in_person      boolean NOT NULL DEFAULT true,
    offers_video          boolean NOT NULL DEFAULT false,
    featured              boolean NOT NULL DEFAULT false,
    position              smallint NOT NULL DEFAULT 0,
    active                boolean NOT NULL DEFAULT true,
    CHECK (offers_in_person OR offers_video),
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, slug),
    FOREIGN KEY (clinic_id, category_id) REFERENCES treatment_categories (clinic_id, id)
);

CREATE TABLE provider_treatments (
    clinic_id    uuid NOT NULL,
    provider_id  uuid NOT NULL,
    treatment_id uuid NOT NULL,
    PRIMARY KEY (provider_id, treatment_id),
    FOREIGN KEY (clinic_id, provider_id) REFERENCES providers (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX provider_treatments_by_treatment ON provider_treatments (treatment_id);
