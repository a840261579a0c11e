-- Staff's authenticator keys are kept sealed (AES-256-GCM under LUMEN_SECRET_KEY), so a
-- copy of the database alone does not give them away, and recovery codes are random,
-- nothing to do with the key. The set-up page's recovery codes are kept sealed until the
-- authenticator is turned on; from then on only their hashes are.
--
-- `totp_secret` holds the keys written before this migration, in the clear: the server
-- seals them when it starts and empties it (`store::second_factor::seal_all`). It is read
-- by nothing else and goes in a later migration.
ALTER TABLE users
    ADD COLUMN totp_sealed           bytea,
    ADD COLUMN recovery_codes_sealed bytea,
    DROP CONSTRAINT users_check1,
    ADD CONSTRAINT users_second_factor_has_a_key
        CHECK (totp_enabled_at IS NULL OR totp_sealed IS NOT NULL OR totp_secret IS NOT NULL),
    ADD CONSTRAINT users_one_copy_of_the_key
        CHECK (totp_secret IS NULL OR totp_sealed IS NULL);
