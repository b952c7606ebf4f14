-- name: DepositInsert :one
INSERT INTO deposits (
    number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
)
VALUES (
    @number::text, @user_id::bigint, @amount::bigint, @method::text, @gateway::text,
    @authority::text, @status::text, @gateway_reference::text, @card_pan_masked::text,
    @receipt_key::text, @notes::text, @reason::text, @return_url::text, @credited::bigint,
    sqlc.narg('reviewed_by')::bigint, sqlc.narg('expires_at')::timestamptz,
    sqlc.narg('verified_at')::timestamptz, @created_at::timestamptz, @updated_at::timestamptz
)
RETURNING id;

-- name: DepositSave :execrows
-- DepositSave stores what the deposit's transitions change; its number, user, amount, method,
-- gateway, return URL, expiry and creation time never change.
UPDATE deposits
SET authority = @authority::text,
    status = @status::text,
    gateway_reference = @gateway_reference::text,
    card_pan_masked = @card_pan_masked::text,
    receipt_key = @receipt_key::text,
    notes = @notes::text,
    reason = @reason::text,
    credited = @credited::bigint,
    reviewed_by = sqlc.narg('reviewed_by')::bigint,
    verified_at = sqlc.narg('verified_at')::timestamptz,
    updated_at = @updated_at::timestamptz
WHERE id = @id::bigint;

-- name: DepositGet :one
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE id = @id::bigint;

-- name: DepositGetForUpdate :one
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE id = @id::bigint
FOR UPDATE;

-- name: DepositList :many
-- DepositList returns one page of the deposits of a user, status and method (0 or empty for
-- all), newest first.
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE (@user_id::bigint = 0 OR user_id = @user_id::bigint)
    AND (@status::text = '' OR status = @status::text OR status = @or_status::text)
    AND (@method::text = '' OR method = @method::text)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: DepositCount :one
SELECT count(*)::bigint AS deposits
FROM deposits
WHERE (@user_id::bigint = 0 OR user_id = @user_id::bigint)
    AND (@status::text = '' OR status = @status::text OR status = @or_status::text)
    AND (@method::text = '' OR method = @method::text);

-- name: DepositUnsettled :many
-- DepositUnsettled returns the online deposits still pending or unknown that were last
-- updated before cutoff, oldest update first. The predicate is deposits_unsettled_idx's.
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE method = 'online' AND status IN ('pending', 'unknown') AND updated_at < @cutoff::timestamptz
ORDER BY updated_at, id
LIMIT @max_rows::bigint;

-- name: DepositUsage :one
-- DepositUsage sums the amounts of a user's deposits in the given statuses created at or
-- after day_start and at or after month_start.
SELECT
    coalesce(sum(amount) FILTER (WHERE created_at >= @day_start::timestamptz), 0)::bigint AS day,
    coalesce(sum(amount) FILTER (WHERE created_at >= @month_start::timestamptz), 0)::bigint AS month
FROM deposits
WHERE user_id = @user_id::bigint
    AND status = ANY (@statuses::text[])
    AND created_at >= least(@day_start::timestamptz, @month_start::timestamptz);
