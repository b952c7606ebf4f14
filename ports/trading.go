package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
)

// PriceRepository keeps every accepted gold price: the price history of API.md §3.8. Points
// are ordered by the time their source observed them (Price.At), ties by id. Lists in this
// file take a page as offset and limit, neither negative (else an error wrapping
// [core.ErrInvalidInput]); a zero limit returns only the count.
type PriceRepository interface {
	// Append stores p and returns it with its id and its time as stored (to the microsecond,
	// in UTC). A price that fails [pricing.Price.Validate] returns an error wrapping
	// [core.ErrInvalidInput].
	Append(ctx context.Context, p pricing.Price) (pricing.Point, error)
	// Latest returns the newest point (observed last, ties by the later id), or
	// [core.ErrNotFound] when there is none.
	Latest(ctx context.Context) (pricing.Point, error)
	// Range returns the points observed at or after from and before to, oldest first.
	Range(ctx context.Context, from, to time.Time) ([]pricing.Point, error)
	// List returns one page of points, newest first (ties by id descending), and how many
	// there are in all.
	List(ctx context.Context, offset, limit int) ([]pricing.Point, int, error)
	// Get returns a point by id, or [core.ErrNotFound].
	Get(ctx context.Context, id int64) (pricing.Point, error)
}

// TradingState is whether staff halted trading, and a price jump that waits for staff to
// confirm it. The zero value is "trading open, nothing pending".
type TradingState struct {
	// Halted reports whether trading is halted (API.md §3.13 trading/halt).
	Halted bool
	// Reason is why trading was halted or resumed last.
	Reason string
	// ChangedBy is the staff member who changed the state last, zero for the system (a
	// price feed that jumped).
	ChangedBy core.UserID
	// ChangedAt is when the state changed last; zero when it never did.
	ChangedAt time.Time
	// PendingJump is a price that moved more than the jump guard allows and waits for a
	// staff confirmation; nil when none.
	PendingJump *pricing.Price
}

// TradingStateRepository keeps the one [TradingState] of the platform.
type TradingStateRepository interface {
	// Get returns the state, the zero value when it was never saved.
	Get(ctx context.Context) (TradingState, error)
	// GetForUpdate is Get, locking the state until the transaction ends.
	GetForUpdate(ctx context.Context) (TradingState, error)
	// Save replaces the state. A PendingJump that fails [pricing.Price.Validate] returns an
	// error wrapping [core.ErrInvalidInput].
	Save(ctx context.Context, s TradingState) error
}

// QuoteRepository keeps firm quotes (API.md §3.9). A quote is used at most once: the store
// saves its use with a conditional update.
type QuoteRepository interface {
	// Create stores a new quote. It returns [core.ErrConflict] when the id exists and
	// [core.ErrNotFound] when the user does not.
	Create(ctx context.Context, q *trading.Quote) error
	// GetForUpdate returns a quote by id, locked until the transaction ends, or
	// [core.ErrNotFound].
	GetForUpdate(ctx context.Context, id trading.QuoteID) (*trading.Quote, error)
	// LatestImplicit returns the newest quote of user that is unused, not expired at now and
	// matches req (side and the same amount or gold; see [trading.Quote.MatchesImplicit]),
	// locked, or [core.ErrNotFound]. When it waits for a quote that another transaction then
	// uses, it may return [core.ErrNotFound] rather than an older quote (the order is priced
	// afresh).
	LatestImplicit(ctx context.Context, user core.UserID, req trading.Request, now time.Time) (*trading.Quote, error)
	// MarkUsed saves the use of q after [trading.Quote.Redeem], only if the stored quote is
	// still unused; otherwise (or when it is gone) it returns [core.ErrQuoteUsed]. A quote
	// that was not redeemed returns an error wrapping [core.ErrInvalidInput].
	MarkUsed(ctx context.Context, q *trading.Quote) error
	// DeleteExpired removes quotes that expired before cutoff and returns how many.
	DeleteExpired(ctx context.Context, cutoff time.Time) (int64, error)
}

// OrderFilter narrows a list of orders; zero fields do not filter.
type OrderFilter struct {
	Side   trading.Side
	Status trading.OrderStatus
}

// OrderRepository keeps orders. Another user's order reads as [core.ErrNotFound].
type OrderRepository interface {
	// Create stores a new order and returns its id. It returns [core.ErrConflict] when its
	// number exists (the caller draws another) and [core.ErrNotFound] when the user does
	// not.
	Create(ctx context.Context, o *trading.Order) (trading.OrderID, error)
	// Save stores an order's status, failure reason and times. It returns
	// [core.ErrNotFound] when the order's user has no such order.
	Save(ctx context.Context, o *trading.Order) error
	// Get returns user's order id, or [core.ErrNotFound].
	Get(ctx context.Context, user core.UserID, id trading.OrderID) (*trading.Order, error)
	// GetForUpdate is Get, locking the order until the transaction ends.
	GetForUpdate(ctx context.Context, user core.UserID, id trading.OrderID) (*trading.Order, error)
	// List returns one page of user's orders matching f, newest first (ties by id
	// descending), and how many match in all.
	List(ctx context.Context, user core.UserID, f OrderFilter, offset, limit int) ([]*trading.Order, int, error)
	// Summary returns the counts and sums of user's completed orders per side.
	Summary(ctx context.Context, user core.UserID) (OrderSummary, error)
	// Usage sums the amounts (before fees) of user's completed orders of side created at or
	// after dayStart and monthStart: what the per-level trading caps count.
	Usage(ctx context.Context, user core.UserID, side trading.Side, dayStart, monthStart time.Time) (payment.Usage, error)
}

