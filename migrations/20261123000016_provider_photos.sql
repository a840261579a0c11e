-- A provider's portrait, shown on treatment pages while the provider is active.
ALTER TABLE providers ADD COLUMN photo_asset_id uuid;
ALTER TABLE providers ADD CONSTRAINT providers_photo_fkey
    FOREIGN KEY (clinic_id, photo_asset_id) REFERENCES media_assets (clinic_id, id);
