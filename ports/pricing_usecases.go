package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/pricing"
)

// Prices is the inbound port of the public gold price use cases (API.md §3.8): the active
// price, its history for charts and the record of prices set. The HTTP adapter calls it;
// app/trading implements it. Every method is a read and safe to repeat.
type Prices interface {
	// Current returns the active price, the newest accepted one, as the instance holds it in
	// memory: it never reads the store, so it may lag a price accepted on another instance by
	// the reload interval. A stale price is still returned, flagged. Errors:
	// [core.ErrPriceUnavailable] when no price was ever accepted.
	Current(ctx context.Context) (PriceView, error)
	// History returns the accepted prices of the window q describes, oldest first,
	// downsampled to at most [pricing.MaxHistoryPoints]. Errors: [core.ValidationError] when
	// the window ends before it starts.
	History(ctx context.Context, q HistoryQuery) ([]pricing.Point, error)
	// Candles returns the OHLC candles of the window q describes on the mid price, oldest
	// first, one per interval that has prices. Errors: [core.ValidationError] when the window
	// ends before it starts or would hold more than [pricing.MaxHistoryPoints] intervals.
	Candles(ctx context.Context, q HistoryQuery, interval time.Duration) ([]pricing.Candle, error)
	// List returns one page of the accepted prices, newest first, and how many there are.
	List(ctx context.Context, offset, limit int) ([]PriceView, int, error)
	// Get returns one accepted price by id. Errors: [core.ErrNotFound].
	Get(ctx context.Context, id int64) (PriceView, error)
}

// PriceView is an accepted price as clients see it (the GoldPrice of API.md §2).
type PriceView struct {
	pricing.Point
	// Active reports whether the price is the one trading uses now (`is_active`).
	Active bool
	// Stale reports whether the price is older than the staleness guard allows (`is_stale`);
	// a stale active price stops trading with [core.ErrPriceUnavailable].
	Stale bool
	// TradingEnabled reports whether a trade would be taken now (`trading_enabled`): trading
	// is not halted and the active price is not stale.
	TradingEnabled bool
}

// HistoryQuery chooses the window of a price history. From and To, when set, win over
// Window; a zero To is now and a zero From is To − Window.
type HistoryQuery struct {
	// Window is how far back from To the history reaches (the `timeframe` of API.md §3.8);
	// zero means [DefaultHistoryWindow].
	Window time.Duration
	// From and To bound the window (`start_date`, `end_date`), From inclusive, To exclusive.
	From, To time.Time
}

// DefaultHistoryWindow is the history window of a request that names none or an unknown one
// (24 h, as in the original).
const DefaultHistoryWindow = 24 * time.Hour

// TradingControl is the inbound port of the staff's price and trading controls (API.md §3.13
// rows prices/ and trading/halt|resume|status). Only staff may call it: any other role gets
// [core.ErrPermissionDenied]. Every change is one transaction with its audit event (actor,
// role, IP, user agent, request id, reason, digests of the state before and after) and with
// the response of its Idempotency-Key ([IdempotentCall]).
type TradingControl interface {
	// SetPrice makes a staff-set price the active one and a new history point, observed now.
	// A move of either side beyond the jump guard relative to the active price needs
	// in.Confirm. A price waiting for confirmation after a feed jump is superseded, and the
	// halt that jump caused ends. Errors: [core.ErrPermissionDenied],
	// [core.ErrInvalidInput] (a bad price), [*core.PriceJumpError] (unconfirmed jump),
	// [core.ErrIdempotencyKeyReused], [core.ErrIdempotencyInProgress].
	SetPrice(ctx context.Context, p Principal, in SetPriceInput, call IdempotentCall) (Outcome[PriceView], error)
	// Halt stops trading: preview and place answer [core.ErrTradingHalted] until Resume.
	// Halting a halted market replaces the reason. Errors: [core.ErrPermissionDenied],
	// [core.ValidationError] (reason missing or longer than [MaxReasonLen]), the idempotency
	// errors.
	Halt(ctx context.Context, p Principal, reason string, call IdempotentCall) (Outcome[TradingStatus], error)
	// Resume restarts trading. When a feed price waits for confirmation after a jump,
	// in.ConfirmJump must be set: the waiting price becomes active. Resuming an open market
	// is not an error. Errors: [core.ErrPermissionDenied], [core.ValidationError] (reason
	// too long), [*core.PriceJumpError] (a waiting jump not confirmed), the idempotency
	// errors.
	Resume(ctx context.Context, p Principal, in ResumeInput, call IdempotentCall) (Outcome[TradingStatus], error)
	// Status returns the trading state and the active price. Errors:
	// [core.ErrPermissionDenied].
	Status(ctx context.Context, p Principal) (TradingStatus, error)
}

// MaxReasonLen bounds the reason of a staff action, in characters (API.md §3.13).
const MaxReasonLen = 500

// SetPriceInput is a price set by staff.
type SetPriceInput struct {
	Buy, Sell core.RialsPerGram
	// Source names where the price came from; empty means "manual".
	Source string
	// Confirm accepts a move beyond the jump guard.
	Confirm bool
}

// ResumeInput is a staff request to resume trading.
type ResumeInput struct {
	Reason string
	// ConfirmJump accepts the price that waits for confirmation after a feed jump.
	ConfirmJump bool
}

// TradingStatus is the trading state with the active price, when there is one.
type TradingStatus struct {
	State  TradingState
	Active *PriceView
}

// Outcome is the answer of a use case that honours an [IdempotentCall]: its Result, or, when
// the key was used before with the same request, the stored response to replay instead
// (Result is then the zero value and the use case did nothing).
type Outcome[T any] struct {
	Result   T
	Replayed *idempotency.Response
}
