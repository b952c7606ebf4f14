-- name: UserAccountsOpen :one
-- UserAccountsOpen creates the accounts of a user (codes and assets in step) with zero balances,
-- skipping those that exist. It returns the number of users found: 0 when the user does not
-- exist.
WITH u AS (
    SELECT id FROM users WHERE id = @user_id::bigint
),
a AS (
    INSERT INTO ledger_accounts (code, kind, user_id, asset, may_go_negative)
    SELECT d.code, 'user', u.id, d.asset, false
    FROM u
    CROSS JOIN (SELECT unnest(@codes::text[]) AS code, unnest(@assets::text[]) AS asset) AS d
    ON CONFLICT (code) DO NOTHING
    RETURNING id
),
b AS (
    INSERT INTO ledger_user_balances (account_id)
    SELECT a.id FROM a
)
SELECT count(*)::bigint AS users FROM u;

-- name: SystemAccountOpen :exec
-- SystemAccountOpen creates a system account with shards zero balances, unless it exists.
WITH a AS (
    INSERT INTO ledger_accounts (code, kind, user_id, asset, may_go_negative)
    VALUES (@code::text, @kind::text, NULL, @asset::text, @may_go_negative::boolean)
    ON CONFLICT (code) DO NOTHING
    RETURNING id, may_go_negative
)
INSERT INTO ledger_system_balances (account_id, shard, balance, may_go_negative)
SELECT a.id, s.n - 1, 0, a.may_go_negative
FROM a
CROSS JOIN generate_series(1, @shards::integer) AS s (n);

-- name: SystemShardsMissing :one
-- SystemShardsMissing reports whether some system account has fewer than shards shards.
SELECT EXISTS (
    SELECT 1
    FROM ledger_accounts a
    WHERE a.kind <> 'user'
        AND (SELECT count(*) FROM ledger_system_balances b WHERE b.account_id = a.id) < @shards::integer
)::boolean AS missing;

-- name: SystemShardsEnsure :exec
-- SystemShardsEnsure gives every system account at least shards shards.
INSERT INTO ledger_system_balances (account_id, shard, balance, may_go_negative)
SELECT a.id, s.n - 1, 0, a.may_go_negative
FROM ledger_accounts a
CROSS JOIN generate_series(1, @shards::integer) AS s (n)
WHERE a.kind <> 'user'
ON CONFLICT (account_id, shard) DO NOTHING;

-- name: AccountIDsByCodes :many
SELECT a.code, a.id
FROM ledger_accounts a
WHERE a.code = ANY (@codes::text[]);

-- name: JournalPost :one
-- JournalPost applies a journal in one statement, all or nothing. Its inputs are the journal's
-- postings, the net change of each user account (available and held; user_accounts sorted
-- ascending) and the net change of each system account. In order, it:
--   1. locks the user balance rows in account id order (ul; FOR UPDATE returns the newest
--      committed values under READ COMMITTED) and checks that every change keeps them
--      non-negative (uok);
--   2. only then picks for each system account one shard that is not locked by another
--      transaction and that can take the change (sp; debits take the fullest shard, credits
--      the emptiest, which keeps shards level);
--   3. when every user change fits and every system account got a shard (ok), updates the
--      balances and inserts the journal and its postings.
-- It returns the new journal id (0 when nothing was applied), the locked user balances in
-- account id order and the system accounts that got a shard. The caller handles the
-- failures: insufficient user funds, or a system account that needs the fallback. Nothing
-- changes unless everything fits, but the locks taken stay until the transaction ends.
WITH ul AS MATERIALIZED (
    SELECT b.account_id, b.available, b.held
    FROM ledger_user_balances b
    WHERE b.account_id = ANY (@user_accounts::bigint[])
    ORDER BY b.account_id
    FOR UPDATE
),
uok AS MATERIALIZED (
    SELECT
        count(*) = coalesce(cardinality(@user_accounts::bigint[]), 0)
        AND coalesce(bool_and(
            ul.available + (@user_available::bigint[])[array_position(@user_accounts::bigint[], ul.account_id)] >= 0
            AND ul.held + (@user_held::bigint[])[array_position(@user_accounts::bigint[], ul.account_id)] >= 0
        ), true) AS ok
    FROM ul
),
sp AS MATERIALIZED (
    SELECT d.account_id, d.delta, pick.shard
    FROM (
        SELECT unnest(@system_accounts::bigint[]) AS account_id, unnest(@system_deltas::bigint[]) AS delta
    ) AS d
    CROSS JOIN LATERAL (
        SELECT b.shard
        FROM ledger_system_balances b
        WHERE b.account_id = d.account_id AND (b.may_go_negative OR b.balance + d.delta >= 0)
        ORDER BY CASE WHEN d.delta < 0 THEN b.balance END DESC NULLS LAST, b.balance
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    ) AS pick
    WHERE (SELECT uok.ok FROM uok)
),
ok AS MATERIALIZED (
    SELECT (SELECT uok.ok FROM uok)
        AND (SELECT count(*) FROM sp) = coalesce(cardinality(@system_accounts::bigint[]), 0) AS ok
),
uu AS (
    UPDATE ledger_user_balances b
    SET available = b.available + (@user_available::bigint[])[array_position(@user_accounts::bigint[], b.account_id)],
        held = b.held + (@user_held::bigint[])[array_position(@user_accounts::bigint[], b.account_id)]
    WHERE b.account_id = ANY (@user_accounts::bigint[]) AND (SELECT ok.ok FROM ok)
),
su AS (
    UPDATE ledger_system_balances b
    SET balance = b.balance + sp.delta
    FROM sp
    WHERE b.account_id = sp.account_id AND b.shard = sp.shard AND (SELECT ok.ok FROM ok)
),
j AS (
    INSERT INTO ledger_journals (type, reference, created_at)
    SELECT @journal_type::text, @reference::text, @created_at::timestamptz
    WHERE (SELECT ok.ok FROM ok)
    RETURNING id
),
p AS (
    INSERT INTO ledger_postings (journal_id, account_id, bucket, amount)
    SELECT j.id, d.account_id, d.bucket, d.amount
    FROM j
    CROSS JOIN (
        SELECT
            unnest(@posting_accounts::bigint[]) AS account_id,
            unnest(@posting_buckets::smallint[]) AS bucket,
            unnest(@posting_amounts::bigint[]) AS amount
    ) AS d
)
SELECT
    coalesce((SELECT j.id FROM j), 0)::bigint AS journal_id,
    coalesce(l.accounts, '{}')::bigint[] AS locked_accounts,
    coalesce(l.available, '{}')::bigint[] AS locked_available,
    coalesce(l.held, '{}')::bigint[] AS locked_held,
    coalesce((SELECT array_agg(sp.account_id) FROM sp), '{}')::bigint[] AS picked_accounts
