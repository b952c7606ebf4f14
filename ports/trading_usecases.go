package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/trading"
)

// Trading is the inbound port of the trading use cases (API.md §3.9): firm quotes, orders
// that execute against the house in one transaction, and the user's orders. The HTTP adapter
// calls it; app/trading implements it.
//
// Errors are core sentinels or typed errors, mapped by the HTTP adapter's one table.
// Another user's order or quote reads as [core.ErrNotFound].
type Trading interface {
	// Preview prices req at the active price and stores the answer as a firm quote, valid
	// for the quote TTL and single use. Errors: [core.ValidationError] (shape, limits),
	// [core.ErrTradingHalted], [core.ErrPriceUnavailable] (no price, or a stale one).
	Preview(ctx context.Context, p Principal, req trading.Request) (*trading.Quote, error)
	// Place executes an order in one transaction with the claim and response of call: the
	// quote named by in.QuoteID, else the caller's newest matching unused quote (the
	// implicit quote), else a price taken afresh, which must not be stale (a quote is
	// honoured within its TTL even when the price turned stale since: it was firm when
	// shown). The order completes, or, when the caller's balance is short, is kept as
	// failed and the [*core.InsufficientBalanceError] is returned (the failure is
	// committed). Errors: [core.ValidationError],
	// [core.ErrPhoneNotVerified], [*core.KYCRequiredError], [core.ErrTradingHalted],
	// [core.ErrPriceUnavailable], [core.ErrNotFound] (unknown quote),
	// [*core.QuoteExpiredError], [core.ErrQuoteUsed], [core.ErrQuoteMismatch],
	// [*core.InsufficientBalanceError], [core.ErrInventoryUnavailable] (the house cannot
	// deliver), [core.ErrIdempotencyKeyReused], [core.ErrIdempotencyInProgress]. Not
	// idempotent without a key: a retry may place a second order.
	Place(ctx context.Context, p Principal, in PlaceInput, call IdempotentCall) (Outcome[*trading.Order], error)
	// Orders returns one page of the caller's orders matching f, newest first, and how many
	// match.
	Orders(ctx context.Context, p Principal, f OrderFilter, offset, limit int) ([]*trading.Order, int, error)
	// Order returns one of the caller's orders. Errors: [core.ErrNotFound].
	Order(ctx context.Context, p Principal, id trading.OrderID) (*trading.Order, error)
	// Cancel cancels one of the caller's pending orders. Orders execute synchronously, so
	// this is normally [*core.InvalidStateError]. Errors: [core.ErrNotFound],
	// [*core.InvalidStateError], the idempotency errors.
	Cancel(ctx context.Context, p Principal, id trading.OrderID, call IdempotentCall) (Outcome[*trading.Order], error)
}

// PlaceInput is an order: what to trade and, optionally, the quote that prices it.
type PlaceInput struct {
	Request trading.Request
	// QuoteID names the quote to redeem; zero for the implicit quote or a fresh price.
	QuoteID trading.QuoteID
}

// Wallets is the inbound port of the wallet and history reads (API.md §3.5 and §3.10): the
// caller's balances and the journals that moved them. app/trading implements it.
type Wallets interface {
	// Wallet returns the caller's balances and their value at the active buy price.
	Wallet(ctx context.Context, p Principal) (Wallet, error)
	// Entries returns one page of the journals that moved the caller's balances, newest
	// first, limited to types (every type a user sees when empty), and how many match.
	Entries(ctx context.Context, p Principal, types []ledger.JournalType, offset, limit int) ([]LedgerEntry, int, error)
	// Entry returns one journal that moved the caller's balances. Errors: [core.ErrNotFound].
	Entry(ctx context.Context, p Principal, id ledger.JournalID) (LedgerEntry, error)
	// Summary totals the caller's completed movements.
	Summary(ctx context.Context, p Principal) (TransactionSummary, error)
}

// Wallet is one user's balances (the Wallet of API.md §2).
type Wallet struct {
	// User owns the wallet; it is also the wallet's id.
	User core.UserID
	// IRR and Gold are the balances of the user's accounts; Held is the frozen part.
	IRR, Gold ledger.Balance
	// BuyPrice is the active price's buy side that valued the gold, zero when there is none.
	BuyPrice core.RialsPerGram
	// TotalValue is IRR (available plus held) plus the gold valued at BuyPrice, rounded down.
	TotalValue core.Rial
	// CreatedAt is when the wallet opened (the user registered); UpdatedAt is when a journal
	// last moved it, or CreatedAt.
	CreatedAt, UpdatedAt time.Time
}

// TransactionSummary totals a user's completed movements (API.md §3.10 summary/), in rials.
type TransactionSummary struct {
	Deposits, Withdrawals core.Rial
	// Buys and Sells are the rial amounts of completed orders, before fees.
	Buys, Sells core.Rial
	Fees        core.Rial
	// Count is how many movements there are in all.
	Count int
}
