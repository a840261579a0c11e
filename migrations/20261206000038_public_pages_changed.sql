-- Public pages (home, treatments, the gallery, cases, the sitemap) are kept in each server
-- process's memory until what they show changes. A committed change to any table they read
-- announces itself on `public_pages`; every server listening clears its kept pages
-- (server/src/page_cache). One announcement per transaction: PostgreSQL folds repeats.
CREATE FUNCTION public_pages_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('public_pages', '');
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    shown text;
BEGIN
    FOREACH shown IN ARRAY ARRAY[
        'clinics', 'locations', 'opening_hours',
        'treatment_categories', 'treatments', 'providers', 'provider_treatments',
        'galleries', 'albums', 'cases', 'case_images', 'images', 'media_assets'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER public_pages_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                 FOR EACH STATEMENT EXECUTE FUNCTION public_pages_changed()',
            shown);
    END LOOP;
END;
$$;
