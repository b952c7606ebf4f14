package ledger

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// InsufficientFundsError is returned by a store when a posting would take an account that may
// not go negative below zero. Callers decide what it means: a user's insufficient balance, or
// the house's empty treasury ([core.ErrInventoryUnavailable]).
type InsufficientFundsError struct {
	Account   Account
	Bucket    Bucket
	Required  int64
	Available int64
}

// Error describes the shortfall.
func (e *InsufficientFundsError) Error() string {
	return fmt.Sprintf("insufficient funds in %s (%s): required %d, available %d",
		e.Account, e.Bucket, e.Required, e.Available)
}

// Is matches [core.ErrInsufficientFunds].
func (e *InsufficientFundsError) Is(target error) bool { return target == core.ErrInsufficientFunds }
