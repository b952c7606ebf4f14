package trading

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// maxNumberDraws bounds the order numbers drawn for one order: a clash of 36^6 random
// characters within one second is already rare.
const maxNumberDraws = 3

// Failure reasons shown to users on failed orders (`failure_reason`).
const (
	reasonShortIRR  = "موجودی ریالی کافی نیست"
	reasonShortGold = "موجودی طلای کافی نیست"
)

// Place executes an order in one transaction; see [ports.Trading.Place].
func (s *Service) Place(ctx context.Context, p ports.Principal, in ports.PlaceInput, call ports.IdempotentCall) (ports.Outcome[*trading.Order], error) {
	if p.UserID <= 0 {
		return ports.Outcome[*trading.Order]{}, core.ErrNotAuthenticated
	}
	if err := in.Request.Validate(s.cfg.Limits); err != nil {
		return ports.Outcome[*trading.Order]{}, err
	}
	out, err := runIdempotent(ctx, s, call, func(ctx context.Context, tx ports.Tx, now time.Time) (*trading.Order, bool, error) {
		return s.place(ctx, tx, p, in, now)
	})
	s.cfg.Metrics.placed(in.Request.Side, out, err)
	if err != nil {
		return out, fmt.Errorf("trading: place order: %w", err)
	}
	return out, nil
}

// place runs the order in tx at now. It returns the completed order; or the failed order,
// kept, with the [*core.InsufficientBalanceError]; or a refusal made before any write.
func (s *Service) place(ctx context.Context, tx ports.Tx, p ports.Principal, in ports.PlaceInput, now time.Time) (*trading.Order, bool, error) {
	level, err := s.checkTrader(ctx, tx, p.UserID)
	if err != nil {
		return nil, false, refuse(err)
	}
	if err := checkOpen(ctx, tx); err != nil {
		return nil, false, err
	}
	terms, quoteID, err := s.priceOrder(ctx, tx, p.UserID, in, now)
	if err != nil {
		return nil, false, err
	}
	// A cap refused after a quote was redeemed rolls the redemption back with it.
	if err := s.checkCaps(ctx, tx, p.UserID, level, terms, now); err != nil {
		return nil, false, err
	}
	order, err := s.createOrder(ctx, tx, p.UserID, terms, quoteID, now)
	if err != nil {
		return nil, false, err
	}
	verdict, err := execute(ctx, tx, order, now)
	if err != nil {
		return nil, false, err
	}
	e := auditEvent(p, now, actionOrderPlace, entityOrder, order.ID().String())
	e.Reason, e.AfterDigest = order.FailureReason(), orderDigest(order)
	if err := appendAudit(ctx, tx, e); err != nil {
		return nil, false, err
	}
	return order, verdict != nil, verdict
}

// checkTrader refuses a user who may not trade: unknown or disabled ([core.ErrAccountDisabled]),
// phone not verified ([core.ErrPhoneNotVerified]), or below the KYC level when it is required
// ([*core.KYCRequiredError]). It returns the user's verification level.
func (s *Service) checkTrader(ctx context.Context, tx ports.Tx, user core.UserID) (int, error) {
	u, err := tx.Users().Get(ctx, user)
	if errors.Is(err, core.ErrNotFound) {
		return 0, core.ErrNotAuthenticated
	}
	if err != nil {
		return 0, err
	}
	switch {
	case u.Disabled():
		return 0, core.ErrAccountDisabled
	case !u.PhoneVerified():
		return 0, core.ErrPhoneNotVerified
	}
	profile, err := tx.KYC().Get(ctx, user)
	if err != nil {
		return 0, fmt.Errorf("kyc level: %w", err)
	}
	level := profile.Level()
	if s.cfg.RequireKYC && level < RequiredKYCLevel {
		return 0, &core.KYCRequiredError{RequiredLevel: RequiredKYCLevel, CurrentLevel: level}
	}
	return level, nil
}

