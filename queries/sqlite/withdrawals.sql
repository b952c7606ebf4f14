-- name: WithdrawalInsert :one
INSERT INTO withdrawals (
    number, user_id, bank_account_id, amount, fee, status, hold_id, channel, tracking_code,
    reason, approved_by, processed_by, created_at, updated_at, processed_at
) VALUES (
    @number, @user_id, @bank_account_id, @amount, @fee, @status, @hold_id, @channel,
    @tracking_code, @reason, @approved_by, @processed_by, @created_at, @updated_at,
    @processed_at
)
RETURNING id;

-- name: WithdrawalSave :execrows
-- Stores what the withdrawal's transitions change; its number, user, bank account, amounts
-- and creation time never change.
UPDATE withdrawals SET
    status = @status,
    hold_id = @hold_id,
    channel = @channel,
    tracking_code = @tracking_code,
    reason = @reason,
    approved_by = @approved_by,
    processed_by = @processed_by,
    updated_at = @updated_at,
    processed_at = @processed_at
WHERE id = @id;

-- name: WithdrawalGet :one
SELECT id, number, user_id, bank_account_id, amount, fee, status, hold_id, channel,
    tracking_code, reason, approved_by, processed_by, created_at, updated_at, processed_at
FROM withdrawals
WHERE id = @id;

-- name: WithdrawalList :many
-- One page of the withdrawals of a user and status (0 or empty for all), newest first.
SELECT id, number, user_id, bank_account_id, amount, fee, status, hold_id, channel,
    tracking_code, reason, approved_by, processed_by, created_at, updated_at, processed_at
FROM withdrawals
WHERE (CAST(@user_id AS INTEGER) = 0 OR user_id = @user_id)
    AND (CAST(@status AS TEXT) = '' OR status = @status)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: WithdrawalCount :one
SELECT count(*) FROM withdrawals
WHERE (CAST(@user_id AS INTEGER) = 0 OR user_id = @user_id)
    AND (CAST(@status AS TEXT) = '' OR status = @status);

-- name: WithdrawalCountByAccount :one
-- Counts the withdrawals to a bank account in the statuses listed as ",pending,approved,".
SELECT count(*) FROM withdrawals
WHERE bank_account_id = @bank_account_id
    AND instr(CAST(@statuses AS TEXT), ',' || status || ',') > 0;

-- name: WithdrawalUsage :one
-- Sums the amounts (without fees) of a user's withdrawals in the listed statuses (as in
-- WithdrawalCountByAccount) created at or after day_start and at or after month_start.
SELECT
    CAST(COALESCE(SUM(CASE WHEN created_at >= @day_start THEN amount END), 0) AS INTEGER) AS day,
    CAST(COALESCE(SUM(CASE WHEN created_at >= @month_start THEN amount END), 0) AS INTEGER) AS month
FROM withdrawals
WHERE user_id = @user_id
    AND instr(CAST(@statuses AS TEXT), ',' || status || ',') > 0
    AND created_at >= min(@day_start, @month_start);
