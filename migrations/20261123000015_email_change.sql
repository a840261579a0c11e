-- Changing the sign-in email: the confirmation link goes to the new address and the token
-- carries that address, so nothing changes until its owner follows the link.
ALTER TABLE account_tokens ADD COLUMN new_email text
    CHECK (new_email IS NULL OR position('@' IN new_email) > 1);
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'reset_password', 'invite', 'change_email'));
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_new_email_for_change
    CHECK ((purpose = 'change_email') = (new_email IS NOT NULL));
