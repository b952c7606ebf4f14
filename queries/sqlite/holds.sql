-- name: HoldInsert :one
INSERT INTO ledger_holds (account_id, amount, state, reference, created_at, updated_at)
VALUES (@account_id, @amount, 'placed', @reference, @now, @now)
RETURNING id;

-- name: HoldGet :one
SELECT h.id, a.code, h.amount, h.state, h.reference
FROM ledger_holds h JOIN ledger_accounts a ON a.id = h.account_id
WHERE h.id = @id;

-- name: HoldStateGet :one
SELECT state FROM ledger_holds WHERE id = @id;

-- name: HoldTransition :one
-- Moves a placed hold to new_state exactly once: a hold in any other state matches no row.
UPDATE ledger_holds SET state = @new_state, updated_at = @now
WHERE id = @id AND state = 'placed'
RETURNING id, account_id, amount, reference;
