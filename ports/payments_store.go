package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
)

// DepositFilter narrows a list of deposits; zero fields do not filter.
type DepositFilter struct {
	User   core.UserID
	Status payment.DepositStatus
	// OrStatus also matches when Status is set: a user's pending filter shows the deposits
	// whose outcome is unknown too, since users see them as pending.
	OrStatus payment.DepositStatus
	Method   payment.Method
}

// DepositRepository keeps deposits. Reads are not scoped to a user: the service checks
// ownership, so another user's deposit reads as [core.ErrNotFound] above this port.
type DepositRepository interface {
	// Create stores a new deposit and returns its id. It returns [core.ErrConflict] when its
	// number, or its (gateway, authority) when it has one, exists already, and
	// [core.ErrNotFound] when the user does not.
	Create(ctx context.Context, d *payment.Deposit) (payment.DepositID, error)
	// Save stores every mutable field of a deposit read in the same transaction with
	// GetForUpdate. It returns [core.ErrNotFound] when there is no such deposit and
	// [core.ErrConflict] when its (gateway, authority) belongs to another deposit.
	Save(ctx context.Context, d *payment.Deposit) error
	// Get returns a deposit by id, or [core.ErrNotFound].
	Get(ctx context.Context, id payment.DepositID) (*payment.Deposit, error)
	// GetForUpdate is Get, locking the deposit until the transaction ends.
	GetForUpdate(ctx context.Context, id payment.DepositID) (*payment.Deposit, error)
	// List returns one page of deposits matching f, newest first (ties by id descending),
	// and how many match in all.
	List(ctx context.Context, f DepositFilter, offset, limit int) ([]*payment.Deposit, int, error)
	// Unsettled returns up to limit online deposits that are pending or unknown and were
	// last updated before cutoff, oldest update first: the reconciler's work.
	Unsettled(ctx context.Context, cutoff time.Time, limit int) ([]*payment.Deposit, error)
	// Usage sums the amounts of user's deposits whose status counts against the limits
	// ([payment.DepositStatus.Counts]) created at or after dayStart and monthStart.
	Usage(ctx context.Context, user core.UserID, dayStart, monthStart time.Time) (payment.Usage, error)
}

// WithdrawalFilter narrows a list of withdrawals; zero fields do not filter.
type WithdrawalFilter struct {
	User   core.UserID
	Status payment.WithdrawalStatus
}

// WithdrawalRepository keeps withdrawals, with reads unscoped like [DepositRepository].
type WithdrawalRepository interface {
	// Create stores a new withdrawal and returns its id. It returns [core.ErrConflict] when
	// its number exists and [core.ErrNotFound] when the user or bank account does not.
	Create(ctx context.Context, w *payment.Withdrawal) (payment.WithdrawalID, error)
	// Save stores every mutable field of a withdrawal read with GetForUpdate, or returns
	// [core.ErrNotFound].
	Save(ctx context.Context, w *payment.Withdrawal) error
	// Get returns a withdrawal by id, or [core.ErrNotFound].
	Get(ctx context.Context, id payment.WithdrawalID) (*payment.Withdrawal, error)
	// GetForUpdate is Get, locking the withdrawal until the transaction ends.
	GetForUpdate(ctx context.Context, id payment.WithdrawalID) (*payment.Withdrawal, error)
	// List returns one page of withdrawals matching f, newest first (ties by id
	// descending), and how many match in all.
	List(ctx context.Context, f WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error)
	// CountOpen returns how many withdrawals to bank account are open (pending, approved or
	// processing).
	CountOpen(ctx context.Context, account payment.BankAccountID) (int, error)
	// Usage sums the amounts (without fees) of user's withdrawals whose status counts
	// against the limits ([payment.WithdrawalStatus.Counts]) created at or after dayStart and
	// monthStart.
	Usage(ctx context.Context, user core.UserID, dayStart, monthStart time.Time) (payment.Usage, error)
}

// BankAccountRepository keeps users' bank accounts, with reads unscoped like
// [DepositRepository].
type BankAccountRepository interface {
	// Create stores a new account and returns its id. It returns [core.ErrConflict] when the
	// user has an account with the same Sheba that is not deleted, and [core.ErrNotFound]
	// when the user does not exist.
	Create(ctx context.Context, a *payment.BankAccount) (payment.BankAccountID, error)
	// Save stores the verification, default flag and deletion of an account, or returns
	// [core.ErrNotFound].
	Save(ctx context.Context, a *payment.BankAccount) error
	// Get returns an account by id (deleted ones too), or [core.ErrNotFound].
	Get(ctx context.Context, id payment.BankAccountID) (*payment.BankAccount, error)
	// GetForUpdate is Get, locking the account until the transaction ends.
	GetForUpdate(ctx context.Context, id payment.BankAccountID) (*payment.BankAccount, error)
	// ListByUser returns user's accounts that are not deleted, newest first (ties by id
	// descending).
	ListByUser(ctx context.Context, user core.UserID) ([]*payment.BankAccount, error)
}
