package trading

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// Preview prices req and stores the firm quote; see [ports.Trading.Preview].
func (s *Service) Preview(ctx context.Context, p ports.Principal, req trading.Request) (*trading.Quote, error) {
	if p.UserID <= 0 {
		return nil, core.ErrNotAuthenticated
	}
	if err := req.Validate(s.cfg.Limits); err != nil {
		return nil, err
	}
	var q *trading.Quote
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		now := s.now()
		if err := checkOpen(ctx, tx); err != nil {
			return err
		}
		terms, err := s.freshTerms(req, now)
		if err != nil {
			return err
		}
		q, err = trading.NewQuote(s.cfg.Rand, p.UserID, req, terms, now, s.cfg.QuoteTTL)
		if err != nil {
			return err
		}
		return tx.Quotes().Create(ctx, q)
	})
	if err != nil {
		return nil, fmt.Errorf("trading: preview: %w", err)
	}
	return q, nil
}

// checkOpen returns [core.ErrTradingHalted] when trading is halted, reading the state in tx
// so that a halt on any instance applies at once.
func checkOpen(ctx context.Context, tx ports.Tx) error {
	st, err := tx.TradingState().Get(ctx)
	if err != nil {
		return err
	}
	if st.Halted {
		return fmt.Errorf("%w: %s", core.ErrTradingHalted, st.Reason)
	}
	return nil
}

// freshTerms prices req at the active price, which must be fresh at now.
func (s *Service) freshTerms(req trading.Request, now time.Time) (trading.Terms, error) {
	price, err := s.activePrice(now)
	if err != nil {
		return trading.Terms{}, err
	}
	return trading.TermsFor(req, price.Price, s.cfg.FeeRate, s.cfg.Limits)
}
