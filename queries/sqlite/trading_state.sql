-- name: TradingStateGet :one
-- The one state row. Write transactions hold the write lock from BEGIN IMMEDIATE, so no FOR
-- UPDATE is needed (or possible).
SELECT id, halted, reason, changed_by, changed_at, pending_buy, pending_sell, pending_source, pending_at
FROM trading_state
WHERE id = 1;

-- name: TradingStateSave :execrows
UPDATE trading_state SET
    halted = @halted,
    reason = @reason,
    changed_by = @changed_by,
    changed_at = @changed_at,
    pending_buy = @pending_buy,
    pending_sell = @pending_sell,
    pending_source = @pending_source,
    pending_at = @pending_at
WHERE id = 1;
