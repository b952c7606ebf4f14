-- name: DepositInsert :one
INSERT INTO deposits (
    number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
) VALUES (
    @number, @user_id, @amount, @method, @gateway, @authority, @status, @gateway_reference,
    @card_pan_masked, @receipt_key, @notes, @reason, @return_url, @credited, @reviewed_by,
    @expires_at, @verified_at, @created_at, @updated_at
)
RETURNING id;

-- name: DepositSave :execrows
-- Stores what the deposit's transitions change; its number, user, amount, method, gateway,
-- return URL, expiry and creation time never change.
UPDATE deposits SET
    authority = @authority,
    status = @status,
    gateway_reference = @gateway_reference,
    card_pan_masked = @card_pan_masked,
    receipt_key = @receipt_key,
    notes = @notes,
    reason = @reason,
    credited = @credited,
    reviewed_by = @reviewed_by,
    verified_at = @verified_at,
    updated_at = @updated_at
WHERE id = @id;

-- name: DepositGet :one
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE id = @id;

-- name: DepositList :many
-- One page of the deposits of a user, status and method (0 or empty for all), newest first.
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE (CAST(@user_id AS INTEGER) = 0 OR user_id = @user_id)
    AND (CAST(@status AS TEXT) = '' OR status = @status OR status = CAST(@or_status AS TEXT))
    AND (CAST(@method AS TEXT) = '' OR method = @method)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: DepositCount :one
SELECT count(*) FROM deposits
WHERE (CAST(@user_id AS INTEGER) = 0 OR user_id = @user_id)
    AND (CAST(@status AS TEXT) = '' OR status = @status OR status = CAST(@or_status AS TEXT))
    AND (CAST(@method AS TEXT) = '' OR method = @method);

-- name: DepositUnsettled :many
-- The online deposits still pending or unknown that were last updated before cutoff, oldest
-- update first. The predicate is deposits_unsettled_idx's.
SELECT id, number, user_id, amount, method, gateway, authority, status, gateway_reference,
    card_pan_masked, receipt_key, notes, reason, return_url, credited, reviewed_by, expires_at,
    verified_at, created_at, updated_at
FROM deposits
WHERE method = 'online' AND status IN ('pending', 'unknown') AND updated_at < @cutoff
ORDER BY updated_at, id
LIMIT @max_rows;

-- name: DepositUsage :one
-- Sums the amounts of a user's deposits in the statuses listed as ",pending,paid," created at
-- or after day_start and at or after month_start. Status names are [a-z_], so the commas
-- delimit them exactly.
SELECT
    CAST(COALESCE(SUM(CASE WHEN created_at >= @day_start THEN amount END), 0) AS INTEGER) AS day,
    CAST(COALESCE(SUM(CASE WHEN created_at >= @month_start THEN amount END), 0) AS INTEGER) AS month
FROM deposits
WHERE user_id = @user_id
    AND instr(CAST(@statuses AS TEXT), ',' || status || ',') > 0
    AND created_at >= min(@day_start, @month_start);
