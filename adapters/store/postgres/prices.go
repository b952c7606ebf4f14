package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

var _ ports.PriceRepository = priceRepository{}

// priceRepository keeps the gold price history (gold_prices) in one transaction.
type priceRepository struct{ tx *tx }

// Append stores p, stamped with the store's clock as created_at, and returns it with its id.
// A price that fails [pricing.Price.Validate] returns an error wrapping
// [core.ErrInvalidInput].
func (r priceRepository) Append(ctx context.Context, p pricing.Price) (pricing.Point, error) {
	if err := p.Validate(); err != nil {
		return pricing.Point{}, fmt.Errorf("postgres: append price: %w", err)
	}
	id, err := r.tx.q().PriceInsert(ctx, r.tx, dbsqlc.PriceInsertParams{
		Buy:        int64(p.Buy),
		Sell:       int64(p.Sell),
		Source:     p.Source,
		ObservedAt: p.At,
		CreatedAt:  r.tx.store.opts.Clock.Now(),
	})
	if err != nil {
		return pricing.Point{}, fmt.Errorf("postgres: append price: %w", interpretError(err))
	}
	p.At = p.At.Truncate(time.Microsecond).UTC()
	return pricing.Point{ID: id, Price: p}, nil
}

// Latest returns the price observed last (ties by the later id), or [core.ErrNotFound].
func (r priceRepository) Latest(ctx context.Context) (pricing.Point, error) {
	row, err := r.tx.q().PriceLatest(ctx, r.tx)
	if err != nil {
		return pricing.Point{}, fmt.Errorf("postgres: latest price: %w", interpretError(err))
	}
	return pointFromRow(row), nil
}

// Range returns the prices observed at or after from and before to, oldest first.
func (r priceRepository) Range(ctx context.Context, from, to time.Time) ([]pricing.Point, error) {
	rows, err := r.tx.q().PriceRange(ctx, r.tx, dbsqlc.PriceRangeParams{FromTime: from, ToTime: to})
	if err != nil {
		return nil, fmt.Errorf("postgres: price range: %w", interpretError(err))
	}
	return pointsFromRows(rows), nil
}

// List returns one page of prices, newest first, and how many there are.
func (r priceRepository) List(ctx context.Context, offset, limit int) ([]pricing.Point, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.tx.q().PriceList(ctx, r.tx, dbsqlc.PriceListParams{PageOffset: int64(offset), PageLimit: int64(limit)})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list prices: %w", interpretError(err))
	}
	n, err := r.tx.q().PriceCount(ctx, r.tx)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count prices: %w", interpretError(err))
	}
	return pointsFromRows(rows), int(n), nil
}

// Get returns a price by id, or [core.ErrNotFound].
func (r priceRepository) Get(ctx context.Context, id int64) (pricing.Point, error) {
	row, err := r.tx.q().PriceGet(ctx, r.tx, id)
	if err != nil {
		return pricing.Point{}, fmt.Errorf("postgres: get price %d: %w", id, interpretError(err))
	}
	return pointFromRow(row), nil
}

// pointFromRow converts a gold_prices row; its time is handed out in UTC.
func pointFromRow(row dbsqlc.GoldPrice) pricing.Point {
	return pricing.Point{ID: row.ID, Price: pricing.Price{
		Buy:    core.RialsPerGram(row.Buy),
		Sell:   core.RialsPerGram(row.Sell),
		Source: row.Source,
		At:     row.ObservedAt.UTC(),
	}}
}

func pointsFromRows(rows []dbsqlc.GoldPrice) []pricing.Point {
	out := make([]pricing.Point, 0, len(rows))
	for _, row := range rows {
		out = append(out, pointFromRow(row))
	}
	return out
}
