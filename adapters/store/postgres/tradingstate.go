package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

var _ ports.TradingStateRepository = tradingStateRepository{}

// tradingStateRepository keeps the one row of trading_state (created by the migration) in
// one transaction.
type tradingStateRepository struct{ tx *tx }

// Get returns the trading state; the migration's row reads as the zero value.
func (r tradingStateRepository) Get(ctx context.Context) (ports.TradingState, error) {
	row, err := r.tx.q().TradingStateGet(ctx, r.tx)
	if err != nil {
		return ports.TradingState{}, fmt.Errorf("postgres: get trading state: %w", interpretError(err))
	}
	return tradingStateFromRow(row), nil
}

// GetForUpdate returns the trading state and locks its row until the transaction ends. In a
// read-only transaction it reads without locking.
func (r tradingStateRepository) GetForUpdate(ctx context.Context) (ports.TradingState, error) {
	if r.tx.mode.readOnly {
		return r.Get(ctx)
	}
	row, err := r.tx.q().TradingStateGetForUpdate(ctx, r.tx)
	if err != nil {
		return ports.TradingState{}, fmt.Errorf("postgres: get trading state for update: %w", interpretError(err))
	}
	return tradingStateFromRow(row), nil
}

// Save replaces the trading state. A pending jump that fails [pricing.Price.Validate]
// returns an error wrapping [core.ErrInvalidInput].
func (r tradingStateRepository) Save(ctx context.Context, s ports.TradingState) error {
	params := dbsqlc.TradingStateSaveParams{
		Halted:    s.Halted,
		Reason:    s.Reason,
		ChangedAt: nullTime(s.ChangedAt),
	}
	if s.ChangedBy != 0 {
		by := int64(s.ChangedBy)
		params.ChangedBy = &by
	}
	if p := s.PendingJump; p != nil {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("postgres: save trading state: pending jump: %w", err)
		}
		buy, sell, source := int64(p.Buy), int64(p.Sell), p.Source
		params.PendingBuy, params.PendingSell, params.PendingSource = &buy, &sell, &source
		params.PendingAt = nullTime(p.At)
	}
	n, err := r.tx.q().TradingStateSave(ctx, r.tx, params)
	if err != nil {
		return fmt.Errorf("postgres: save trading state: %w", interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("%w: postgres: save trading state: the state row is missing", core.ErrInternal)
	}
	return nil
}

// tradingStateFromRow converts the trading_state row; times are handed out in UTC.
func tradingStateFromRow(row dbsqlc.TradingState) ports.TradingState {
	s := ports.TradingState{
		Halted:    row.Halted,
		Reason:    row.Reason,
		ChangedAt: timeOf(row.ChangedAt),
	}
	if row.ChangedBy != nil {
		s.ChangedBy = core.UserID(*row.ChangedBy)
	}
	s.PendingJump = pendingJump(row.PendingBuy, row.PendingSell, row.PendingSource, row.PendingAt)
	return s
}

// pendingJump returns the pending price of the state row, or nil when there is none (the
// table's check makes the four columns NULL together).
func pendingJump(buy, sell *int64, source *string, at pgtype.Timestamptz) *pricing.Price {
	if buy == nil || sell == nil || source == nil || !at.Valid {
		return nil
	}
	return &pricing.Price{
		Buy:    core.RialsPerGram(*buy),
		Sell:   core.RialsPerGram(*sell),
		Source: *source,
		At:     at.Time.UTC(),
	}
}
