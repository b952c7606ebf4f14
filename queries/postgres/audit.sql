-- name: AuditChainLock :exec
-- AuditChainLock takes the transaction advisory lock that serializes the appenders of one
-- chain of the audit log until they commit or roll back.
SELECT pg_advisory_xact_lock(@lock_key::bigint);

-- name: AuditChainNext :one
-- AuditChainNext draws the id of the event about to be appended to a chain and returns the
-- hash of the chain's last event, which it follows (NULL when there is none, or when it
-- predates the chain). Run it after AuditChainLock, in a statement of its own: its READ
-- COMMITTED snapshot is then taken after the lock was granted, and sees the event of the
-- transaction that held it last.
SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))::bigint AS id,
    (SELECT last.hash FROM audit_events AS last
     WHERE last.chain = @chain::smallint
     ORDER BY last.id DESC LIMIT 1)::bytea AS prev_hash;

-- name: AuditInsert :exec
INSERT INTO audit_events (
    id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent, request_id,
    before_digest, after_digest, prev_hash, hash, chain
)
VALUES (
    @id::bigint, @at::timestamptz, sqlc.narg('actor_id')::bigint, @actor_role::text, @action::text,
    @entity::text, @entity_id::text, @reason::text, @ip::text, @user_agent::text,
    @request_id::text, @before_digest::text, @after_digest::text, @prev_hash::bytea,
    @hash::bytea, @chain::smallint
);

-- name: AuditList :many
-- AuditList returns one page of the events that match every filter given (an empty text, a
-- zero actor or a NULL time does not filter), newest first.
SELECT id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent,
    request_id, before_digest, after_digest, prev_hash, hash, chain
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

-- name: AuditChain :many
-- AuditChain returns up to page_limit events with ids above after_id, in id order.
SELECT id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent,
    request_id, before_digest, after_digest, prev_hash, hash, chain
FROM audit_events
WHERE id > @after_id::bigint
ORDER BY id
LIMIT @page_limit::bigint;
