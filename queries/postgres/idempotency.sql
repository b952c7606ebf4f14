-- name: IdempotencyLockTry :one
-- IdempotencyLockTry takes the transaction-scoped advisory lock of one idempotency key without
-- waiting; it reports false when another transaction holds it.
SELECT pg_try_advisory_xact_lock(hashtextextended(@scope::text || ':' || @key::text, 0))::boolean AS locked;

-- name: IdempotencyGet :one
SELECT fingerprint, status, body, expires_at
FROM idempotency_records
WHERE scope = @scope::text AND key = @key::text;

-- name: IdempotencyUpsert :execrows
-- IdempotencyUpsert stores a response, replacing a record that expired by created_at; it
-- changes no row when an unexpired record holds the key.
INSERT INTO idempotency_records (scope, key, fingerprint, status, body, created_at, expires_at)
VALUES (@scope::text, @key::text, @fingerprint::bytea, @status::integer, @body::bytea,
        @created_at::timestamptz, @expires_at::timestamptz)
ON CONFLICT (scope, key) DO UPDATE
SET fingerprint = excluded.fingerprint,
    status = excluded.status,
    body = excluded.body,
    created_at = excluded.created_at,
    expires_at = excluded.expires_at
WHERE idempotency_records.expires_at <= excluded.created_at;

-- name: IdempotencyDeleteExpired :execrows
DELETE FROM idempotency_records
WHERE expires_at <= @now::timestamptz;
