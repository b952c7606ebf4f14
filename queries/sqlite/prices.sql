-- name: PriceInsert :one
INSERT INTO gold_prices (buy, sell, source, observed_at, created_at)
VALUES (@buy, @sell, @source, @observed_at, @created_at)
RETURNING id;

-- name: PriceLatest :one
-- The newest price: the latest observed_at, ties by the later id.
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
ORDER BY observed_at DESC, id DESC
LIMIT 1;

-- name: PriceRange :many
-- The prices observed in [from, to), oldest first.
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
WHERE observed_at >= @from_time AND observed_at < @to_time
ORDER BY observed_at, id;

-- name: PriceList :many
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
ORDER BY observed_at DESC, id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: PriceCount :one
SELECT count(*) FROM gold_prices;

-- name: PriceGet :one
SELECT id, buy, sell, source, observed_at, created_at
FROM gold_prices
WHERE id = @id;
