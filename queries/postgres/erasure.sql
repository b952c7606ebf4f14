-- name: ErasureUser :execrows
-- ErasureUser replaces a user's phone with its tombstone, clears the profile and the password
-- and disables the user (keeping an earlier disabling time). It finds an erased user too, so
-- that it can tell one from a missing user, but changes nothing there.
UPDATE users
SET phone = @tombstone::text,
    first_name = '',
    last_name = '',
    email = '',
    date_of_birth = NULL,
    password_hash = '',
    disabled_at = coalesce(disabled_at, @now::timestamptz),
    updated_at = CASE
        WHEN phone <> @tombstone::text OR first_name <> '' OR last_name <> '' OR email <> ''
            OR date_of_birth IS NOT NULL OR password_hash <> '' OR disabled_at IS NULL
        THEN @now::timestamptz
        ELSE updated_at
    END
WHERE id = @user_id::bigint;

-- name: ErasureKYCProfile :exec
-- ErasureKYCProfile clears the names, national id, birth date and rejection reason (which may
-- quote them) of a user's profile, if there is one.
UPDATE kyc_profiles
SET first_name = '',
    last_name = '',
    national_id = NULL,
    birth_date = NULL,
    rejection_reason = '',
    updated_at = @now::timestamptz
WHERE user_id = @user_id::bigint
    AND (first_name <> '' OR last_name <> '' OR national_id IS NOT NULL
        OR birth_date IS NOT NULL OR rejection_reason <> '');

-- name: ErasureKYCHash :exec
-- ErasureKYCHash keeps the keyed hash of a user's national id when the user has a profile;
-- the hash of an earlier erasure stays.
INSERT INTO kyc_erasures (user_id, national_id_hash, erased_at)
SELECT p.user_id, @national_id_hash::text, @now::timestamptz
FROM kyc_profiles AS p
WHERE p.user_id = @user_id::bigint
ON CONFLICT (user_id) DO NOTHING;

-- name: ErasureOTPs :execrows
DELETE FROM otp_codes WHERE phone = @phone::text;

-- name: ErasureBankAccounts :exec
-- ErasureBankAccounts blanks the numbers and holder of a user's bank accounts, the Sheba
-- becoming the placeholder erased_sheba, and marks them deleted (and not default).
UPDATE bank_accounts
SET sheba = @erased_sheba::text,
    card_number = '',
    account_number = '',
    holder_name = '',
    is_default = false,
    deleted = true,
    updated_at = @now::timestamptz
WHERE user_id = @user_id::bigint
    AND (sheba <> @erased_sheba::text OR card_number <> '' OR account_number <> ''
        OR holder_name <> '' OR is_default OR NOT deleted);

-- name: ErasureDeposits :many
-- ErasureDeposits blanks the masked card, notes and receipt of a user's deposits and returns
-- the receipt keys they had ('' for none). The CTE locks the rows and reads them as they are
-- before the update (a concurrent change is waited for and then seen).
WITH old AS (
    SELECT id, receipt_key
    FROM deposits
    WHERE user_id = @user_id::bigint
        AND (card_pan_masked <> '' OR notes <> '' OR receipt_key <> '')
    FOR UPDATE
)
UPDATE deposits AS d
SET card_pan_masked = '',
    notes = '',
    receipt_key = '',
    updated_at = @now::timestamptz
FROM old
WHERE d.id = old.id
RETURNING old.receipt_key;

-- name: ErasureSessions :exec
UPDATE sessions
SET ip = '', user_agent = ''
WHERE user_id = @user_id::bigint AND (ip <> '' OR user_agent <> '');

-- name: ErasureIdempotency :execrows
-- ErasureIdempotency deletes the records whose scope starts with scope_prefix, the scopes of
-- one user's requests.
DELETE FROM idempotency_records WHERE starts_with(scope, @scope_prefix::text);
