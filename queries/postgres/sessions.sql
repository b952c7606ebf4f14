-- name: SessionInsert :exec
INSERT INTO sessions (
    id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
)
VALUES (
    @id::text, @user_id::bigint, @current_hash::bytea, sqlc.narg('previous_hash')::bytea,
    sqlc.narg('rotated_at')::timestamptz, @created_at::timestamptz, @expires_at::timestamptz,
    sqlc.narg('revoked_at')::timestamptz, @revoke_reason::text, @user_agent::text, @ip::text
);

-- name: SessionGet :one
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE id = @id::text;

-- name: SessionGetByRefreshHash :one
-- SessionGetByRefreshHash returns the session whose current or retired refresh token hashes
-- to hash, without locking it (for read-only transactions).
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE current_hash = @hash::bytea OR previous_hash = @hash::bytea
LIMIT 1;

-- name: SessionGetByRefreshHashForUpdate :one
-- SessionGetByRefreshHashForUpdate returns the session whose current or retired refresh
-- token hashes to hash and locks it until the transaction ends, so that two refreshes with
-- one token serialize: the second sees the first's rotation.
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE current_hash = @hash::bytea OR previous_hash = @hash::bytea
LIMIT 1
FOR UPDATE;

-- name: SessionSave :execrows
-- SessionSave stores a session's rotation and revocation.
UPDATE sessions
SET current_hash = @current_hash::bytea,
    previous_hash = sqlc.narg('previous_hash')::bytea,
    rotated_at = sqlc.narg('rotated_at')::timestamptz,
    revoked_at = sqlc.narg('revoked_at')::timestamptz,
    revoke_reason = @revoke_reason::text
WHERE id = @id::text;

-- name: SessionListByUser :many
-- SessionListByUser lists a user's sessions that are neither revoked nor expired at now,
-- newest first.
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE user_id = @user_id::bigint AND revoked_at IS NULL AND expires_at > @now::timestamptz
ORDER BY created_at DESC, id DESC;

-- name: SessionRevokeByUser :execrows
-- SessionRevokeByUser revokes a user's sessions that are neither revoked nor expired at now,
-- except the one with id except_id (empty for none).
UPDATE sessions
SET revoked_at = @now::timestamptz, revoke_reason = @reason::text
WHERE user_id = @user_id::bigint AND revoked_at IS NULL AND expires_at > @now::timestamptz
    AND id <> @except_id::text;
