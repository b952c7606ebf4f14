package trading

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// Current returns the active price from memory; see [ports.Prices.Current].
func (s *Service) Current(context.Context) (ports.PriceView, error) {
	sn := s.snap.Load()
	if !sn.hasPrice() {
		return ports.PriceView{}, fmt.Errorf("%w: no price has been accepted", core.ErrPriceUnavailable)
	}
	return s.view(sn, s.now()), nil
}

// History returns the downsampled price history of q's window; see [ports.Prices.History].
func (s *Service) History(ctx context.Context, q ports.HistoryQuery) ([]pricing.Point, error) {
	points, _, _, err := s.priceRange(ctx, q)
	if err != nil {
		return nil, err
	}
	return pricing.Downsample(points, pricing.MaxHistoryPoints), nil
}

// Candles returns the OHLC candles of a window; see [ports.Prices.Candles].
func (s *Service) Candles(ctx context.Context, q ports.HistoryQuery, interval time.Duration) ([]pricing.Candle, error) {
	if interval <= 0 {
		return nil, core.FieldError("interval", "Interval must be a positive duration.")
	}
	points, from, to, err := s.priceRange(ctx, q)
	if err != nil {
		return nil, err
	}
	if to.Sub(from)/interval > pricing.MaxHistoryPoints {
		return nil, core.FieldError("interval", fmt.Sprintf("Interval is too short for this window: at most %d candles.", pricing.MaxHistoryPoints))
	}
	return pricing.Candles(points, interval), nil
}

// priceRange reads the accepted prices of the window q describes, oldest first, and the
// window's bounds.
func (s *Service) priceRange(ctx context.Context, q ports.HistoryQuery) (points []pricing.Point, from, to time.Time, err error) {
	window := q.Window
	if window <= 0 {
		window = ports.DefaultHistoryWindow
	}
	to = q.To
	if to.IsZero() {
		to = s.now()
	}
	from = q.From
	if from.IsZero() {
		from = to.Add(-window)
	}
	if !from.Before(to) {
		return nil, from, to, core.FieldError(core.NonFieldErrors, "start_date must be before end_date.")
	}
	err = s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		points, err = tx.Prices().Range(ctx, from, to)
		return err
	})
	if err != nil {
		return nil, from, to, fmt.Errorf("trading: price history: %w", err)
	}
	return points, from, to, nil
}

// List returns one page of accepted prices, newest first; see [ports.Prices.List].
func (s *Service) List(ctx context.Context, offset, limit int) ([]ports.PriceView, int, error) {
	var (
		points []pricing.Point
		count  int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		points, count, err = tx.Prices().List(ctx, offset, limit)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("trading: list prices: %w", err)
	}
	views := make([]ports.PriceView, len(points))
	for i, p := range points {
		views[i] = s.recordView(p)
	}
	return views, count, nil
}

// Get returns one accepted price; see [ports.Prices.Get].
func (s *Service) Get(ctx context.Context, id int64) (ports.PriceView, error) {
	var p pricing.Point
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		p, err = tx.Prices().Get(ctx, id)
		return err
	})
	if err != nil {
		return ports.PriceView{}, fmt.Errorf("trading: get price %d: %w", id, err)
	}
	return s.recordView(p), nil
}

// recordView returns a stored price as clients see it now: active when it is the one in
// memory, stale by its own age, and whether trading is enabled now.
func (s *Service) recordView(p pricing.Point) ports.PriceView {
	sn, now := s.snap.Load(), s.now()
	if sn.hasPrice() && p.ID == sn.point.ID {
		return s.view(sn, now)
	}
	enabled := false
	if sn.hasPrice() {
		enabled = s.view(sn, now).TradingEnabled
	}
	return ports.PriceView{Point: p, Stale: s.cfg.Guard.Stale(p.Price, now), TradingEnabled: enabled}
}
