package sqlite

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

type tradingStateRepository struct{ t *tx }

var _ ports.TradingStateRepository = tradingStateRepository{}

// Get returns the trading state; the migration's row reads as the zero value.
func (r tradingStateRepository) Get(ctx context.Context) (ports.TradingState, error) {
	row, err := r.t.q.TradingStateGet(ctx, r.t.db)
	if err != nil {
		return ports.TradingState{}, fmt.Errorf("trading state: %w", interpretError(err))
	}
	s := ports.TradingState{
		Halted:    row.Halted == 1,
		Reason:    row.Reason,
		ChangedAt: timeFromNullMicros(row.ChangedAt),
	}
	if row.ChangedBy != nil {
		s.ChangedBy = core.UserID(*row.ChangedBy)
	}
	if row.PendingBuy != nil && row.PendingSell != nil && row.PendingSource != nil && row.PendingAt != nil {
		s.PendingJump = &pricing.Price{
			Buy:    core.RialsPerGram(*row.PendingBuy),
			Sell:   core.RialsPerGram(*row.PendingSell),
			Source: *row.PendingSource,
			At:     timeFromMicros(*row.PendingAt),
		}
	}
	return s, nil
}

// GetForUpdate is Get: a write transaction holds the database's write lock from its BEGIN
// IMMEDIATE, so no other transaction can change the state before this one ends.
func (r tradingStateRepository) GetForUpdate(ctx context.Context) (ports.TradingState, error) {
	return r.Get(ctx)
}

// Save replaces the trading state. A pending jump that fails [pricing.Price.Validate]
// returns an error wrapping [core.ErrInvalidInput].
func (r tradingStateRepository) Save(ctx context.Context, s ports.TradingState) error {
	params := dbsqlc.TradingStateSaveParams{
		Halted:    boolInt(s.Halted),
		Reason:    s.Reason,
		ChangedAt: nullMicros(s.ChangedAt),
	}
	if s.ChangedBy != 0 {
		by := int64(s.ChangedBy)
		params.ChangedBy = &by
	}
	if p := s.PendingJump; p != nil {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("save trading state: pending jump: %w", err)
		}
		buy, sell, source := int64(p.Buy), int64(p.Sell), p.Source
		params.PendingBuy, params.PendingSell, params.PendingSource = &buy, &sell, &source
		params.PendingAt = nullMicros(p.At)
	}
	n, err := r.t.q.TradingStateSave(ctx, r.t.db, params)
	if err != nil {
		return fmt.Errorf("save trading state: %w", interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("%w: sqlite: save trading state: the state row is missing", core.ErrInternal)
	}
	return nil
}
