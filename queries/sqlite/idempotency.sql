-- name: IdempotencyRecordGet :one
SELECT fingerprint, status, body, expires_at
FROM idempotency_records
WHERE scope = @scope AND key = @key;

-- name: IdempotencyRecordUpsert :execrows
-- Stores a completed request's response. A live record of the key is never overwritten (its
-- request was claimed by another transaction); an expired one is.
INSERT INTO idempotency_records (scope, key, fingerprint, status, body, created_at, expires_at)
VALUES (@scope, @key, @fingerprint, @status, @body, @created_at, @expires_at)
ON CONFLICT (scope, key) DO UPDATE SET
    fingerprint = excluded.fingerprint,
    status = excluded.status,
    body = excluded.body,
    created_at = excluded.created_at,
    expires_at = excluded.expires_at
WHERE idempotency_records.expires_at <= excluded.created_at;

-- name: IdempotencyRecordDeleteExpired :execrows
DELETE FROM idempotency_records WHERE expires_at <= @now;
