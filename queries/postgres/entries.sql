-- name: LedgerEntries :many
-- LedgerEntries returns one page of the journals with a posting to one of a user's accounts,
-- of the given types (all when types is empty), newest first, each with the net change of the
-- user's IRR and gold balances (available plus held).
SELECT
    j.id,
    j.type,
    j.reference,
    j.created_at,
    coalesce(sum(p.amount) FILTER (WHERE a.asset = 'IRR'), 0)::bigint AS irr,
    coalesce(sum(p.amount) FILTER (WHERE a.asset = 'GOLD'), 0)::bigint AS gold
FROM ledger_accounts a
JOIN ledger_postings p ON p.account_id = a.id
JOIN ledger_journals j ON j.id = p.journal_id
WHERE a.user_id = @user_id::bigint
    AND (cardinality(@types::text[]) = 0 OR j.type = ANY (@types::text[]))
GROUP BY j.id
ORDER BY j.created_at DESC, j.id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: LedgerEntriesCount :one
SELECT count(DISTINCT p.journal_id)::bigint AS journals
FROM ledger_accounts a
JOIN ledger_postings p ON p.account_id = a.id
JOIN ledger_journals j ON j.id = p.journal_id
WHERE a.user_id = @user_id::bigint
    AND (cardinality(@types::text[]) = 0 OR j.type = ANY (@types::text[]));
