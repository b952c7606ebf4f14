-- name: PriceInsert :one
INSERT INTO gold_prices (buy, sell, source, observed_at, created_at)
VALUES (@buy::bigint, @sell::bigint, @source::text, @observed_at::timestamptz, @created_at::timestamptz)
RETURNING id;

-- name: PriceLatest :one
-- PriceLatest returns the newest price: the latest observed_at, ties by the later id.
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
ORDER BY observed_at DESC, id DESC
LIMIT 1;

-- name: PriceRange :many
-- PriceRange returns the prices observed in [from, to), oldest first.
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
WHERE observed_at >= @from_time::timestamptz AND observed_at < @to_time::timestamptz
ORDER BY observed_at, id;

-- name: PriceList :many
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
ORDER BY observed_at DESC, id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: PriceCount :one
SELECT count(*)::bigint AS prices FROM gold_prices;

-- name: PriceGet :one
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
WHERE id = @id::bigint;