FROM (
    SELECT
        array_agg(ul.account_id ORDER BY ul.account_id) AS accounts,
        array_agg(ul.available ORDER BY ul.account_id) AS available,
        array_agg(ul.held ORDER BY ul.account_id) AS held
    FROM ul
) AS l;

-- name: SystemShardsFit :one
-- SystemShardsFit counts, without locking, the shards of a system account and those whose
-- last committed balance can take delta.
SELECT
    count(*)::bigint AS shards,
    (count(*) FILTER (WHERE b.may_go_negative OR b.balance + @delta::bigint >= 0))::bigint AS fitting
FROM ledger_system_balances b
WHERE b.account_id = @account_id::bigint;

-- name: SystemShardLockFitting :one
-- SystemShardLockFitting locks one shard of a system account that can take delta, waiting
-- for it if another transaction holds it. The random order spreads waiters over the shards;
-- a shard that no longer fits once its lock is granted is passed over.
SELECT b.account_id, b.shard, b.balance
FROM ledger_system_balances b
WHERE b.account_id = @account_id::bigint
    AND (b.may_go_negative OR b.balance + @delta::bigint >= 0)
ORDER BY random()
LIMIT 1
FOR UPDATE;

-- name: SystemShardsLock :many
-- SystemShardsLock locks every shard of a system account, in shard order so that two
-- transactions falling back on the same account queue instead of deadlocking.
SELECT b.account_id, b.shard, b.balance
FROM ledger_system_balances b
WHERE b.account_id = @account_id::bigint
ORDER BY b.shard
FOR UPDATE;

-- name: SystemShardsSet :exec
-- SystemShardsSet overwrites the balances of shards of a system account, which the caller
-- holds locked (see SystemShardLockFitting and SystemShardsLock).
UPDATE ledger_system_balances b
SET balance = d.balance
FROM (SELECT unnest(@shards::integer[]) AS shard, unnest(@balances::bigint[]) AS balance) AS d
WHERE b.account_id = @account_id::bigint AND b.shard = d.shard;

-- name: UserBalanceGet :one
SELECT b.available, b.held
FROM ledger_user_balances b
JOIN ledger_accounts a ON a.id = b.account_id
WHERE a.code = @code::text;

-- name: SystemBalanceGet :one
SELECT coalesce(sum(b.balance), 0)::bigint AS balance
FROM ledger_accounts a
LEFT JOIN ledger_system_balances b ON b.account_id = a.id
WHERE a.code = @code::text
GROUP BY a.id;

-- name: LedgerStoredBalances :many
-- LedgerStoredBalances lists the stored balance of every account that has one: user rows as
-- they are, system accounts as the sum of their shards.
SELECT a.code, b.available, b.held
FROM ledger_user_balances b
JOIN ledger_accounts a ON a.id = b.account_id
UNION ALL
SELECT a.code, sum(s.balance)::bigint, 0::bigint
FROM ledger_system_balances s
JOIN ledger_accounts a ON a.id = s.account_id
GROUP BY a.code;

-- name: LedgerDerivedBalances :many
-- LedgerDerivedBalances recomputes every account's balance from its postings; accounts
-- without postings get zero.
SELECT
    a.code,
    coalesce(d.available, 0)::bigint AS available,
    coalesce(d.held, 0)::bigint AS held
FROM ledger_accounts a
LEFT JOIN (
    SELECT
        p.account_id,
        sum(p.amount) FILTER (WHERE p.bucket = 0) AS available,
        sum(p.amount) FILTER (WHERE p.bucket = 1) AS held
    FROM ledger_postings p
    GROUP BY p.account_id
) AS d ON d.account_id = a.id;

-- name: LedgerUnbalancedJournals :many
-- LedgerUnbalancedJournals lists the journals whose postings do not sum to zero per asset.
SELECT DISTINCT u.journal_id
FROM (
    SELECT p.journal_id
    FROM ledger_postings p
    JOIN ledger_accounts a ON a.id = p.account_id
    GROUP BY p.journal_id, a.asset
    HAVING sum(p.amount) <> 0
) AS u
ORDER BY u.journal_id;

-- name: LedgerCounts :one
-- LedgerCounts counts the journals, the postings, and the postings that name no account
-- (ledger_postings.account_id has no foreign key; see migrations/postgres/00002_ledger.sql).
SELECT
    (SELECT count(*) FROM ledger_journals)::bigint AS journals,
    (SELECT count(*) FROM ledger_postings)::bigint AS postings,
    (
        SELECT count(*) FROM ledger_postings p
        WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = p.account_id)
    )::bigint AS orphans;
