package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

type priceRepository struct{ t *tx }

var _ ports.PriceRepository = priceRepository{}

// Append stores p, stamped with the store's clock as created_at, and returns it with its id
// and its time as stored (microseconds, UTC). A price that fails [pricing.Price.Validate]
// returns an error wrapping [core.ErrInvalidInput].
func (r priceRepository) Append(ctx context.Context, p pricing.Price) (pricing.Point, error) {
	if err := p.Validate(); err != nil {
		return pricing.Point{}, fmt.Errorf("append price: %w", err)
	}
	id, err := r.t.q.PriceInsert(ctx, r.t.db, dbsqlc.PriceInsertParams{
		Buy:        int64(p.Buy),
		Sell:       int64(p.Sell),
		Source:     p.Source,
		ObservedAt: p.At.UnixMicro(),
		CreatedAt:  r.t.now(),
	})
	if err != nil {
		return pricing.Point{}, fmt.Errorf("append price: %w", interpretError(err))
	}
	p.At = timeFromMicros(p.At.UnixMicro())
	return pricing.Point{ID: id, Price: p}, nil
}

// Latest returns the price observed last (ties by the later id), or [core.ErrNotFound].
func (r priceRepository) Latest(ctx context.Context) (pricing.Point, error) {
	row, err := r.t.q.PriceLatest(ctx, r.t.db)
	if err != nil {
		return pricing.Point{}, fmt.Errorf("latest price: %w", interpretError(err))
	}
	return pointFromRow(row), nil
}

// Range returns the prices observed at or after from and before to, oldest first.
func (r priceRepository) Range(ctx context.Context, from, to time.Time) ([]pricing.Point, error) {
	rows, err := r.t.q.PriceRange(ctx, r.t.db, dbsqlc.PriceRangeParams{
		FromTime: from.UnixMicro(), ToTime: to.UnixMicro(),
	})
	if err != nil {
		return nil, fmt.Errorf("price range: %w", interpretError(err))
	}
	return pointsFromRows(rows), nil
}

// List returns one page of prices, newest first, and how many there are.
func (r priceRepository) List(ctx context.Context, offset, limit int) ([]pricing.Point, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.t.q.PriceList(ctx, r.t.db, dbsqlc.PriceListParams{PageOffset: int64(offset), PageLimit: int64(limit)})
	if err != nil {
		return nil, 0, fmt.Errorf("list prices: %w", interpretError(err))
	}
	n, err := r.t.q.PriceCount(ctx, r.t.db)
	if err != nil {
		return nil, 0, fmt.Errorf("count prices: %w", interpretError(err))
	}
	return pointsFromRows(rows), int(n), nil
}

// Get returns a price by id, or [core.ErrNotFound].
func (r priceRepository) Get(ctx context.Context, id int64) (pricing.Point, error) {
	row, err := r.t.q.PriceGet(ctx, r.t.db, id)
	if err != nil {
		return pricing.Point{}, fmt.Errorf("price %d: %w", id, interpretError(err))
	}
	return pointFromRow(row), nil
}

func pointFromRow(row dbsqlc.GoldPrice) pricing.Point {
	return pricing.Point{ID: row.ID, Price: pricing.Price{
		Buy:    core.RialsPerGram(row.Buy),
		Sell:   core.RialsPerGram(row.Sell),
		Source: row.Source,
		At:     timeFromMicros(row.ObservedAt),
	}}
}

func pointsFromRows(rows []dbsqlc.GoldPrice) []pricing.Point {
	out := make([]pricing.Point, 0, len(rows))
	for _, row := range rows {
		out = append(out, pointFromRow(row))
	}
	return out
}
