-- The gallery's media pipeline and case attributes (issue 5).
--
-- An uploaded picture is an `images` row: its original is kept privately in the media
-- store (never served), and its public variants, made off the request path, are
-- `media_assets` rows pointing back at it. Files live in the media store (the data
-- directory, or Cloudinary); bytes that earlier versions kept in `media_assets.data` are
-- moved out when the server starts.
ALTER TABLE media_assets ALTER COLUMN data DROP NOT NULL;

CREATE TYPE image_status AS ENUM ('processing', 'ready', 'failed', 'withdrawn');

CREATE TABLE images (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clinic_id      uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    -- The private file holding the upload as it arrived; NULL for pictures Lumen drew
    -- itself (the demo's illustrations), which have nothing to keep.
    original_key   text,
    width          integer NOT NULL CHECK (width > 0),
    height         integer NOT NULL CHECK (height > 0),
    status         image_status NOT NULL DEFAULT 'processing',
    variants_total smallint NOT NULL DEFAULT 0,
    variants_done  smallint NOT NULL DEFAULT 0 CHECK (variants_done <= variants_total),
    -- Why making the variants failed, in words for staff.
    problem        text,
    -- What staff chose to hide on the public variants (crop, blurred regions), as
    -- fractions of the picture; the original is never changed.
    privacy        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (clinic_id, id)
);
CREATE INDEX images_in_progress ON images (created_at) WHERE status = 'processing';

ALTER TABLE media_assets ADD COLUMN image_id uuid,
    ADD CONSTRAINT media_assets_image_fkey
        FOREIGN KEY (clinic_id, image_id) REFERENCES images (clinic_id, id) ON DELETE CASCADE;
CREATE INDEX media_assets_by_image ON media_assets (image_id) WHERE image_id IS NOT NULL;

-- Case pictures stored before this migration become images of one variant each (the
-- image takes its file's id, so the mapping needs no lookup table).
INSERT INTO images (id, clinic_id, width, height, status, variants_total, variants_done)
SELECT m.id, m.clinic_id, m.width, m.height, 'ready', 1, 1
FROM media_assets m
WHERE m.id IN (SELECT media_asset_id FROM case_images);
UPDATE media_assets SET image_id = id WHERE id IN (SELECT id FROM images);

ALTER TABLE case_images ADD COLUMN image_id uuid;
UPDATE case_images SET image_id = media_asset_id;
ALTER TABLE case_images
    DROP COLUMN media_asset_id,
    ALTER COLUMN image_id SET NOT NULL,
    ADD CONSTRAINT case_images_image_fkey
        FOREIGN KEY (clinic_id, image_id) REFERENCES images (clinic_id, id),
    -- Before and after pictures with the same pair number are shown together.
    ADD COLUMN pair smallint NOT NULL DEFAULT 0 CHECK (pair >= 0),
    ADD CONSTRAINT case_images_one_picture_per_side UNIQUE (case_id, pair, kind);

-- What patients filter cases by, and the case's longer notes.
ALTER TABLE cases
    ADD COLUMN notes text NOT NULL DEFAULT '',
    ADD COLUMN age_range text CHECK (age_range IN ('18-29', '30-39', '40-49', '50-59', '60+')),
    ADD COLUMN sessions smallint CHECK (sessions BETWEEN 1 AND 50),
    -- How long after the treatment the "after" pictures were taken.
    ADD COLUMN days_after integer CHECK (days_after BETWEEN 0 AND 3650),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX cases_by_album ON cases (album_id, position);

-- The view is rebuilt so it carries the new columns; its rule is unchanged.
DROP VIEW public_cases;
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

-- The one definition of "has something to show": a before and an after picture of the
-- same pair whose public sizes are ready. Listing and publishing both ask it.
CREATE FUNCTION case_has_ready_pair(case_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM case_images b
        JOIN images bi ON bi.id = b.image_id AND bi.status = 'ready'
        JOIN case_images a ON a.case_id = b.case_id AND a.pair = b.pair AND a.kind = 'after'
        JOIN images ai ON ai.id = a.image_id AND ai.status = 'ready'
        WHERE b.case_id = case_has_ready_pair.case_id AND b.kind = 'before')
$$;
GRANT EXECUTE ON FUNCTION case_has_ready_pair(uuid) TO lumen_app;

ALTER TABLE images ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON images USING (clinic_id = current_clinic_id())
    WITH CHECK (clinic_id = current_clinic_id());

-- Where a public file lives: the data directory, or Cloudinary (delivered from its CDN).
ALTER TABLE media_assets ADD COLUMN stored_in text NOT NULL DEFAULT 'local'
    CHECK (stored_in IN ('local', 'cloudinary'));
