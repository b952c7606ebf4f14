package trading

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// Orders returns one page of the caller's orders; see [ports.Trading.Orders].
func (s *Service) Orders(ctx context.Context, p ports.Principal, f ports.OrderFilter, offset, limit int) ([]*trading.Order, int, error) {
	if p.UserID <= 0 {
		return nil, 0, core.ErrNotAuthenticated
	}
	var (
		orders []*trading.Order
		count  int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		orders, count, err = tx.Orders().List(ctx, p.UserID, f, offset, limit)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("trading: list orders: %w", err)
	}
	return orders, count, nil
}

// Order returns one of the caller's orders; see [ports.Trading.Order].
func (s *Service) Order(ctx context.Context, p ports.Principal, id trading.OrderID) (*trading.Order, error) {
	if p.UserID <= 0 {
		return nil, core.ErrNotAuthenticated
	}
	var o *trading.Order
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		o, err = tx.Orders().Get(ctx, p.UserID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trading: get order %s: %w", id, err)
	}
	return o, nil
}

// Cancel cancels one of the caller's pending orders; see [ports.Trading.Cancel].
func (s *Service) Cancel(ctx context.Context, p ports.Principal, id trading.OrderID, call ports.IdempotentCall) (ports.Outcome[*trading.Order], error) {
	if p.UserID <= 0 {
		return ports.Outcome[*trading.Order]{}, core.ErrNotAuthenticated
	}
	out, err := runIdempotent(ctx, s, call, func(ctx context.Context, tx ports.Tx, now time.Time) (*trading.Order, bool, error) {
		o, err := tx.Orders().GetForUpdate(ctx, p.UserID, id)
		if err != nil {
			return nil, false, refuse(err)
		}
		before := orderDigest(o)
		if err := o.Cancel(now); err != nil {
			return nil, false, refuse(err)
		}
		if err := tx.Orders().Save(ctx, o); err != nil {
			return nil, false, fmt.Errorf("save order: %w", err)
		}
		e := auditEvent(p, now, actionOrderCancel, entityOrder, o.ID().String())
		e.BeforeDigest, e.AfterDigest = before, orderDigest(o)
		return o, false, appendAudit(ctx, tx, e)
	})
	if err != nil {
		return out, fmt.Errorf("trading: cancel order %s: %w", id, err)
	}
	return out, nil
}
