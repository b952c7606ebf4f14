package payment

import (
	"fmt"
	"strconv"

	"github.com/talabin/talabin/core"
)

// DepositID identifies a stored deposit: its `id` (API.md §2), a positive integer.
type DepositID int64

// WithdrawalID identifies a stored withdrawal.
type WithdrawalID int64

// BankAccountID identifies a stored bank account.
type BankAccountID int64

// ParseDepositID parses a path's {id}. Errors wrap [core.ErrInvalidInput].
func ParseDepositID(s string) (DepositID, error) {
	n, err := parseID(s, "deposit")
	return DepositID(n), err
}

// ParseWithdrawalID parses a path's {id}. Errors wrap [core.ErrInvalidInput].
func ParseWithdrawalID(s string) (WithdrawalID, error) {
	n, err := parseID(s, "withdrawal")
	return WithdrawalID(n), err
}

// ParseBankAccountID parses a path's {id} or a `bank_account_id`. Errors wrap
// [core.ErrInvalidInput].
func ParseBankAccountID(s string) (BankAccountID, error) {
	n, err := parseID(s, "bank account")
	return BankAccountID(n), err
}

func parseID(s, what string) (int64, error) {
	n, err := strconv.ParseInt(core.NormalizeDigits(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: %s id must be a positive integer", core.ErrInvalidInput, what)
	}
	return n, nil
}

// String returns the decimal form of the id.
func (id DepositID) String() string { return strconv.FormatInt(int64(id), 10) }

// String returns the decimal form of the id.
func (id WithdrawalID) String() string { return strconv.FormatInt(int64(id), 10) }

// String returns the decimal form of the id.
func (id BankAccountID) String() string { return strconv.FormatInt(int64(id), 10) }
