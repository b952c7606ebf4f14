-- name: OrderInsert :one
INSERT INTO orders (
    number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
) VALUES (
    @number, @user_id, @side, @status, @amount_irr, @gold, @price, @fee, @total, @quote_id,
    @failure_reason, @created_at, @executed_at, @cancelled_at
)
RETURNING id;

-- name: OrderSave :execrows
-- Stores an order's status, failure reason and times; its terms never change.
UPDATE orders SET
    status = @status,
    failure_reason = @failure_reason,
    executed_at = @executed_at,
    cancelled_at = @cancelled_at
WHERE id = @id AND user_id = @user_id;

-- name: OrderGet :one
SELECT id, number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
FROM orders
WHERE id = @id AND user_id = @user_id;

-- name: OrderList :many
-- One page of a user's orders of one side and status (either empty for all), newest first.
SELECT id, number, user_id, side, status, amount_irr, gold, price, fee, total, quote_id,
    failure_reason, created_at, executed_at, cancelled_at
FROM orders
WHERE user_id = @user_id
    AND (CAST(@side AS TEXT) = '' OR side = @side)
    AND (CAST(@status AS TEXT) = '' OR status = @status)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: OrderCount :one
SELECT count(*) FROM orders
WHERE user_id = @user_id
    AND (CAST(@side AS TEXT) = '' OR side = @side)
    AND (CAST(@status AS TEXT) = '' OR status = @status);

-- name: OrderSummary :one
-- Counts and sums of a user's completed orders per side.
SELECT
    count(CASE WHEN side = 'buy' THEN 1 END) AS buys,
    count(CASE WHEN side = 'sell' THEN 1 END) AS sells,
    CAST(COALESCE(SUM(CASE WHEN side = 'buy' THEN amount_irr END), 0) AS INTEGER) AS bought_irr,
    CAST(COALESCE(SUM(CASE WHEN side = 'sell' THEN amount_irr END), 0) AS INTEGER) AS sold_irr,
    CAST(COALESCE(SUM(CASE WHEN side = 'buy' THEN fee END), 0) AS INTEGER) AS buy_fees,
    CAST(COALESCE(SUM(CASE WHEN side = 'sell' THEN fee END), 0) AS INTEGER) AS sell_fees,
    CAST(COALESCE(SUM(CASE WHEN side = 'buy' THEN gold END), 0) AS INTEGER) AS bought_gold,
    CAST(COALESCE(SUM(CASE WHEN side = 'sell' THEN gold END), 0) AS INTEGER) AS sold_gold
FROM orders
WHERE user_id = @user_id AND status = 'completed';

-- name: OrderUsage :one
-- Sums the amounts (before fees) of a user's completed orders of one side created at or after
-- day_start and at or after month_start: the trading caps.
SELECT
    CAST(COALESCE(SUM(CASE WHEN created_at >= @day_start THEN amount_irr END), 0) AS INTEGER) AS day,
    CAST(COALESCE(SUM(CASE WHEN created_at >= @month_start THEN amount_irr END), 0) AS INTEGER) AS month
FROM orders
WHERE user_id = @user_id AND side = @side AND status = 'completed'
    AND created_at >= min(@day_start, @month_start);
