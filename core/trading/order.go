package trading

import (
	"fmt"
	"strconv"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// MaxFailureReasonLen bounds an order's failure reason, in bytes; longer reasons are cut at
// a character boundary.
const MaxFailureReasonLen = 255

// OrderID identifies a stored order. The store assigns it; it is the order's `id` (API.md
// §2), a positive integer.
type OrderID int64

// ParseOrderID parses a positive decimal order id (a path's {id}), after digit
// normalisation. Errors wrap [core.ErrInvalidInput].
func ParseOrderID(s string) (OrderID, error) {
	n, err := strconv.ParseInt(core.NormalizeDigits(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: order id must be a positive integer", core.ErrInvalidInput)
	}
	return OrderID(n), nil
}

// String returns the decimal form of the id.
func (id OrderID) String() string { return strconv.FormatInt(int64(id), 10) }

// IsZero reports whether the id is unset (the order is not stored yet).
func (id OrderID) IsZero() bool { return id == 0 }

// Order is one user's trade against the house. It is created pending with its [Terms] fixed,
// then executes synchronously: the service posts [Order.Journal] and completes it in the same
// transaction, or fails it with a reason. Only a pending order may be cancelled. Build new
// orders with [NewOrder]; stores rebuild them with [RehydrateOrder].
type Order struct {
	id            OrderID
	number        string
	user          core.UserID
	terms         Terms
	quoteID       QuoteID
	status        OrderStatus
	failureReason string
	createdAt     time.Time
	executedAt    time.Time
	cancelledAt   time.Time
}

// NewOrder returns a pending order not yet stored: number from [NewOrderNumber], user's trade
// on terms (from a redeemed quote, whose id is quoteID, or priced afresh with a zero
// quoteID), created at now. Errors wrap [core.ErrInvalidInput].
func NewOrder(number string, user core.UserID, terms Terms, quoteID QuoteID, now time.Time) (*Order, error) {
	if !validOrderNumber(number) {
		return nil, fmt.Errorf("%w: malformed order number %q", core.ErrInvalidInput, number)
	}
	if user <= 0 {
		return nil, fmt.Errorf("%w: order needs a user", core.ErrInvalidInput)
	}
	if err := terms.Validate(); err != nil {
		return nil, err
	}
	return &Order{
		number:    number,
		user:      user,
		terms:     terms,
		quoteID:   quoteID,
		status:    OrderPending,
		createdAt: now,
	}, nil
}

// OrderRecord is the stored form of an [Order], for store adapters. Zero times mean "not
// happened"; a zero QuoteID means the order was priced without a quote.
type OrderRecord struct {
	ID            OrderID
	Number        string
	User          core.UserID
	Terms         Terms
	QuoteID       QuoteID
	Status        OrderStatus
	FailureReason string
	CreatedAt     time.Time
	ExecutedAt    time.Time
	CancelledAt   time.Time
}

// RehydrateOrder rebuilds a stored order; only store adapters call it.
func RehydrateOrder(r OrderRecord) *Order {
	return &Order{
		id:            r.ID,
		number:        r.Number,
		user:          r.User,
		terms:         r.Terms,
		quoteID:       r.QuoteID,
		status:        r.Status,
		failureReason: r.FailureReason,
		createdAt:     r.CreatedAt,
		executedAt:    r.ExecutedAt,
		cancelledAt:   r.CancelledAt,
	}
}

// Record returns the order's stored form.
func (o *Order) Record() OrderRecord {
	return OrderRecord{
		ID:            o.id,
		Number:        o.number,
		User:          o.user,
		Terms:         o.terms,
		QuoteID:       o.quoteID,
		Status:        o.status,
		FailureReason: o.failureReason,
		CreatedAt:     o.createdAt,
		ExecutedAt:    o.executedAt,
		CancelledAt:   o.cancelledAt,
	}
}

// Process moves a pending order to processing. Any other status returns a
// [*core.InvalidStateError].
func (o *Order) Process() error { return o.moveTo(OrderProcessing, "process") }

// Complete marks a pending or processing order executed at now. Any other status returns a
// [*core.InvalidStateError]. Post [Order.Journal] in the same transaction.
func (o *Order) Complete(now time.Time) error {
	if err := o.moveTo(OrderCompleted, "complete"); err != nil {
		return err
	}
	o.executedAt = now
	return nil
}

// Fail marks a pending or processing order failed for reason (trimmed and cut to
// [MaxFailureReasonLen] bytes), the `failure_reason` shown to the user. Any other status
// returns a [*core.InvalidStateError].
func (o *Order) Fail(reason string) error {
	if err := o.moveTo(OrderFailed, "fail"); err != nil {
		return err
	}
	o.failureReason = core.CutText(reason, MaxFailureReasonLen)
	return nil
}

// Cancel cancels a pending order at now. Any other status returns a
// [*core.InvalidStateError] (an order that executed cannot be undone; orders execute
// synchronously, so this is the usual answer).
func (o *Order) Cancel(now time.Time) error {
	if err := o.moveTo(OrderCancelled, "cancel"); err != nil {
		return err
	}
	o.cancelledAt = now
	return nil
}

func (o *Order) moveTo(next OrderStatus, action string) error {
	if !o.status.CanBecome(next) {
		return &core.InvalidStateError{Object: "order", State: o.status.String(), Action: action}
	}
	o.status = next
	return nil
}

// Journal returns the ledger journal that executes the order ([Terms.Journal] for its user,
// with its number as the reference), so services never assemble postings themselves. A
// failed or cancelled order moves nothing and returns a [*core.InvalidStateError].
func (o *Order) Journal() (ledger.Journal, error) {
	if o.status == OrderFailed || o.status == OrderCancelled {
		return ledger.Journal{}, &core.InvalidStateError{Object: "order", State: o.status.String(), Action: "execute"}
	}
	return o.terms.Journal(o.user, o.number)
}

// ID returns the stored id, or zero before the order is stored.
func (o *Order) ID() OrderID { return o.id }

// Number returns the order number (`order_number`, the `reference_id` of its wallet
// transaction and the reference of its journal).
func (o *Order) Number() string { return o.number }

// User returns the user who placed the order.
func (o *Order) User() core.UserID { return o.user }

// Side returns the order's side (`order_type`).
func (o *Order) Side() Side { return o.terms.Side }

// Terms returns the order's figures.
func (o *Order) Terms() Terms { return o.terms }

// QuoteID returns the quote that priced the order, or zero.
func (o *Order) QuoteID() QuoteID { return o.quoteID }

// Status returns the order's status.
func (o *Order) Status() OrderStatus { return o.status }

// FailureReason returns why the order failed, or "".
func (o *Order) FailureReason() string { return o.failureReason }

// CreatedAt returns when the order was placed.
func (o *Order) CreatedAt() time.Time { return o.createdAt }

// ExecutedAt returns when the order completed, or the zero time.
func (o *Order) ExecutedAt() time.Time { return o.executedAt }

// CancelledAt returns when the order was cancelled, or the zero time.
func (o *Order) CancelledAt() time.Time { return o.cancelledAt }
