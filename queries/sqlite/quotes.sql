-- name: QuoteInsert :exec
INSERT INTO quotes (
    id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
) VALUES (
    @id, @user_id, @side, @amount_irr, @gold, @price, @fee, @total, @by_gold, @created_at,
    @expires_at, @used_at
);

-- name: QuoteGet :one
SELECT id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
FROM quotes
WHERE id = @id;

-- name: QuoteLatestImplicit :one
-- The newest unused quote of a user and side that is unexpired at now and priced the same
-- amount: by gold when by_gold, else by amount_irr (see trading.Quote.Matches).
SELECT id, user_id, side, amount_irr, gold, price, fee, total, by_gold, created_at, expires_at, used_at
FROM quotes
WHERE user_id = @user_id AND side = @side AND by_gold = @by_gold
    AND ((by_gold = 1 AND gold = @gold) OR (by_gold = 0 AND amount_irr = @amount_irr))
    AND used_at IS NULL AND expires_at > @now
ORDER BY created_at DESC, id DESC
LIMIT 1;

-- name: QuoteMarkUsed :execrows
-- Only an unused quote changes: a second use of one quote updates no row.
UPDATE quotes SET used_at = @used_at
WHERE id = @id AND used_at IS NULL;

-- name: QuoteDeleteExpired :execrows
DELETE FROM quotes WHERE expires_at < @cutoff;
