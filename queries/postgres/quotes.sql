-- name: QuoteInsert :exec
INSERT INTO quotes (
    id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
)
VALUES (
    @id::text, @user_id::bigint, @side::text, @amount_irr::bigint, @gold::bigint, @price::bigint,
    @fee::bigint, @total::bigint, @by_gold::boolean, @created_at::timestamptz,
    @expires_at::timestamptz, sqlc.narg('used_at')::timestamptz
);

-- name: QuoteGet :one
-- QuoteGet returns a quote without locking it (for read-only transactions).
SELECT id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
FROM quotes
WHERE id = @id::text;

-- name: QuoteGetForUpdate :one
SELECT id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
FROM quotes
WHERE id = @id::text
FOR UPDATE;

-- name: QuoteLatestImplicit :one
-- QuoteLatestImplicit returns the newest unused quote of a user and side that is unexpired at
-- now and priced the same amount: by gold when by_gold, else by amount_irr (see
-- trading.Quote.Matches), without locking it (for read-only transactions).
SELECT id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
FROM quotes
WHERE user_id = @user_id::bigint AND side = @side::text AND by_gold = @by_gold::boolean
    AND ((@by_gold::boolean AND gold = @gold::bigint) OR (NOT @by_gold::boolean AND amount_irr = @amount_irr::bigint))
    AND used_at IS NULL AND expires_at > @now::timestamptz
ORDER BY created_at DESC, id DESC
LIMIT 1;

-- name: QuoteLatestImplicitForUpdate :one
-- QuoteLatestImplicitForUpdate is QuoteLatestImplicit, locking the quote until the
-- transaction ends. A statement that waited for the lock while another transaction used the
-- quote re-checks it and finds no quote (it does not move on to an older one): the order is
-- then priced afresh.
SELECT id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
FROM quotes
WHERE user_id = @user_id::bigint AND side = @side::text AND by_gold = @by_gold::boolean
    AND ((@by_gold::boolean AND gold = @gold::bigint) OR (NOT @by_gold::boolean AND amount_irr = @amount_irr::bigint))
    AND used_at IS NULL AND expires_at > @now::timestamptz
ORDER BY created_at DESC, id DESC
LIMIT 1
FOR UPDATE;

-- name: QuoteMarkUsed :execrows
-- QuoteMarkUsed saves a quote's use only if it is still unused: of two transactions using one
-- quote, the second updates no row.
UPDATE quotes
SET used_at = @used_at::timestamptz
WHERE id = @id::text AND used_at IS NULL;

-- name: QuoteDeleteExpired :execrows
DELETE FROM quotes
WHERE expires_at < @cutoff::timestamptz;
