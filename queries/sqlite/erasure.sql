-- name: ErasureUser :execrows
-- Replaces a user's phone with its tombstone, clears the profile and the password and
-- disables the user (keeping an earlier disabling time). It finds an erased user too, so that
-- it can tell one from a missing user, but changes nothing there.
UPDATE users SET
    phone = @tombstone,
    first_name = '',
    last_name = '',
    email = '',
    date_of_birth = NULL,
    password_hash = '',
    disabled_at = coalesce(disabled_at, CAST(@now AS INTEGER)),
    updated_at = CASE
        WHEN phone <> @tombstone OR first_name <> '' OR last_name <> '' OR email <> ''
            OR date_of_birth IS NOT NULL OR password_hash <> '' OR disabled_at IS NULL
        THEN @now
        ELSE updated_at
    END
WHERE id = @user_id;

-- name: ErasureKYCProfile :exec
-- Clears the names, national id, birth date and rejection reason (which may quote them) of a
-- user's profile, if there is one.
UPDATE kyc_profiles SET
    first_name = '',
    last_name = '',
    national_id = NULL,
    birth_date = NULL,
    rejection_reason = '',
    updated_at = @now
WHERE user_id = @user_id
    AND (first_name <> '' OR last_name <> '' OR national_id IS NOT NULL
        OR birth_date IS NOT NULL OR rejection_reason <> '');

-- name: ErasureKYCHash :exec
-- Keeps the keyed hash of a user's national id when the user has a profile; the hash of an
-- earlier erasure stays.
INSERT INTO kyc_erasures (user_id, national_id_hash, erased_at)
SELECT p.user_id, CAST(@national_id_hash AS TEXT), CAST(@now AS INTEGER)
FROM kyc_profiles AS p
WHERE p.user_id = @user_id
ON CONFLICT (user_id) DO NOTHING;

-- name: ErasureOTPs :execrows
DELETE FROM otp_codes WHERE phone = @phone;

-- name: ErasureJobs :execrows
-- Deletes River's jobs, in any state, whose args name the phone. River stores args as JSONB,
-- which json_extract reads; the CASE skips args that are not JSON (River's own reads allow
-- for text that is not), on which json_extract would fail.
DELETE FROM river_job
WHERE CASE WHEN json_valid(args, 6) THEN json_extract(args, '$.phone') END = CAST(@phone AS TEXT);

-- name: ErasureBankAccounts :exec
-- Blanks the numbers and holder of a user's bank accounts, the Sheba becoming the placeholder
-- erased_sheba, and marks them deleted (and not default).
UPDATE bank_accounts SET
    sheba = @erased_sheba,
    card_number = '',
    account_number = '',
    holder_name = '',
    is_default = 0,
    deleted = 1,
    updated_at = @now
WHERE user_id = @user_id
    AND (sheba <> @erased_sheba OR card_number <> '' OR account_number <> ''
        OR holder_name <> '' OR is_default = 1 OR deleted = 0);

-- name: ErasureDepositReceipts :many
-- The receipt keys of a user's deposits, read before ErasureDeposits blanks them; the write
-- transaction holds the database to itself between the two.
SELECT receipt_key FROM deposits
WHERE user_id = @user_id AND receipt_key <> ''
ORDER BY id;

-- name: ErasureDeposits :exec
UPDATE deposits SET
    card_pan_masked = '',
    notes = '',
    receipt_key = '',
    updated_at = @now
WHERE user_id = @user_id AND (card_pan_masked <> '' OR notes <> '' OR receipt_key <> '');

-- name: ErasureSessions :exec
UPDATE sessions SET ip = '', user_agent = ''
WHERE user_id = @user_id AND (ip <> '' OR user_agent <> '');

-- name: ErasureIdempotency :execrows
-- Deletes the records whose scope starts with scope_prefix, the scopes of one user's requests.
DELETE FROM idempotency_records
WHERE substr(scope, 1, length(CAST(@scope_prefix AS TEXT))) = CAST(@scope_prefix AS TEXT);
