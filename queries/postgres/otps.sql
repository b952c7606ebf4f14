-- name: OTPInsert :one
-- OTPInsert voids every usable code of the phone and purpose (voided_at = the new code's
-- created_at), then stores the new code, in one statement. The insert reads the count of
-- voided codes so that the update runs first: otp_codes_usable_key allows one usable code per
-- phone and purpose. A concurrent OTPInsert for the same phone and purpose, whose new code
-- this statement cannot see, makes it wait and then fail on that index; the store retries.
WITH voided AS (
    UPDATE otp_codes
    SET voided_at = @created_at::timestamptz
    WHERE phone = @phone::text AND purpose = @purpose::text
        AND consumed_at IS NULL AND voided_at IS NULL
    RETURNING id
)
INSERT INTO otp_codes (
    phone, purpose, key_id, mac, created_at, expires_at, attempts, max_attempts,
    consumed_at, voided_at
)
SELECT
    @phone::text, @purpose::text, @key_id::text, @mac::bytea, @created_at::timestamptz,
    @expires_at::timestamptz, @attempts::integer, @max_attempts::integer,
    sqlc.narg('consumed_at')::timestamptz, sqlc.narg('voided_at')::timestamptz
FROM (SELECT count(*) FROM voided) AS v
RETURNING id;

-- name: OTPLatest :one
-- OTPLatest returns the usable code of a phone and purpose, without locking it (for
-- read-only transactions).
SELECT id, phone, purpose, key_id, mac, created_at, expires_at, attempts, max_attempts,
    consumed_at, voided_at
FROM otp_codes
WHERE phone = @phone::text AND purpose = @purpose::text
    AND consumed_at IS NULL AND voided_at IS NULL
ORDER BY created_at DESC, id DESC
LIMIT 1;

-- name: OTPLatestForUpdate :one
-- OTPLatestForUpdate returns the usable code of a phone and purpose and locks it until the
-- transaction ends. A statement that waited for the lock re-checks the row: a code that the
-- holder consumed or voided is passed over, so racing verifications find no code.
SELECT id, phone, purpose, key_id, mac, created_at, expires_at, attempts, max_attempts,
    consumed_at, voided_at
FROM otp_codes
WHERE phone = @phone::text AND purpose = @purpose::text
    AND consumed_at IS NULL AND voided_at IS NULL
ORDER BY created_at DESC, id DESC
LIMIT 1
FOR UPDATE;

-- name: OTPSave :execrows
-- OTPSave stores the attempts, consumption and voiding of a code that is still usable; it
-- changes no row when the code was consumed or voided since it was read. The attempt counter
-- never goes down, even when saved from a stale read.
UPDATE otp_codes
SET attempts = greatest(attempts, @attempts::integer),
    consumed_at = sqlc.narg('consumed_at')::timestamptz,
    voided_at = sqlc.narg('voided_at')::timestamptz
WHERE id = @id::bigint AND consumed_at IS NULL AND voided_at IS NULL;

-- name: OTPCountSince :one
-- OTPCountSince counts the codes created for a phone at or after since, of one purpose or,
-- when purpose is empty, of all.
SELECT count(*)::bigint AS codes
FROM otp_codes
WHERE phone = @phone::text
    AND (@purpose::text = '' OR purpose = @purpose::text)
    AND created_at >= @since::timestamptz;

-- name: OTPDeleteExpired :execrows
DELETE FROM otp_codes
WHERE expires_at < @cutoff::timestamptz;
