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

// Reasons the service records for the halts it starts and ends itself.
const (
	reasonJumpHalt    = "price jump awaiting staff confirmation"
	reasonJumpCleared = "feed price back within the jump limit"
)

// Refresh asks the feed for a price and, when it is newer than the active one, accepts it:
// appended to the history and made active. A price that moves either side beyond the jump
// limit is not accepted: it waits for staff in the trading state's PendingJump and halts
// trading (see the package doc). A price the feed observed no later than the active one is
// ignored, so refreshing a manual feed whose price did not change stores nothing. A fetch
// that fails leaves everything as it was (the active price turns stale in time); the error
// is returned and logged. Call it on a schedule ([DefaultRefreshInterval]) from one instance
// at a time; concurrent calls are safe but redundant.
func (s *Service) Refresh(ctx context.Context) error {
	p, err := s.feed.Fetch(ctx)
	if err == nil {
		err = ports.CheckFeedPrice(p)
	}
	if err != nil {
		s.logger.WarnContext(ctx, "price feed failed", slog.String("feed", s.feed.Name()), slog.Any("error", err))
		return fmt.Errorf("trading: refresh price from %s: %w", s.feed.Name(), err)
	}
	var res acceptance
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		res, err = s.accept(ctx, tx, p, s.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("trading: refresh price from %s: %w", s.feed.Name(), err)
	}
	if res.jump != nil {
		s.logger.WarnContext(ctx, "price jump held for staff confirmation", slog.String("feed", s.feed.Name()),
			slog.Any("error", res.jump))
	}
	s.publish(res.active, &res.state)
	if res.changed {
		s.announce(ctx)
	}
	return nil
}

// acceptance is what became of a feed price: the active price and the trading state
// afterwards, and the jump when the price was held for staff.
type acceptance struct {
	active pricing.Point
	state  ports.TradingState
	jump   error
	// changed reports whether the store changed: a new price or a new trading state.
	changed bool
}

// accept stores feed price p at now in tx, or holds it as a pending jump.
func (s *Service) accept(ctx context.Context, tx ports.Tx, p pricing.Price, now time.Time) (acceptance, error) {
	st, err := tx.TradingState().GetForUpdate(ctx)
	if err != nil {
		return acceptance{}, err
	}
	latest, err := latestPrice(ctx, tx)
	if err != nil {
		return acceptance{}, err
	}
	if latest.ID != 0 && !p.At.After(latest.At) {
		return acceptance{active: latest, state: st}, nil // nothing newer
	}
	if latest.ID != 0 {
		if jump := s.cfg.Guard.CheckJump(latest.Price, p); jump != nil {
			st, err = holdJump(ctx, tx, st, p, jump, now)
			return acceptance{active: latest, state: st, jump: jump, changed: true}, err
		}
	}
	point, err := tx.Prices().Append(ctx, p)
	if err != nil {
		return acceptance{}, fmt.Errorf("append price: %w", err)
	}
	st, err = clearJump(ctx, tx, st, systemEvent(now, actionJumpCleared, entityTrading, ""))
	return acceptance{active: point, state: st, changed: true}, err
}

// clearJump drops a price waiting for staff, now that an accepted price superseded it, ends
// the halt the jump caused (a staff halt stays) and records e (its actor and time set by
// the caller) with the state's digests. A state without a waiting price is returned as it
// is.
func clearJump(ctx context.Context, tx ports.Tx, st ports.TradingState, e ports.AuditEvent) (ports.TradingState, error) {
	if st.PendingJump == nil {
		return st, nil
	}
	before := st
	st.PendingJump = nil
	if st.Halted && st.ChangedBy.IsZero() {
		st.Halted, st.Reason = false, reasonJumpCleared
	}
	st.ChangedAt = e.At
	if err := tx.TradingState().Save(ctx, st); err != nil {
		return st, err
	}
	e.Action, e.Entity, e.EntityID = actionJumpCleared, entityTrading, ""
	e.Reason, e.BeforeDigest, e.AfterDigest = reasonJumpCleared, stateDigest(before), stateDigest(st)
	return st, appendAudit(ctx, tx, e)
}

// holdJump keeps p as the price waiting for staff and halts trading on the system's behalf
// (unless staff halted it already). The first jump of a run is audited; later prices of the
// same run only replace the waiting one.
func holdJump(ctx context.Context, tx ports.Tx, st ports.TradingState, p pricing.Price, jump error, now time.Time) (ports.TradingState, error) {
	before, first := st, st.PendingJump == nil
	st.PendingJump = &p
	if !st.Halted {
		st.Halted, st.Reason, st.ChangedBy = true, reasonJumpHalt, 0
	}
	st.ChangedAt = now
	if err := tx.TradingState().Save(ctx, st); err != nil {
		return st, err
	}
	if !first {
		return st, nil
	}
	e := systemEvent(now, actionPriceJump, entityTrading, "")
	e.Reason, e.BeforeDigest, e.AfterDigest = jump.Error(), stateDigest(before), stateDigest(st)
	return st, appendAudit(ctx, tx, e)
}

// latestPrice returns the newest stored price, or the zero point when there is none.
func latestPrice(ctx context.Context, tx ports.Tx) (pricing.Point, error) {
	p, err := tx.Prices().Latest(ctx)
	if errors.Is(err, core.ErrNotFound) {
		return pricing.Point{}, nil
	}
	if err != nil {
		return pricing.Point{}, fmt.Errorf("latest price: %w", err)
	}
	return p, nil
}
