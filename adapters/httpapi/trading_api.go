package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// TradingLimits are the per-user rate limits of the trading endpoints (API.md §1.7, §3.9).
type TradingLimits struct {
	// Preview limits POST trading/orders/preview/ per user: the buy/sell page previews on
	// every keystroke.
	Preview ports.Limit
	// Place limits POST trading/orders/place_order/ (and its alias) per user.
	Place ports.Limit
}

// DefaultTradingLimits returns the limits of API.md §3.9: preview 60/min and place 100/h
// per user.
func DefaultTradingLimits() TradingLimits {
	return TradingLimits{
		Preview: ports.PerPeriod("trading.preview", 60, time.Minute),
		Place:   ports.PerPeriod("trading.place", 100, time.Hour),
	}
}

// TradingConfig configures [NewTrading]: the price, trading, wallet and staff endpoints of
// API.md §3.5, §3.8–§3.10 and §3.13 (prices/, trading/). Every port is required; app/trading's
// Service implements all four.
type TradingConfig struct {
	Prices  ports.Prices
	Control ports.TradingControl
	Trading ports.Trading
	Wallets ports.Wallets
	// Limits are the per-user rate limits; a limit left zero (no Name) takes its value from
	// [DefaultTradingLimits].
	Limits TradingLimits
	// IdempotencyRequired makes the Idempotency-Key header mandatory on the money-moving
	// POSTs (IDEMPOTENCY_REQUIRED): without one they answer 428 idempotency_key_required.
	// Off by default: the web client never sends it.
	IdempotencyRequired bool
}

// Trading serves the price, trading, wallet and transaction endpoints and the staff's price
// and trading controls. Build it with [NewTrading] and register [Trading.Routes], or pass
// [WithTrading] to [NewRouter].
type Trading struct {
	auth     *Auth
	prices   ports.Prices
	control  ports.TradingControl
	trading  ports.Trading
	wallets  ports.Wallets
	limits   TradingLimits
	required bool
}

// NewTrading validates cfg and returns the endpoints it configures, behind auth's middleware
// (client IP, backstop limits, authentication) and rate limiter.
func NewTrading(auth *Auth, cfg TradingConfig) (*Trading, error) {
	var errs []error
	if auth == nil {
		errs = append(errs, errors.New("auth is required"))
	}
	if cfg.Prices == nil || cfg.Control == nil || cfg.Trading == nil || cfg.Wallets == nil {
		errs = append(errs, errors.New("prices, control, trading and wallets are required"))
	}
	d := DefaultTradingLimits()
	if cfg.Limits.Preview.Name == "" {
		cfg.Limits.Preview = d.Preview
	}
	if cfg.Limits.Place.Name == "" {
		cfg.Limits.Place = d.Place
	}
	errs = append(errs, cfg.Limits.Preview.Validate(), cfg.Limits.Place.Validate())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("httpapi: trading config: %w", err)
	}
	return &Trading{
		auth: auth, prices: cfg.Prices, control: cfg.Control, trading: cfg.Trading, wallets: cfg.Wallets,
		limits: cfg.Limits, required: cfg.IdempotencyRequired,
	}, nil
}

// Routes registers the endpoints: public prices under /api/prices/gold/; the caller's
// orders under /api/trading/orders/ (PUT, PATCH and DELETE on an order answer 405), wallet
// under /api/wallet/ and history under /api/transactions/; the staff controls under
// /api/admin/ (403 permission_denied for non-staff). Money-moving POSTs honour
// Idempotency-Key (API.md §1.6).
func (t *Trading) Routes(rt Routes) {
	a := t.auth
	a.Public(rt).Route("/api/prices/gold", func(rt Routes) {
		rt.Get("/current/", t.currentPrice)
		rt.Get("/history/", t.priceHistory)
		rt.Get("/candles/", t.priceCandles)
		rt.Get("/", t.listPrices)
		rt.Get("/{id}/", t.getPrice)
	})
	user := a.User(rt)
	user.Route("/api/trading/orders", func(rt Routes) {
		rt.With(a.limitBy(t.limits.Preview, KeyByUser)).Post("/preview/", t.previewOrder)
		place := rt.With(a.limitBy(t.limits.Place, KeyByUser))
		place.Post("/place_order/", t.placeOrder)
		place.Post("/", t.placeOrder)
		rt.Get("/", t.listOrders)
		rt.Get("/{id}/", t.getOrder)
		rt.Post("/{id}/cancel/", t.cancelOrder)
	})
	user.Route("/api/wallet", func(rt Routes) {
		rt.Get("/balance/", t.walletBalance)
		rt.Get("/transactions/", t.walletTransactions)
	})
	user.Route("/api/transactions", func(rt Routes) {
		rt.Get("/", t.transactions)
		rt.Get("/summary/", t.transactionSummary)
		rt.Get("/{id}/", t.transaction)
	})
	user.With(requireStaff).Route("/api/admin", func(rt Routes) {
		rt.Post("/prices/", t.setPrice)
		rt.Post("/trading/halt/", t.haltTrading)
		rt.Post("/trading/resume/", t.resumeTrading)
		rt.Get("/trading/status/", t.tradingStatus)
	})
}

// requireStaff answers 403 permission_denied to a caller who is not staff, before the body
// is read. The use cases check the role again.
func requireStaff(next http.Handler) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, err := principal(r)
		if err != nil {
			return err
		}
		if !p.Role.IsStaff() {
			return core.ErrPermissionDenied
		}
		next.ServeHTTP(w, r)
		return nil
	})
}
