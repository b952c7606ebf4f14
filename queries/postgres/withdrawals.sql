-- name: WithdrawalInsert :one
INSERT INTO withdrawals (
    number, user_id, bank_account_id, amount, fee, status, hold_id, channel, tracking_code,
    reason, approved_by, processed_by, created_at, updated_at, processed_at
)
VALUES (
    @number::text, @user_id::bigint, @bank_account_id::bigint, @amount::bigint, @fee::bigint,
    @status::text, sqlc.narg('hold_id')::bigint, @channel::text, @tracking_code::text,
    @reason::text, sqlc.narg('approved_by')::bigint, sqlc.narg('processed_by')::bigint,
    @created_at::timestamptz, @updated_at::timestamptz, sqlc.narg('processed_at')::timestamptz
)
RETURNING id;

-- name: WithdrawalSave :execrows
-- WithdrawalSave stores what the withdrawal's transitions change; its number, user, bank
-- account, amounts and creation time never change.
UPDATE withdrawals
SET status = @status::text,
    hold_id = sqlc.narg('hold_id')::bigint,
    channel = @channel::text,
    tracking_code = @tracking_code::text,
    reason = @reason::text,
    approved_by = sqlc.narg('approved_by')::bigint,
    processed_by = sqlc.narg('processed_by')::bigint,
    updated_at = @updated_at::timestamptz,
    processed_at = sqlc.narg('processed_at')::timestamptz
WHERE id = @id::bigint;

-- name: WithdrawalGet :one
SELECT id, number, user_id, bank_account_id, amount, fee, status, hold_id, channel,
    tracking_code, reason, approved_by, processed_by, created_at, updated_at, processed_at
FROM withdrawals
WHERE id = @id::bigint;

-- name: WithdrawalGetForUpdate :one
SELECT id, number, user_id, bank_account_id, amount, fee, status, hold_id, channel,
    tracking_code, reason, approved_by, processed_by, created_at, updated_at, processed_at
FROM withdrawals
WHERE id = @id::bigint
FOR UPDATE;

-- name: WithdrawalList :many
-- WithdrawalList returns one page of the withdrawals of a user and status (0 or empty for
-- all), newest first.
SELECT id, number, user_id, bank_account_id, amount, fee, status, hold_id, channel,
    tracking_code, reason, approved_by, processed_by, created_at, updated_at, processed_at
FROM withdrawals
WHERE (@user_id::bigint = 0 OR user_id = @user_id::bigint)
    AND (@status::text = '' OR status = @status::text)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: WithdrawalCount :one
SELECT count(*)::bigint AS withdrawals
FROM withdrawals
WHERE (@user_id::bigint = 0 OR user_id = @user_id::bigint)
    AND (@status::text = '' OR status = @status::text);

-- name: WithdrawalCountByAccount :one
-- WithdrawalCountByAccount counts the withdrawals to a bank account in the given statuses.
SELECT count(*)::bigint AS withdrawals
FROM withdrawals
WHERE bank_account_id = @bank_account_id::bigint AND status = ANY (@statuses::text[]);

-- name: WithdrawalUsage :one
-- WithdrawalUsage sums the amounts (without fees) of a user's withdrawals in the given
-- statuses created at or after day_start and at or after month_start.
SELECT
    coalesce(sum(amount) FILTER (WHERE created_at >= @day_start::timestamptz), 0)::bigint AS day,
    coalesce(sum(amount) FILTER (WHERE created_at >= @month_start::timestamptz), 0)::bigint AS month
FROM withdrawals
WHERE user_id = @user_id::bigint
    AND status = ANY (@statuses::text[])
    AND created_at >= least(@day_start::timestamptz, @month_start::timestamptz);
