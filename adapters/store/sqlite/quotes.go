package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

type quoteRepository struct{ t *tx }

var _ ports.QuoteRepository = quoteRepository{}

// Create stores a new quote. It returns a [*core.ConflictError] (matching [core.ErrConflict])
// when the id exists, and [core.ErrNotFound] when the user does not.
func (r quoteRepository) Create(ctx context.Context, q *trading.Quote) error {
	rec := q.Record()
	err := r.t.q.QuoteInsert(ctx, r.t.db, dbsqlc.QuoteInsertParams{
		ID:        string(rec.ID),
		UserID:    int64(rec.User),
		Side:      rec.Terms.Side.String(),
		AmountIrr: int64(rec.Terms.AmountIRR),
		Gold:      int64(rec.Terms.Gold),
		Price:     int64(rec.Terms.Price),
		Fee:       int64(rec.Terms.Fee),
		Total:     int64(rec.Terms.Total),
		ByGold:    boolInt(rec.ByGold),
		CreatedAt: rec.CreatedAt.UnixMicro(),
		ExpiresAt: rec.ExpiresAt.UnixMicro(),
		UsedAt:    nullMicros(rec.UsedAt),
	})
	if err != nil {
		return fmt.Errorf("create quote: %w", interpretError(err))
	}
	return nil
}

// GetForUpdate is a plain read: a write transaction holds the database's write lock from its
// BEGIN IMMEDIATE.
func (r quoteRepository) GetForUpdate(ctx context.Context, id trading.QuoteID) (*trading.Quote, error) {
	row, err := r.t.q.QuoteGet(ctx, r.t.db, string(id))
	if err != nil {
		return nil, fmt.Errorf("quote: %w", interpretError(err))
	}
	return quoteFromRow(row)
}

// LatestImplicit returns user's newest quote that is unused, unexpired at now and matches
// req ([trading.Quote.MatchesImplicit]), or [core.ErrNotFound]. A request with both amounts
// set matches no quote. Like GetForUpdate it needs no lock.
func (r quoteRepository) LatestImplicit(ctx context.Context, user core.UserID, req trading.Request, now time.Time) (*trading.Quote, error) {
	if req.ByGold() && req.Amount != 0 {
		return nil, fmt.Errorf("implicit quote: %w", core.ErrNotFound)
	}
	row, err := r.t.q.QuoteLatestImplicit(ctx, r.t.db, dbsqlc.QuoteLatestImplicitParams{
		UserID:    int64(user),
		Side:      req.Side.String(),
		ByGold:    boolInt(req.ByGold()),
		Gold:      int64(req.Gold),
		AmountIrr: int64(req.Amount),
		Now:       now.UnixMicro(),
	})
	if err != nil {
		return nil, fmt.Errorf("implicit quote: %w", interpretError(err))
	}
	return quoteFromRow(row)
}

// MarkUsed saves q's use after [trading.Quote.Redeem], only if the stored quote is still
// unused; otherwise (used since q was read, or no such quote) it returns
// [core.ErrQuoteUsed]. A quote that was not redeemed returns an error wrapping
// [core.ErrInvalidInput].
func (r quoteRepository) MarkUsed(ctx context.Context, q *trading.Quote) error {
	if !q.Used() {
		return fmt.Errorf("%w: sqlite: mark quote %s used before it was redeemed", core.ErrInvalidInput, q.ID())
	}
	n, err := r.t.q.QuoteMarkUsed(ctx, r.t.db, dbsqlc.QuoteMarkUsedParams{ID: string(q.ID()), UsedAt: nullMicros(q.UsedAt())})
	if err != nil {
		return fmt.Errorf("mark quote %s used: %w", q.ID(), interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("mark quote %s used: %w", q.ID(), core.ErrQuoteUsed)
	}
	return nil
}

// DeleteExpired removes the quotes whose expiry is before cutoff, used or not, and returns
// how many.
func (r quoteRepository) DeleteExpired(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := r.t.q.QuoteDeleteExpired(ctx, r.t.db, cutoff.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("delete expired quotes: %w", interpretError(err))
	}
	return n, nil
}

func quoteFromRow(row dbsqlc.Quote) (*trading.Quote, error) {
	side, err := trading.ParseSide(row.Side)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite: quote %s: stored side %q", core.ErrInternal, row.ID, row.Side)
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
		ByGold:    row.ByGold == 1,
		CreatedAt: timeFromMicros(row.CreatedAt),
		ExpiresAt: timeFromMicros(row.ExpiresAt),
		UsedAt:    timeFromNullMicros(row.UsedAt),
	}), nil
}
