-- name: LedgerEntries :many
-- One page of the journals with a posting to one of a user's accounts, of the types listed in
-- types as ",buy,sell," (all when it is empty), newest first, each with the net change of the
-- user's IRR and gold balances (available plus held). Journal types are [a-z_] names, so the
-- commas delimit them exactly.
SELECT
    j.id,
    j.type,
    j.reference,
    j.created_at,
    CAST(COALESCE(SUM(CASE WHEN a.asset = 'IRR' THEN p.amount END), 0) AS INTEGER) AS irr,
    CAST(COALESCE(SUM(CASE WHEN a.asset = 'GOLD' THEN p.amount END), 0) AS INTEGER) AS gold
FROM ledger_accounts a
JOIN ledger_postings p ON p.account_id = a.id
JOIN ledger_journals j ON j.id = p.journal_id
WHERE a.user_id = @user_id
    AND (CAST(@types AS TEXT) = '' OR instr(@types, ',' || j.type || ',') > 0)
GROUP BY j.id
ORDER BY j.created_at DESC, j.id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: LedgerEntriesCount :one
SELECT count(DISTINCT p.journal_id)
FROM ledger_accounts a
JOIN ledger_postings p ON p.account_id = a.id
JOIN ledger_journals j ON j.id = p.journal_id
WHERE a.user_id = @user_id
    AND (CAST(@types AS TEXT) = '' OR instr(@types, ',' || j.type || ',') > 0);
