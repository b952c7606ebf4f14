-- name: AccountGetByCode :one
SELECT id, kind, may_go_negative FROM ledger_accounts WHERE code = @code;

-- name: AccountCodeGet :one
SELECT code FROM ledger_accounts WHERE id = @id;

-- name: AccountInsert :exec
INSERT INTO ledger_accounts (code, kind, user_id, asset, may_go_negative)
VALUES (@code, @kind, @user_id, @asset, @may_go_negative)
ON CONFLICT (code) DO NOTHING;

-- name: UserBalanceInsert :exec
INSERT INTO ledger_user_balances (account_id) VALUES (@account_id)
ON CONFLICT (account_id) DO NOTHING;

-- name: SystemBalanceInsert :exec
INSERT INTO ledger_system_balances (account_id, shard, balance, may_go_negative)
VALUES (@account_id, 0, 0, @may_go_negative)
ON CONFLICT (account_id, shard) DO NOTHING;

-- name: UserBalanceGet :one
SELECT available, held FROM ledger_user_balances WHERE account_id = @account_id;

-- name: UserBalanceAddAvailable :execrows
UPDATE ledger_user_balances SET available = available + @delta
WHERE account_id = @account_id AND available + @delta >= 0;

-- name: UserBalanceAddHeld :execrows
UPDATE ledger_user_balances SET held = held + @delta
WHERE account_id = @account_id AND held + @delta >= 0;

-- name: SystemBalanceAdd :execrows
-- Applies delta to one shard of a system account that can take it: any shard for an account
-- that may go negative, else one whose balance stays non-negative.
UPDATE ledger_system_balances SET balance = ledger_system_balances.balance + @delta
WHERE ledger_system_balances.account_id = @account_id AND ledger_system_balances.shard = (
    SELECT s.shard FROM ledger_system_balances s
    WHERE s.account_id = @account_id AND (s.may_go_negative = 1 OR s.balance + @delta >= 0)
    ORDER BY random() LIMIT 1
);

-- name: SystemBalanceSum :one
SELECT CAST(COALESCE(SUM(balance), 0) AS INTEGER) AS balance, COUNT(*) AS shards
FROM ledger_system_balances WHERE account_id = @account_id;

-- name: JournalInsert :one
INSERT INTO ledger_journals (type, reference, created_at) VALUES (@type, @reference, @created_at)
RETURNING id;

-- name: PostingInsert :exec
INSERT INTO ledger_postings (journal_id, account_id, bucket, amount)
VALUES (@journal_id, @account_id, @bucket, @amount);

-- name: JournalCount :one
SELECT COUNT(*) FROM ledger_journals;

-- name: PostingCount :one
SELECT COUNT(*) FROM ledger_postings;

-- name: UserBalanceList :many
SELECT a.code, b.available, b.held
FROM ledger_user_balances b JOIN ledger_accounts a ON a.id = b.account_id
ORDER BY a.id;

-- name: SystemBalanceList :many
SELECT a.code, CAST(SUM(s.balance) AS INTEGER) AS balance
FROM ledger_system_balances s JOIN ledger_accounts a ON a.id = s.account_id
GROUP BY a.id, a.code
ORDER BY a.id;

-- name: PostingSumList :many
-- Every account's balance recomputed from its postings; accounts without postings sum to zero.
SELECT a.code,
    CAST(COALESCE(SUM(CASE WHEN p.bucket = 0 THEN p.amount END), 0) AS INTEGER) AS available,
    CAST(COALESCE(SUM(CASE WHEN p.bucket = 1 THEN p.amount END), 0) AS INTEGER) AS held
FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
GROUP BY a.id, a.code
ORDER BY a.id;

-- name: JournalUnbalancedList :many
-- Journals whose postings do not sum to zero for some asset.
SELECT DISTINCT p.journal_id
FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
GROUP BY p.journal_id, a.asset
HAVING SUM(p.amount) <> 0
ORDER BY p.journal_id;
