-- name: OrderInsert :one
INSERT INTO orders (
    number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
)
VALUES (
    @number::text, @user_id::bigint, @side::text, @status::text, @amount_irr::bigint,
    @gold::bigint, @price::bigint, @fee::bigint, @total::bigint, sqlc.narg('quote_id')::text,
    @failure_reason::text, @created_at::timestamptz, sqlc.narg('executed_at')::timestamptz,
    sqlc.narg('cancelled_at')::timestamptz
)
RETURNING id;

-- name: OrderSave :execrows
-- OrderSave stores an order's status, failure reason and times; its terms never change.
UPDATE orders
SET status = @status::text,
    failure_reason = @failure_reason::text,
    executed_at = sqlc.narg('executed_at')::timestamptz,
    cancelled_at = sqlc.narg('cancelled_at')::timestamptz
WHERE id = @id::bigint AND user_id = @user_id::bigint;

-- name: OrderGet :one
SELECT id, number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
FROM orders
WHERE id = @id::bigint AND user_id = @user_id::bigint;

-- name: OrderGetForUpdate :one
SELECT id, number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
FROM orders
WHERE id = @id::bigint AND user_id = @user_id::bigint
FOR UPDATE;

-- name: OrderList :many
-- OrderList returns one page of a user's orders of one side and status (either empty for
-- all), newest first.
SELECT id, number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
FROM orders
WHERE user_id = @user_id::bigint
    AND (@side::text = '' OR side = @side::text)
    AND (@status::text = '' OR status = @status::text)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: OrderCount :one
SELECT count(*)::bigint AS orders
FROM orders
WHERE user_id = @user_id::bigint
    AND (@side::text = '' OR side = @side::text)
    AND (@status::text = '' OR status = @status::text);

-- name: OrderSummary :one
-- OrderSummary counts and sums a user's completed orders per side.
SELECT
    count(*) FILTER (WHERE side = 'buy')::bigint AS buys,
    count(*) FILTER (WHERE side = 'sell')::bigint AS sells,
    coalesce(sum(amount_irr) FILTER (WHERE side = 'buy'), 0)::bigint AS bought_irr,
    coalesce(sum(amount_irr) FILTER (WHERE side = 'sell'), 0)::bigint AS sold_irr,
    coalesce(sum(fee) FILTER (WHERE side = 'buy'), 0)::bigint AS buy_fees,
    coalesce(sum(fee) FILTER (WHERE side = 'sell'), 0)::bigint AS sell_fees,
    coalesce(sum(gold) FILTER (WHERE side = 'buy'), 0)::bigint AS bought_gold,
    coalesce(sum(gold) FILTER (WHERE side = 'sell'), 0)::bigint AS sold_gold
FROM orders
WHERE user_id = @user_id::bigint AND status = 'completed';

-- name: OrderUsage :one
-- OrderUsage sums the amounts (before fees) of a user's completed orders of one side created
-- at or after day_start and at or after month_start: the trading caps.
SELECT
    coalesce(sum(amount_irr) FILTER (WHERE created_at >= @day_start::timestamptz), 0)::bigint AS day,
    coalesce(sum(amount_irr) FILTER (WHERE created_at >= @month_start::timestamptz), 0)::bigint AS month
FROM orders
WHERE user_id = @user_id::bigint AND side = @side::text AND status = 'completed'
    AND created_at >= least(@day_start::timestamptz, @month_start::timestamptz);
