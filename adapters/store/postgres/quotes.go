package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

var _ ports.QuoteRepository = quoteRepository{}

// quoteRepository keeps firm quotes in one transaction.
type quoteRepository struct{ tx *tx }

// Create stores a new quote. It returns a [*core.ConflictError] (matching [core.ErrConflict])
// when the id exists, and [core.ErrNotFound] when the user does not.
func (r quoteRepository) Create(ctx context.Context, q *trading.Quote) error {
	rec := q.Record()
	err := r.tx.q().QuoteInsert(ctx, r.tx, dbsqlc.QuoteInsertParams{
		ID:        string(rec.ID),
		UserID:    int64(rec.User),
		Side:      rec.Terms.Side.String(),
		AmountIrr: int64(rec.Terms.AmountIRR),
		Gold:      int64(rec.Terms.Gold),
		Price:     int64(rec.Terms.Price),
		Fee:       int64(rec.Terms.Fee),
		Total:     int64(rec.Terms.Total),
		ByGold:    rec.ByGold,
		CreatedAt: rec.CreatedAt,
		ExpiresAt: rec.ExpiresAt,
		UsedAt:    nullTime(rec.UsedAt),
	})
	if err != nil {
		return fmt.Errorf("postgres: create quote: %w", interpretError(err))
	}
	return nil
}

// GetForUpdate returns a quote by id, locked until the transaction ends, or
// [core.ErrNotFound]. In a read-only transaction it reads without locking.
func (r quoteRepository) GetForUpdate(ctx context.Context, id trading.QuoteID) (*trading.Quote, error) {
	get := r.tx.q().QuoteGetForUpdate
	if r.tx.mode.readOnly {
		get = r.tx.q().QuoteGet
	}
	row, err := get(ctx, r.tx, string(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get quote for update: %w", interpretError(err))
	}
	return quoteFromRow(row)
}

// LatestImplicit returns user's newest quote that is unused, unexpired at now and matches
// req ([trading.Quote.MatchesImplicit]), locked until the transaction ends, or
// [core.ErrNotFound]. A request with both amounts set matches no quote. When another
// transaction holds the newest matching quote, LatestImplicit waits for it; if that
// transaction used the quote, it returns [core.ErrNotFound] rather than an older quote. In a
// read-only transaction it reads without locking.
func (r quoteRepository) LatestImplicit(ctx context.Context, user core.UserID, req trading.Request, now time.Time) (*trading.Quote, error) {
	if req.ByGold() && req.Amount != 0 {
		return nil, fmt.Errorf("postgres: implicit quote: %w", core.ErrNotFound)
	}
	params := dbsqlc.QuoteLatestImplicitForUpdateParams{
		UserID:    int64(user),
		Side:      req.Side.String(),
		ByGold:    req.ByGold(),
		Gold:      int64(req.Gold),
		AmountIrr: int64(req.Amount),
		Now:       now,
	}
	var row dbsqlc.Quote
	var err error
	if r.tx.mode.readOnly {
		row, err = r.tx.q().QuoteLatestImplicit(ctx, r.tx, dbsqlc.QuoteLatestImplicitParams(params))
	} else {
		row, err = r.tx.q().QuoteLatestImplicitForUpdate(ctx, r.tx, params)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: implicit quote: %w", interpretError(err))
	}
	return quoteFromRow(row)
}

// MarkUsed saves q's use after [trading.Quote.Redeem], only if the stored quote is still
// unused; otherwise (another transaction used it since q was read, or there is no such
// quote) it returns [core.ErrQuoteUsed]. A quote that was not redeemed returns an error
// wrapping [core.ErrInvalidInput].
func (r quoteRepository) MarkUsed(ctx context.Context, q *trading.Quote) error {
	if !q.Used() {
		return fmt.Errorf("%w: postgres: mark quote %s used before it was redeemed", core.ErrInvalidInput, q.ID())
	}
	n, err := r.tx.q().QuoteMarkUsed(ctx, r.tx, dbsqlc.QuoteMarkUsedParams{ID: string(q.ID()), UsedAt: q.UsedAt()})
	if err != nil {
		return fmt.Errorf("postgres: mark quote %s used: %w", q.ID(), interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: mark quote %s used: %w", q.ID(), core.ErrQuoteUsed)
	}
	return nil
}

// DeleteExpired removes the quotes whose expiry is before cutoff, used or not, and returns
// how many.
func (r quoteRepository) DeleteExpired(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := r.tx.q().QuoteDeleteExpired(ctx, r.tx, cutoff)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete expired quotes: %w", interpretError(err))
	}
	return n, nil
}

// quoteFromRow converts a quotes row; times are handed out in UTC. A side the core does not
// know is an internal error.
func quoteFromRow(row dbsqlc.Quote) (*trading.Quote, error) {
	side, err := trading.ParseSide(row.Side)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: quote %s has unknown side %q", core.ErrInternal, row.ID, row.Side)
	}
	return trading.RehydrateQuote(trading.QuoteRecord{
		ID:   trading.QuoteID(row.ID),
		User: core.UserID(row.UserID),
		Terms: trading.Terms{
			Side:      side,
			AmountIRR: core.Rial(row.AmountIrr),
			Gold:      core.Microgram(row.Gold),
			Price:     core.RialsPerGram(row.Price),
			Fee:       core.Rial(row.Fee),
			Total:     core.Rial(row.Total),
		},
		ByGold:    row.ByGold,
		CreatedAt: row.CreatedAt.UTC(),
		ExpiresAt: row.ExpiresAt.UTC(),
		UsedAt:    timeOf(row.UsedAt),
	}), nil
}
