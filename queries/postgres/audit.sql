-- name: AuditInsert :one
INSERT INTO audit_events (
    at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent, request_id,
    before_digest, after_digest
)
VALUES (
    @at::timestamptz, sqlc.narg('actor_id')::bigint, @actor_role::text, @action::text,
    @entity::text, @entity_id::text, @reason::text, @ip::text, @user_agent::text,
    @request_id::text, @before_digest::text, @after_digest::text
)
RETURNING id;

-- name: AuditList :many
-- AuditList returns one page of the events that match every filter given (an empty text, a
-- zero actor or a NULL time does not filter), newest first.
SELECT id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent,
    request_id, before_digest, after_digest
FROM audit_events
WHERE (@actor_id::bigint = 0 OR actor_id = @actor_id::bigint)
    AND (@action::text = '' OR action = @action::text)
    AND (@entity::text = '' OR entity = @entity::text)
    AND (@entity_id::text = '' OR entity_id = @entity_id::text)
    AND (sqlc.narg('from_time')::timestamptz IS NULL OR at >= sqlc.narg('from_time')::timestamptz)
    AND (sqlc.narg('to_time')::timestamptz IS NULL OR at < sqlc.narg('to_time')::timestamptz)
ORDER BY at DESC, id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: AuditCount :one
SELECT count(*)::bigint AS events
FROM audit_events
WHERE (@actor_id::bigint = 0 OR actor_id = @actor_id::bigint)
    AND (@action::text = '' OR action = @action::text)
    AND (@entity::text = '' OR entity = @entity::text)
    AND (@entity_id::text = '' OR entity_id = @entity_id::text)
    AND (sqlc.narg('from_time')::timestamptz IS NULL OR at >= sqlc.narg('from_time')::timestamptz)
    AND (sqlc.narg('to_time')::timestamptz IS NULL OR at < sqlc.narg('to_time')::timestamptz);
