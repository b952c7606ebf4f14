package trading

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// DefaultPriceSource is the source of a staff price that names none.
const DefaultPriceSource = "manual"

// maxSourceLen bounds a price's source, in characters.
const maxSourceLen = 64

// Field messages of the staff controls.
const (
	msgRequired     = "This field is required."
	msgPositive     = "Ensure this value is greater than 0."
	msgSellBelowBuy = "sell_price must be greater than or equal to buy_price."
	msgTooLong      = "Ensure this field has no more than %d characters."
)

// requireStaff returns [core.ErrPermissionDenied] unless p is staff: operators and admins
// (API.md §3.13's finance role until roles are finer).
func requireStaff(p ports.Principal) error {
	if !p.Role.IsStaff() {
		return core.ErrPermissionDenied
	}
	return nil
}

// viewOf returns point as the active price under state at now, or nil when there is none.
func (s *Service) viewOf(point pricing.Point, state ports.TradingState, now time.Time) *ports.PriceView {
	if point.ID == 0 {
		return nil
	}
	v := s.view(&snapshot{point: point, state: state}, now)
	return &v
}

// SetPrice makes a staff price active; see [ports.TradingControl.SetPrice].
func (s *Service) SetPrice(ctx context.Context, p ports.Principal, in ports.SetPriceInput, call ports.IdempotentCall) (ports.Outcome[ports.PriceView], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[ports.PriceView]{}, err
	}
	source := cmp.Or(strings.TrimSpace(in.Source), DefaultPriceSource)
	if err := checkPriceInput(in, source); err != nil {
		return ports.Outcome[ports.PriceView]{}, err
	}
	var (
		point pricing.Point
		state ports.TradingState
	)
	out, err := runIdempotent(ctx, s, call, func(ctx context.Context, tx ports.Tx, now time.Time) (ports.PriceView, bool, error) {
		price := pricing.Price{Buy: in.Buy, Sell: in.Sell, Source: source, At: now}
		st, err := tx.TradingState().GetForUpdate(ctx)
		if err != nil {
			return ports.PriceView{}, false, err
		}
		latest, err := latestPrice(ctx, tx)
		if err != nil {
			return ports.PriceView{}, false, err
		}
		jump := s.cfg.Guard.CheckJump(latest.Price, price)
		if jump != nil && !in.Confirm {
			return ports.PriceView{}, false, refuse(jump)
		}
		if point, err = tx.Prices().Append(ctx, price); err != nil {
			return ports.PriceView{}, false, fmt.Errorf("append price: %w", err)
		}
		if state, err = clearJump(ctx, tx, st, auditEvent(p, now, "", "", "")); err != nil {
			return ports.PriceView{}, false, err
		}
		e := auditEvent(p, now, actionPriceSet, entityPrice, fmt.Sprint(point.ID))
		e.BeforeDigest, e.AfterDigest = priceDigest(latest), priceDigest(point)
		if jump != nil {
			e.Reason = "confirmed: " + jump.Error()
		}
		if err := appendAudit(ctx, tx, e); err != nil {
			return ports.PriceView{}, false, err
		}
		return *s.viewOf(point, state, now), false, nil
	})
	if err != nil || out.Replayed != nil {
		return out, err
	}
	s.publish(point, &state)
	s.announce(ctx)
	s.setManual(ctx, point.Price)
	s.logger.InfoContext(ctx, "price set by staff", slog.String("user_id", p.UserID.String()),
		slog.String("buy_price", point.Buy.String()), slog.String("sell_price", point.Sell.String()))
	return out, nil
}

// checkPriceInput validates a staff price's fields.
func checkPriceInput(in ports.SetPriceInput, source string) error {
	ve := core.NewValidationError()
	if in.Buy <= 0 {
		ve.Add("buy_price", msgPositive)
	}
	if in.Sell <= 0 {
		ve.Add("sell_price", msgPositive)
	} else if in.Buy > 0 && in.Sell < in.Buy {
		ve.Add("sell_price", msgSellBelowBuy)
	}
	if in.Sell > ports.MaxFeedPrice {
		ve.Add("sell_price", fmt.Sprintf("Ensure this value is less than or equal to %d.", ports.MaxFeedPrice))
	}
	if utf8.RuneCountInString(source) > maxSourceLen {
		ve.Add("source", fmt.Sprintf(msgTooLong, maxSourceLen))
	}
	return ve.Err()
}

// setManual hands a staff price to the manual feed, when there is one.
func (s *Service) setManual(ctx context.Context, p pricing.Price) {
	if s.cfg.Manual == nil {
		return
	}
	if err := s.cfg.Manual.Set(p); err != nil {
		s.logger.ErrorContext(ctx, "manual price feed refused a staff price", slog.Any("error", err))
	}
}

// checkReason validates a staff action's reason; required says it may not be blank.
func checkReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case required && reason == "":
		return "", core.FieldError("reason", msgRequired)
	case utf8.RuneCountInString(reason) > ports.MaxReasonLen:
		return "", core.FieldError("reason", fmt.Sprintf(msgTooLong, ports.MaxReasonLen))
	}
	return reason, nil
}