// OrderSummary totals a user's completed orders: their counts, and the sums of their terms'
// AmountIRR (before the fee), Fee and Gold per side.
type OrderSummary struct {
	Buys, Sells          int
	BoughtIRR, SoldIRR   core.Rial
	BuyFees, SellFees    core.Rial
	BoughtGold, SoldGold core.Microgram
}

// AuditEvent is one append-only record of who did what (API.md §3.13 audit-log).
type AuditEvent struct {
	ID        int64
	At        time.Time
	ActorID   core.UserID
	ActorRole string
	// Action names what happened, e.g. "price.set", "trading.halt", "order.place".
	Action string
	// Entity and EntityID name what it happened to, e.g. "order", "1234".
	Entity, EntityID string
	Reason           string
	IP, UserAgent    string
	RequestID        string
	// BeforeDigest and AfterDigest are SHA-256 hex digests of the entity's state before and
	// after, "" when there is none.
	BeforeDigest, AfterDigest string
	// Chain is the hash chain the event is in: the store picks it on Append with
	// [audit.ChainFor] from the actor (the entity for the system's events) and its number of
	// chains, and ignores it on input. Events stored before the log had several chains are
	// in chain 0.
	Chain int
	// PrevHash and Hash chain the event into the tamper-evident log: Hash is
	// [audit.Link](PrevHash, the event's [audit.Entry]) and PrevHash is the Hash of the event
	// before it in its chain, in id order (the zero [audit.Hash] for the chain's first). The
	// store sets both on Append and ignores them on input; both are zero on events stored
	// before the chain began (they were appended before migration postgres 00008, sqlite
	// 00006).
	PrevHash, Hash audit.Hash
}

// Entry returns the fields of e that its hash covers.
func (e AuditEvent) Entry() audit.Entry {
	return audit.Entry{
		ID: e.ID, At: e.At, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
		Entity: e.Entity, EntityID: e.EntityID, Reason: e.Reason, IP: e.IP,
		UserAgent: e.UserAgent, RequestID: e.RequestID, BeforeDigest: e.BeforeDigest,
		AfterDigest: e.AfterDigest, Chain: e.Chain,
	}
}

// Sealed returns e as the chain sees it: its entry and its links.
func (e AuditEvent) Sealed() audit.Sealed {
	return audit.Sealed{Entry: e.Entry(), Prev: e.PrevHash, Hash: e.Hash}
}

// AuditFilter narrows the audit log; zero fields do not filter. From is inclusive, To
// exclusive.
type AuditFilter struct {
	ActorID        core.UserID
	Action, Entity string
	EntityID       string
	From, To       time.Time
}

// AuditRepository appends and lists audit events; events are never changed or deleted, and
// each is chained to the one before it in its chain by a hash ([audit.Link]), so that a
// change made behind the store's back shows ([audit.Verifier]).
type AuditRepository interface {
	// Append stores e (its ID, Chain, PrevHash and Hash are ignored) and returns its id. It
	// keeps At to the microsecond, picks e's chain ([AuditEvent.Chain]) and chains e after
	// the last event of that chain in id order: it serializes the appenders of one chain
	// from the call until the transaction ends, so that ids and each chain agree and no two
	// events follow the same one; appenders of other chains do not wait. Call it late in a
	// transaction, and append to one chain per transaction where possible (one actor's
	// events share a chain): two transactions that append to two chains in opposite orders
	// may deadlock, which the store treats as a transient failure (it retries, then returns
	// an error wrapping [core.ErrRetryable]). An event without At or Action returns an error
	// wrapping [core.ErrInvalidInput].
	Append(ctx context.Context, e AuditEvent) (int64, error)
	// List returns one page of events matching f, newest first (ties by id descending), and
	// how many match in all.
	List(ctx context.Context, f AuditFilter, offset, limit int) ([]AuditEvent, int, error)
	// Chain returns up to limit events with ids above afterID, in id order, to verify the
	// chain page by page (pass the last id of a page as the next afterID; 0 starts at the
	// first). A negative limit returns an error wrapping [core.ErrInvalidInput]; a zero
	// limit returns none.
	Chain(ctx context.Context, afterID int64, limit int) ([]AuditEvent, error)
}

// LedgerEntry is one journal seen from one user's wallet: what it moved in and out of the
// user's IRR and gold accounts. It is the read model behind the transaction histories of
// API.md §3.5 and §3.10.
type LedgerEntry struct {
	Journal   ledger.JournalID
	Type      ledger.JournalType
	Reference string
	// IRR and Gold are the net changes of the user's balances (available plus held).
	IRR       core.Rial
	Gold      core.Microgram
	CreatedAt time.Time
}

// IdempotentCall asks a money-moving use case to honour an Idempotency-Key (API.md §1.6):
// the use case claims the key in its own transaction, and stores the response Respond
// renders for its outcome there too, so the effects and the stored response commit
// together. A zero Key means no deduplication.
type IdempotentCall struct {
	Key         idempotency.Key
	Fingerprint idempotency.Fingerprint
	// Respond renders the response of an outcome: the result or the error the use case
	// returns. ok false means the outcome is not stored (401, 403, 429, 5xx, 409 idempotency_*).
	Respond func(result any, err error) (resp idempotency.Response, ok bool)
}
