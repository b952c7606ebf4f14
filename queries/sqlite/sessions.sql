-- name: SessionInsert :exec
INSERT INTO sessions (
    id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
) VALUES (
    @id, @user_id, @current_hash, @previous_hash, @rotated_at, @created_at, @expires_at,
    @revoked_at, @revoke_reason, @user_agent, @ip
);

-- name: SessionGet :one
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE id = @id;

-- name: SessionGetByRefreshHash :one
-- Both hash columns are unique, so SQLite answers the OR from two index lookups.
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE current_hash = @hash OR previous_hash = @hash;

-- name: SessionSave :execrows
UPDATE sessions SET
    current_hash = @current_hash,
    previous_hash = @previous_hash,
    rotated_at = @rotated_at,
    revoked_at = @revoked_at,
    revoke_reason = @revoke_reason
WHERE id = @id;

-- name: SessionListActiveByUser :many
SELECT id, user_id, current_hash, previous_hash, rotated_at, created_at, expires_at,
    revoked_at, revoke_reason, user_agent, ip
FROM sessions
WHERE user_id = @user_id AND revoked_at IS NULL AND expires_at > @now
ORDER BY created_at DESC, id DESC;

-- name: SessionRevokeByUser :execrows
UPDATE sessions SET revoked_at = @now, revoke_reason = @reason
WHERE user_id = @user_id AND revoked_at IS NULL AND expires_at > @now AND id <> @except;
