-- name: HoldInsert :one
INSERT INTO ledger_holds (account_id, amount, state, reference, created_at, updated_at)
SELECT a.id, @amount::bigint, 'placed', @reference::text, @now::timestamptz, @now::timestamptz
FROM ledger_accounts a
WHERE a.code = @account_code::text
RETURNING id;

-- name: HoldTransition :one
-- HoldTransition moves a placed hold to state to. Under READ COMMITTED a concurrent transition
-- of the same hold makes this one wait for the row lock and then re-check state = 'placed',
-- so exactly one transition wins and the other matches no row.
UPDATE ledger_holds h
SET state = @to_state::text, updated_at = @now::timestamptz
FROM ledger_accounts a
WHERE h.id = @id::bigint AND h.state = 'placed' AND a.id = h.account_id
RETURNING h.id, a.code AS account_code, h.amount, h.reference;

-- name: HoldGet :one
SELECT h.id, a.code AS account_code, h.amount, h.state, h.reference
FROM ledger_holds h
JOIN ledger_accounts a ON a.id = h.account_id
WHERE h.id = @id::bigint;
