-- Before/after gallery: galleries -> albums -> cases -> images, with the patient's consent
-- recorded on the case. Whether a case may be shown publicly is decided in one place, the
-- public_cases view, so no page can forget a rule.
CREATE TABLE media_assets (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id    uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    -- Served at /media/<content_hash>.<ext>, so a URL never changes meaning and can be cached for a year.
    content_hash text NOT NULL UNIQUE CHECK (content_hash ~ '^[0-9a-f]{16,64}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/svg+xml', 'image/jpeg', 'image/png', 'image/webp', 'image/avif')),
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    byte_size    integer NOT NULL CHECK (byte_size > 0),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (clinic_id, id)
);

CREATE TABLE galleries (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id   uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    position    smallint NOT NULL DEFAULT 0,
    published   boolean NOT NULL DEFAULT false,
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, slug)
);

CREATE TABLE albums (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id    uuid NOT NULL,
    gallery_id   uuid NOT NULL,
    slug         text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    position     smallint NOT NULL DEFAULT 0,
    published    boolean NOT NULL DEFAULT false,
    UNIQUE (clinic_id, id),
    UNIQUE (gallery_id, slug),
    FOREIGN KEY (clinic_id, gallery_id) REFERENCES galleries (clinic_id, id) ON DELETE CASCADE
);

CREATE TABLE cases (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id            uuid NOT NULL,
    album_id             uuid NOT NULL,
    slug                 text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title                text NOT NULL,
    summary              text NOT NULL DEFAULT '',
    treatment_id         uuid,
    provider_id          uuid,
    -- Never shown publicly; kept so consent can be traced back to the person who gave it.
    patient_id           uuid,
    position             smallint NOT NULL DEFAULT 0,
    published            boolean NOT NULL DEFAULT false,
    consent_website      boolean NOT NULL DEFAULT false,
    consent_social       boolean NOT NULL DEFAULT false,
    consent_consultation boolean NOT NULL DEFAULT false,
    consent_given_on     date,
    consent_expires_on   date,
    consent_document_ref text NOT NULL DEFAULT '',
    consent_revoked_at   timestamptz,
    -- A case cannot be published without recorded consent that covers the website.
    CHECK (NOT published OR (consent_website AND consent_given_on IS NOT NULL)),
    CHECK (consent_expires_on IS NULL OR consent_given_on IS NULL OR consent_expires_on >= consent_given_on),
    UNIQUE (clinic_id, id),
    UNIQUE (clinic_id, slug),
    FOREIGN KEY (clinic_id, album_id) REFERENCES albums (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id),
    FOREIGN KEY (clinic_id, provider_id) REFERENCES providers (clinic_id, id),
    FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);

CREATE TYPE case_image_kind AS ENUM ('before', 'after');

CREATE TABLE case_images (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id      uuid NOT NULL,
    case_id        uuid NOT NULL,
    media_asset_id uuid NOT NULL,
    kind           case_image_kind NOT NULL,
    label          text NOT NULL DEFAULT '',
    alt_text       text NOT NULL DEFAULT '',
    position       smallint NOT NULL DEFAULT 0,
    FOREIGN KEY (clinic_id, case_id) REFERENCES cases (clinic_id, id) ON DELETE CASCADE,
    FOREIGN KEY (clinic_id, media_asset_id) REFERENCES media_assets (clinic_id, id)
);
CREATE INDEX case_images_by_case ON case_images (case_id, position);

-- The one definition of "may be shown to the public": published all the way up, and the
-- patient's consent covers the website, is recorded, not revoked and not expired.
CREATE VIEW public_cases AS
SELECT c.*
FROM cases c
JOIN albums a ON a.id = c.album_id AND a.published
JOIN galleries g ON g.id = a.gallery_id AND g.published
WHERE c.published
  AND c.consent_website
  AND c.consent_given_on IS NOT NULL
  AND c.consent_revoked_at IS NULL
  AND (c.consent_expires_on IS NULL OR c.consent_expires_on >= current_date);
