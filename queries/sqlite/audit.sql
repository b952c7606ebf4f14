-- name: AuditLastID :one
-- The id of the last event of the log, 0 when there is none: the next event takes the one
-- after it. Run in the write transaction, which SQLite's single writer keeps to itself until
-- it ends.
SELECT CAST(coalesce(max(id), 0) AS INTEGER) AS id FROM audit_events;

-- name: AuditChainHead :one
-- The hash of the last event of a chain, which the next event of that chain follows (NULL when
-- it predates the chain). Run in the write transaction, like AuditLastID.
SELECT hash FROM audit_events WHERE chain = @chain ORDER BY id DESC LIMIT 1;

-- name: AuditInsert :exec
INSERT INTO audit_events (
    id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent, request_id,
    before_digest, after_digest, prev_hash, hash, chain
) VALUES (
    @id, @at, @actor_id, @actor_role, @action, @entity, @entity_id, @reason, @ip, @user_agent,
    @request_id, @before_digest, @after_digest, @prev_hash, @hash, @chain
);

-- name: AuditList :many
-- One page of the events that match every filter (an empty text or a zero actor does not
-- filter; the store passes the widest times when there is no bound), newest first.
SELECT id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent,
    request_id, before_digest, after_digest, prev_hash, hash, chain
FROM audit_events
WHERE (CAST(@actor_id AS INTEGER) = 0 OR actor_id = @actor_id)
    AND (CAST(@action AS TEXT) = '' OR action = @action)
    AND (CAST(@entity AS TEXT) = '' OR entity = @entity)
    AND (CAST(@entity_id AS TEXT) = '' OR entity_id = @entity_id)
    AND at >= @from_time AND at < @to_time
ORDER BY at DESC, id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: AuditCount :one
SELECT count(*) FROM audit_events
WHERE (CAST(@actor_id AS INTEGER) = 0 OR actor_id = @actor_id)
    AND (CAST(@action AS TEXT) = '' OR action = @action)
    AND (CAST(@entity AS TEXT) = '' OR entity = @entity)
    AND (CAST(@entity_id AS TEXT) = '' OR entity_id = @entity_id)
    AND at >= @from_time AND at < @to_time;

-- name: AuditChain :many
-- Up to page_limit events with ids above after_id, in id order.
SELECT id, at, actor_id, actor_role, action, entity, entity_id, reason, ip, user_agent,
    request_id, before_digest, after_digest, prev_hash, hash, chain
FROM audit_events
WHERE id > @after_id
ORDER BY id
LIMIT @page_limit;
