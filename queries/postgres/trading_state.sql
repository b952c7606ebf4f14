-- name: TradingStateGet :one
SELECT id, halted, reason, changed_by, changed_at, pending_buy, pending_sell, pending_source, pending_at
FROM trading_state
WHERE id = 1;

-- name: TradingStateGetForUpdate :one
-- TradingStateGetForUpdate locks the one state row until the transaction ends, so that two
-- staff changes (or a staff change and a price feed's jump) serialize.
SELECT id, halted, reason, changed_by, changed_at, pending_buy, pending_sell, pending_source, pending_at
FROM trading_state
WHERE id = 1
FOR UPDATE;

-- name: TradingStateSave :execrows
UPDATE trading_state
SET halted = @halted::boolean,
    reason = @reason::text,
    changed_by = sqlc.narg('changed_by')::bigint,
    changed_at = sqlc.narg('changed_at')::timestamptz,
    pending_buy = sqlc.narg('pending_buy')::bigint,
    pending_sell = sqlc.narg('pending_sell')::bigint,
    pending_source = sqlc.narg('pending_source')::text,
    pending_at = sqlc.narg('pending_at')::timestamptz
WHERE id = 1;
