package trading

import (
	"fmt"
	"slices"

	"github.com/talabin/talabin/core"
)

// OrderStatus is where an order is in its life (the `status` of an Order, API.md §2). The
// zero value is not a status; use the declared values or [ParseOrderStatus].
type OrderStatus struct{ name string }

var (
	// OrderPending is an order created and not yet executed.
	OrderPending = OrderStatus{"pending"}
	// OrderProcessing is an order being executed.
	OrderProcessing = OrderStatus{"processing"}
	// OrderCompleted is an executed order: its journal is posted.
	OrderCompleted = OrderStatus{"completed"}
	// OrderFailed is an order that could not execute (for example for an insufficient
	// balance); nothing moved.
	OrderFailed = OrderStatus{"failed"}
	// OrderCancelled is a pending order its user cancelled; nothing moved.
	OrderCancelled = OrderStatus{"cancelled"}
)

var orderStatuses = []OrderStatus{OrderPending, OrderProcessing, OrderCompleted, OrderFailed, OrderCancelled}

// orderTransitions lists, per status, the statuses an order may move to. Completed, failed
// and cancelled are final.
var orderTransitions = map[OrderStatus][]OrderStatus{
	OrderPending:    {OrderProcessing, OrderCompleted, OrderFailed, OrderCancelled},
	OrderProcessing: {OrderCompleted, OrderFailed},
}

// ParseOrderStatus returns the status named s (for example "completed"). An unknown name
// returns an error wrapping [core.ErrInvalidInput].
func ParseOrderStatus(s string) (OrderStatus, error) {
	for _, st := range orderStatuses {
		if st.name == s {
			return st, nil
		}
	}
	return OrderStatus{}, fmt.Errorf("%w: unknown order status %q", core.ErrInvalidInput, s)
}

// OrderStatuses returns every status, in life-cycle order.
func OrderStatuses() []OrderStatus { return slices.Clone(orderStatuses) }

// String returns the status's stable name, or "" for the zero value.
func (s OrderStatus) String() string { return s.name }

// IsZero reports whether the status is unset.
func (s OrderStatus) IsZero() bool { return s.name == "" }

// Final reports whether no transition leaves s.
func (s OrderStatus) Final() bool { return len(orderTransitions[s]) == 0 }

// CanBecome reports whether an order in s may move to next.
func (s OrderStatus) CanBecome(next OrderStatus) bool {
	return slices.Contains(orderTransitions[s], next)
}