// checkCaps refuses an order that would take user's completed orders of its side over the
// caps of level in the rolling day or 30 days ([*core.LimitExceededError], named
// buy_daily_max, sell_30d_max, ...).
func (s *Service) checkCaps(ctx context.Context, tx ports.Tx, user core.UserID, level int, terms trading.Terms, now time.Time) error {
	caps := s.cfg.TradeLimits.Buy
	if terms.Side == trading.Sell {
		caps = s.cfg.TradeLimits.Sell
	}
	used, err := tx.Orders().Usage(ctx, user, terms.Side, now.Add(-24*time.Hour), now.Add(-30*24*time.Hour))
	if err != nil {
		return err
	}
	return payment.CheckCaps(caps, level, terms.Side.String(), used, terms.AmountIRR)
}

// priceOrder returns the terms of in and the quote that priced them (zero for a fresh
// price): the named quote, else the implicit one, else the active price, which must be fresh.
// A redeemed quote is marked used in tx; every refusal comes before that write.
func (s *Service) priceOrder(ctx context.Context, tx ports.Tx, user core.UserID, in ports.PlaceInput, now time.Time) (trading.Terms, trading.QuoteID, error) {
	var q *trading.Quote
	if !in.QuoteID.IsZero() {
		var err error
		if q, err = tx.Quotes().GetForUpdate(ctx, in.QuoteID); err != nil {
			return trading.Terms{}, "", refuse(err)
		}
	} else {
		found, err := tx.Quotes().LatestImplicit(ctx, user, in.Request, now)
		switch {
		case errors.Is(err, core.ErrNotFound):
			terms, err := s.freshTerms(in.Request, now)
			if errors.Is(err, core.ErrInvalidInput) {
				err = refuse(err)
			}
			return terms, "", err
		case err != nil:
			return trading.Terms{}, "", err
		}
		q = found
	}
	if err := q.Redeem(user, in.Request, now); err != nil {
		return trading.Terms{}, "", refuse(err)
	}
	if err := tx.Quotes().MarkUsed(ctx, q); err != nil {
		if errors.Is(err, core.ErrQuoteUsed) {
			err = refuse(err)
		}
		return trading.Terms{}, "", err
	}
	return q.Terms(), q.ID(), nil
}

// createOrder stores a new pending order of user on terms, drawing another number when the
// drawn one exists.
func (s *Service) createOrder(ctx context.Context, tx ports.Tx, user core.UserID, terms trading.Terms, quoteID trading.QuoteID, now time.Time) (*trading.Order, error) {
	var lastErr error
	for range maxNumberDraws {
		number, err := trading.NewOrderNumber(now, s.cfg.Rand)
		if err != nil {
			return nil, err
		}
		order, err := trading.NewOrder(number, user, terms, quoteID, now)
		if err != nil {
			return nil, err
		}
		id, err := tx.Orders().Create(ctx, order)
		if errors.Is(err, core.ErrConflict) {
			lastErr = err
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create order: %w", err)
		}
		rec := order.Record()
		rec.ID = id
		return trading.RehydrateOrder(rec), nil
	}
	return nil, fmt.Errorf("create order: %d numbers taken: %w", maxNumberDraws, lastErr)
}

// execute posts order's journal in tx and completes it at now. When the user's balance is
// short the order fails and is saved, and the shortfall is returned as the verdict; a house
// that cannot deliver is [core.ErrInventoryUnavailable], an error that rolls everything back.
func execute(ctx context.Context, tx ports.Tx, order *trading.Order, now time.Time) (verdict, err error) {
	journal, err := order.Journal()
	if err != nil {
		return nil, err
	}
	_, err = tx.Ledger().Post(ctx, journal)
	var short *ledger.InsufficientFundsError
	switch {
	case errors.As(err, &short) && short.Account.IsUser():
		verdict = &core.InsufficientBalanceError{
			Asset: short.Account.Asset().String(), Required: short.Required, Available: short.Available,
		}
		reason := reasonShortIRR
		if short.Account.Asset() == ledger.Gold {
			reason = reasonShortGold
		}
		if err := order.Fail(reason); err != nil {
			return nil, err
		}
	case errors.As(err, &short):
		return nil, fmt.Errorf("%w: %s cannot cover %d", core.ErrInventoryUnavailable, short.Account, short.Required)
	case err != nil:
		return nil, fmt.Errorf("post order journal: %w", err)
	default:
		if err := order.Complete(now); err != nil {
			return nil, err
		}
	}
	if err := tx.Orders().Save(ctx, order); err != nil {
		return nil, fmt.Errorf("save order: %w", err)
	}
	return verdict, nil
}
