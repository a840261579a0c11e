-- People: user accounts with one role each, the clinic's patients and providers.
CREATE TYPE user_role AS ENUM ('platform_operator', 'clinic_admin', 'front_desk', 'provider', 'patient');

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Only a platform operator stands outside every clinic.
    clinic_id     uuid REFERENCES clinics (id) ON DELETE CASCADE,
    role          user_role NOT NULL,
    email         text NOT NULL CHECK (position('@' IN email) > 1),
    display_name  text NOT NULL,
    password_hash text,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'platform_operator') = (clinic_id IS NULL)),
    UNIQUE (clinic_id, id)
);
CREATE UNIQUE INDEX users_email_per_clinic ON users (coalesce(clinic_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(email));

CREATE TABLE patients (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id     uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    user_id       uuid,
    first_name    text NOT NULL,
    last_name     text NOT NULL,
    email         text NOT NULL CHECK (position('@' IN email) > 1),
    phone         text NOT NULL DEFAULT '',
    date_of_birth date,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (clinic_id, id),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id)
);
CREATE INDEX patients_email ON patients (clinic_id, lower(email));

CREATE TABLE providers (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id    uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    user_id      uuid,
    slug         text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    display_name text NOT NULL,
    title        text NOT NULL,
    bio          text NOT NULL DEFAULT '',
    position     smallint NOT NULL DEFAULT 0,
    active       boolean NOT NULL DEFAULT true,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, slug),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id)
);
