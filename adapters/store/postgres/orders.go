package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

var _ ports.OrderRepository = orderRepository{}

// orderRepository keeps orders in one transaction. Every read names the user, so another
// user's order reads as [core.ErrNotFound].
type orderRepository struct{ tx *tx }

// Create stores a new order and returns its id. It returns a [*core.ConflictError] (matching
// [core.ErrConflict]) when its number exists, and [core.ErrNotFound] when the user does not.
func (r orderRepository) Create(ctx context.Context, o *trading.Order) (trading.OrderID, error) {
	rec := o.Record()
	id, err := r.tx.q().OrderInsert(ctx, r.tx, dbsqlc.OrderInsertParams{
		Number:        rec.Number,
		UserID:        int64(rec.User),
		Side:          rec.Terms.Side.String(),
		Status:        rec.Status.String(),
		AmountIrr:     int64(rec.Terms.AmountIRR),
		Gold:          int64(rec.Terms.Gold),
		Price:         int64(rec.Terms.Price),
		Fee:           int64(rec.Terms.Fee),
		Total:         int64(rec.Terms.Total),
		QuoteID:       nullQuoteID(rec.QuoteID),
		FailureReason: rec.FailureReason,
		CreatedAt:     rec.CreatedAt,
		ExecutedAt:    nullTime(rec.ExecutedAt),
		CancelledAt:   nullTime(rec.CancelledAt),
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create order %s: %w", rec.Number, interpretError(err))
	}
	return trading.OrderID(id), nil
}

// Save stores an order's status, failure reason and times, or returns [core.ErrNotFound]
// when its user has no such order.
func (r orderRepository) Save(ctx context.Context, o *trading.Order) error {
	rec := o.Record()
	n, err := r.tx.q().OrderSave(ctx, r.tx, dbsqlc.OrderSaveParams{
		ID:            int64(rec.ID),
		UserID:        int64(rec.User),
		Status:        rec.Status.String(),
		FailureReason: rec.FailureReason,
		ExecutedAt:    nullTime(rec.ExecutedAt),
		CancelledAt:   nullTime(rec.CancelledAt),
	})
	if err != nil {
		return fmt.Errorf("postgres: save order %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save order %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns user's order id, or [core.ErrNotFound].
func (r orderRepository) Get(ctx context.Context, user core.UserID, id trading.OrderID) (*trading.Order, error) {
	row, err := r.tx.q().OrderGet(ctx, r.tx, dbsqlc.OrderGetParams{ID: int64(id), UserID: int64(user)})
	if err != nil {
		return nil, fmt.Errorf("postgres: get order %d: %w", id, interpretError(err))
	}
	return orderFromRow(row)
}

// GetForUpdate returns user's order id locked until the transaction ends, or
// [core.ErrNotFound]. In a read-only transaction it reads without locking.
func (r orderRepository) GetForUpdate(ctx context.Context, user core.UserID, id trading.OrderID) (*trading.Order, error) {
	if r.tx.mode.readOnly {
		return r.Get(ctx, user, id)
	}
	row, err := r.tx.q().OrderGetForUpdate(ctx, r.tx, dbsqlc.OrderGetForUpdateParams{ID: int64(id), UserID: int64(user)})
	if err != nil {
		return nil, fmt.Errorf("postgres: get order %d for update: %w", id, interpretError(err))
	}
	return orderFromRow(row)
}

// List returns one page of user's orders matching f, newest first, and how many match.
func (r orderRepository) List(ctx context.Context, user core.UserID, f ports.OrderFilter, offset, limit int) ([]*trading.Order, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.tx.q().OrderList(ctx, r.tx, dbsqlc.OrderListParams{
		UserID:     int64(user),
		Side:       f.Side.String(),
		Status:     f.Status.String(),
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list orders of user %d: %w", user, interpretError(err))
	}
	n, err := r.tx.q().OrderCount(ctx, r.tx, dbsqlc.OrderCountParams{
		UserID: int64(user), Side: f.Side.String(), Status: f.Status.String(),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count orders of user %d: %w", user, interpretError(err))
	}
	out := make([]*trading.Order, 0, len(rows))
	for _, row := range rows {
		o, err := orderFromRow(row)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, int(n), nil
}

// Summary returns the counts and sums of user's completed orders per side.
func (r orderRepository) Summary(ctx context.Context, user core.UserID) (ports.OrderSummary, error) {
	row, err := r.tx.q().OrderSummary(ctx, r.tx, int64(user))
	if err != nil {
		return ports.OrderSummary{}, fmt.Errorf("postgres: order summary of user %d: %w", user, interpretError(err))
	}
	return ports.OrderSummary{
		Buys:       int(row.Buys),
		Sells:      int(row.Sells),
		BoughtIRR:  core.Rial(row.BoughtIrr),
		SoldIRR:    core.Rial(row.SoldIrr),
		BuyFees:    core.Rial(row.BuyFees),
		SellFees:   core.Rial(row.SellFees),
		BoughtGold: core.Microgram(row.BoughtGold),
		SoldGold:   core.Microgram(row.SoldGold),
	}, nil
}

// nullQuoteID returns a quote id as a nullable text: NULL for an order priced without one.
func nullQuoteID(id trading.QuoteID) *string {
	if id.IsZero() {
		return nil
	}
	s := string(id)
	return &s
}

// orderFromRow converts an orders row; times are handed out in UTC. A side or status the
// core does not know is an internal error.
func orderFromRow(row dbsqlc.Order) (*trading.Order, error) {
	side, err := trading.ParseSide(row.Side)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: order %d has unknown side %q", core.ErrInternal, row.ID, row.Side)
	}
	status, err := trading.ParseOrderStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: order %d has unknown status %q", core.ErrInternal, row.ID, row.Status)
	}
	rec := trading.OrderRecord{
		ID:     trading.OrderID(row.ID),
		Number: row.Number,
		User:   core.UserID(row.UserID),
		Terms: trading.Terms{
			Side:      side,
			AmountIRR: core.Rial(row.AmountIrr),
			Gold:      core.Microgram(row.Gold),
			Price:     core.RialsPerGram(row.Price),
			Fee:       core.Rial(row.Fee),
			Total:     core.Rial(row.Total),
		},
		Status:        status,
		FailureReason: row.FailureReason,
		CreatedAt:     row.CreatedAt.UTC(),
		ExecutedAt:    timeOf(row.ExecutedAt),
		CancelledAt:   timeOf(row.CancelledAt),
	}
	if row.QuoteID != nil {
		rec.QuoteID = trading.QuoteID(*row.QuoteID)
	}
	return trading.RehydrateOrder(rec), nil
}

// Usage sums the amounts of user's completed orders of side created since dayStart and
// monthStart.
func (r orderRepository) Usage(ctx context.Context, user core.UserID, side trading.Side, dayStart, monthStart time.Time) (payment.Usage, error) {
	row, err := r.tx.q().OrderUsage(ctx, r.tx, dbsqlc.OrderUsageParams{
		UserID: int64(user), Side: side.String(), DayStart: dayStart, MonthStart: monthStart,
	})
	if err != nil {
		return payment.Usage{}, fmt.Errorf("postgres: order usage of user %d: %w", user, interpretError(err))
	}
	return payment.Usage{Day: core.Rial(row.Day), Month: core.Rial(row.Month)}, nil
}
