package trading

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// snapshot is the instance's memory copy of the active price and the trading state.
type snapshot struct {
	point pricing.Point // the newest accepted price; zero ID when none
	state ports.TradingState
}

// hasPrice reports whether a price was ever accepted.
func (sn *snapshot) hasPrice() bool { return sn.point.ID != 0 }

// view returns the active price as clients see it at now.
func (s *Service) view(sn *snapshot, now time.Time) ports.PriceView {
	stale := s.cfg.Guard.Stale(sn.point.Price, now)
	return ports.PriceView{
		Point:          sn.point,
		Active:         true,
		Stale:          stale,
		TradingEnabled: !sn.state.Halted && !stale,
	}
}

// publish makes point (when it has an id) and state the memory copy. A point older than the
// one held (a lower id) and a state older than the one held (an earlier ChangedAt) are
// ignored, so a slow reload never undoes a newer change made by this instance.
func (s *Service) publish(point pricing.Point, state *ports.TradingState) {
	for {
		old := s.snap.Load()
		next := *old
		if point.ID != 0 && point.ID >= old.point.ID {
			next.point = point
		}
		if state != nil && !state.ChangedAt.Before(old.state.ChangedAt) {
			next.state = *state
		}
		if s.snap.CompareAndSwap(old, &next) {
			return
		}
	}
}

// announce tells the other instances that the active price or the trading state changed
// here. A failure only delays their refresh until the next poll, so it is logged.
func (s *Service) announce(ctx context.Context) {
	if s.cfg.Notifier == nil {
		return
	}
	if err := s.cfg.Notifier.Notify(ctx, PriceTopic); err != nil {
		s.logger.WarnContext(ctx, "price change not announced; other instances see it at their next reload",
			slog.Any("error", err))
	}
}

// Reload reads the newest accepted price and the trading state from the store into memory.
// Call it at start-up and on a short schedule ([DefaultReloadInterval]) on every instance, so
// that what another instance accepted shows here too.
func (s *Service) Reload(ctx context.Context) error {
	var (
		point pricing.Point
		state ports.TradingState
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if state, err = tx.TradingState().Get(ctx); err != nil {
			return err
		}
		point, err = tx.Prices().Latest(ctx)
		if errors.Is(err, core.ErrNotFound) {
			point, err = pricing.Point{}, nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("trading: reload price: %w", err)
	}
	s.publish(point, &state)
	return nil
}

// activePrice returns the active price when trading may use it at now: present and fresh.
// Errors wrap [core.ErrPriceUnavailable].
func (s *Service) activePrice(now time.Time) (pricing.Point, error) {
	sn := s.snap.Load()
	if !sn.hasPrice() {
		return pricing.Point{}, fmt.Errorf("%w: no price has been accepted", core.ErrPriceUnavailable)
	}
	if err := s.cfg.Guard.CheckFresh(sn.point.Price, now); err != nil {
		return pricing.Point{}, err
	}
	return sn.point, nil
}