// Halt stops trading; see [ports.TradingControl.Halt].
func (s *Service) Halt(ctx context.Context, p ports.Principal, reason string, call ports.IdempotentCall) (ports.Outcome[ports.TradingStatus], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[ports.TradingStatus]{}, err
	}
	reason, err := checkReason(reason, true)
	if err != nil {
		return ports.Outcome[ports.TradingStatus]{}, err
	}
	return s.changeState(ctx, p, call, actionTradingHalt, reason, func(ctx context.Context, tx ports.Tx, st ports.TradingState, now time.Time) (ports.TradingState, pricing.Point, error) {
		st.Halted = true
		latest, err := latestPrice(ctx, tx)
		return st, latest, err
	})
}

// Resume restarts trading; see [ports.TradingControl.Resume].
func (s *Service) Resume(ctx context.Context, p ports.Principal, in ports.ResumeInput, call ports.IdempotentCall) (ports.Outcome[ports.TradingStatus], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[ports.TradingStatus]{}, err
	}
	reason, err := checkReason(in.Reason, false)
	if err != nil {
		return ports.Outcome[ports.TradingStatus]{}, err
	}
	return s.changeState(ctx, p, call, actionTradingStart, reason, func(ctx context.Context, tx ports.Tx, st ports.TradingState, now time.Time) (ports.TradingState, pricing.Point, error) {
		latest, err := latestPrice(ctx, tx)
		if err != nil || st.PendingJump == nil {
			st.Halted = false
			return st, latest, err
		}
		pending := *st.PendingJump
		if jump := s.cfg.Guard.CheckJump(latest.Price, pending); jump != nil && !in.ConfirmJump {
			return st, latest, refuse(jump)
		}
		point, err := tx.Prices().Append(ctx, pending)
		if err != nil {
			return st, latest, fmt.Errorf("append price: %w", err)
		}
		e := auditEvent(p, now, actionPriceSet, entityPrice, fmt.Sprint(point.ID))
		e.Reason, e.BeforeDigest, e.AfterDigest = "confirmed feed price jump", priceDigest(latest), priceDigest(point)
		if err := appendAudit(ctx, tx, e); err != nil {
			return st, latest, err
		}
		st.PendingJump, st.Halted = nil, false
		return st, point, nil
	})
}

// stateChange changes the trading state read for update in tx at now and returns the new
// state and the active price afterwards. A refusal must come before any write.
type stateChange func(ctx context.Context, tx ports.Tx, st ports.TradingState, now time.Time) (ports.TradingState, pricing.Point, error)

// changeState runs change as p's action with reason, saves the state and audits it.
func (s *Service) changeState(ctx context.Context, p ports.Principal, call ports.IdempotentCall, action, reason string, change stateChange) (ports.Outcome[ports.TradingStatus], error) {
	var (
		point pricing.Point
		state ports.TradingState
	)
	out, err := runIdempotent(ctx, s, call, func(ctx context.Context, tx ports.Tx, now time.Time) (ports.TradingStatus, bool, error) {
		before, err := tx.TradingState().GetForUpdate(ctx)
		if err != nil {
			return ports.TradingStatus{}, false, err
		}
		st, active, err := change(ctx, tx, before, now)
		if err != nil {
			return ports.TradingStatus{}, false, err
		}
		st.Reason, st.ChangedBy, st.ChangedAt = reason, p.UserID, now
		if err := tx.TradingState().Save(ctx, st); err != nil {
			return ports.TradingStatus{}, false, err
		}
		e := auditEvent(p, now, action, entityTrading, "")
		e.Reason, e.BeforeDigest, e.AfterDigest = reason, stateDigest(before), stateDigest(st)
		if err := appendAudit(ctx, tx, e); err != nil {
			return ports.TradingStatus{}, false, err
		}
		point, state = active, st
		return ports.TradingStatus{State: st, Active: s.viewOf(active, st, now)}, false, nil
	})
	if err != nil || out.Replayed != nil {
		return out, err
	}
	s.publish(point, &state)
	s.announce(ctx)
	s.logger.InfoContext(ctx, "trading state changed by staff", slog.String("action", action),
		slog.String("user_id", p.UserID.String()), slog.Bool("halted", state.Halted), slog.String("reason", reason))
	return out, nil
}

// Status returns the trading state and the active price; see [ports.TradingControl.Status].
func (s *Service) Status(ctx context.Context, p ports.Principal) (ports.TradingStatus, error) {
	if err := requireStaff(p); err != nil {
		return ports.TradingStatus{}, err
	}
	var (
		st     ports.TradingState
		latest pricing.Point
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if st, err = tx.TradingState().Get(ctx); err != nil {
			return err
		}
		latest, err = latestPrice(ctx, tx)
		return err
	})
	if err != nil {
		return ports.TradingStatus{}, fmt.Errorf("trading: status: %w", err)
	}
	return ports.TradingStatus{State: st, Active: s.viewOf(latest, st, s.now())}, nil
}
