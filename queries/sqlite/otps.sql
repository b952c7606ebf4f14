-- name: OTPVoidUsable :exec
-- Voids every usable code of a phone and purpose; a new code is about to replace them.
UPDATE otp_codes SET voided_at = @voided_at
WHERE phone = @phone AND purpose = @purpose AND consumed_at IS NULL AND voided_at IS NULL;

-- name: OTPInsert :one
INSERT INTO otp_codes (
    phone, purpose, key_id, mac, created_at, expires_at, attempts, max_attempts,
    consumed_at, voided_at
) VALUES (
    @phone, @purpose, @key_id, @mac, @created_at, @expires_at, @attempts, @max_attempts,
    @consumed_at, @voided_at
)
RETURNING id;

-- name: OTPGetLatest :one
-- The newest usable code of a phone and purpose. Write transactions hold the write lock from
-- BEGIN IMMEDIATE, so no FOR UPDATE is needed (or possible).
SELECT id, phone, purpose, key_id, mac, created_at, expires_at, attempts, max_attempts,
    consumed_at, voided_at
FROM otp_codes
WHERE phone = @phone AND purpose = @purpose AND consumed_at IS NULL AND voided_at IS NULL
ORDER BY created_at DESC, id DESC
LIMIT 1;

-- name: OTPSave :execrows
-- Only a code that is still usable changes: a second consumer of one code updates no row.
UPDATE otp_codes SET
    attempts = @attempts,
    consumed_at = @consumed_at,
    voided_at = @voided_at
WHERE id = @id AND consumed_at IS NULL AND voided_at IS NULL;

-- name: OTPCountSince :one
SELECT count(*) FROM otp_codes
WHERE phone = @phone AND purpose = @purpose AND created_at >= @since;

-- name: OTPCountSinceAnyPurpose :one
SELECT count(*) FROM otp_codes
WHERE phone = @phone AND created_at >= @since;

-- name: OTPDeleteExpired :execrows
DELETE FROM otp_codes WHERE expires_at < @cutoff;
