package payment

import (
	"fmt"
	"math"

	"github.com/talabin/talabin/core"
)

// MaxKYCLevel is the highest identity verification level (API.md §3.2).
const MaxKYCLevel = 2

// Caps bounds the rials one user moves in a direction over a rolling day and a rolling 30
// days. Zero allows nothing.
type Caps struct {
	Daily, Monthly core.Rial
}

// Limits are the configured rules of deposits, withdrawals and bank accounts (API.md §1.8,
// §3.4–3.7). Caps are indexed by KYC level 0..[MaxKYCLevel].
type Limits struct {
	DepositMin, DepositMax core.Rial
	WithdrawalMin          core.Rial
	// WithdrawalFee is charged on top of the amount paid out, rounded up ([core.FeeFor]).
	WithdrawalFee   core.BasisPoints
	MaxBankAccounts int
	DepositCaps     [MaxKYCLevel + 1]Caps
	WithdrawalCaps  [MaxKYCLevel + 1]Caps
}

// DefaultLimits are the original platform's numbers (deposit ≥ 10,000, withdrawal ≥
// 50,000, fee 0.5 %, ten bank accounts) with per-level caps that grow with verification.
func DefaultLimits() Limits {
	return Limits{
		DepositMin:      10_000,
		DepositMax:      500_000_000,
		WithdrawalMin:   50_000,
		WithdrawalFee:   50,
		MaxBankAccounts: 10,
		DepositCaps: [MaxKYCLevel + 1]Caps{
			{Daily: 1_000_000_000, Monthly: 5_000_000_000},
			{Daily: 5_000_000_000, Monthly: 50_000_000_000},
			{Daily: 50_000_000_000, Monthly: 500_000_000_000},
		},
		WithdrawalCaps: [MaxKYCLevel + 1]Caps{
			{Daily: 500_000_000, Monthly: 2_000_000_000},
			{Daily: 2_000_000_000, Monthly: 20_000_000_000},
			{Daily: 20_000_000_000, Monthly: 200_000_000_000},
		},
	}
}

// Validate reports a configuration that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.DepositMin <= 0 || l.DepositMax < l.DepositMin:
		return fmt.Errorf("%w: deposit limits need 0 < min <= max", core.ErrInvalidInput)
	case l.WithdrawalMin <= 0:
		return fmt.Errorf("%w: withdrawal minimum must be positive", core.ErrInvalidInput)
	case l.WithdrawalFee < 0 || l.WithdrawalFee > core.MaxFee:
		return fmt.Errorf("%w: withdrawal fee must be 0..100 %%", core.ErrInvalidInput)
	case l.MaxBankAccounts <= 0:
		return fmt.Errorf("%w: at least one bank account must be allowed", core.ErrInvalidInput)
	}
	for level := range MaxKYCLevel + 1 {
		for _, c := range []Caps{l.DepositCaps[level], l.WithdrawalCaps[level]} {
			if c.Daily < 0 || c.Monthly < c.Daily {
				return fmt.Errorf("%w: level %d caps need 0 <= daily <= 30-day", core.ErrInvalidInput, level)
			}
		}
	}
	return nil
}

// CheckDeposit checks a deposit amount against the minimum and maximum.
func (l Limits) CheckDeposit(amount core.Rial) error {
	switch {
	case amount < l.DepositMin:
		return &core.LimitExceededError{Limit: "deposit_amount_min", Bound: int64(l.DepositMin), Actual: int64(amount)}
	case amount > l.DepositMax:
		return &core.LimitExceededError{Limit: "deposit_amount_max", Bound: int64(l.DepositMax), Actual: int64(amount)}
	}
	return nil
}

// WithdrawalFeeFor checks a withdrawal amount against the minimum and returns its fee.
func (l Limits) WithdrawalFeeFor(amount core.Rial) (core.Rial, error) {
	if amount < l.WithdrawalMin {
		return 0, &core.LimitExceededError{Limit: "withdrawal_amount_min", Bound: int64(l.WithdrawalMin), Actual: int64(amount)}
	}
	return core.FeeFor(amount, l.WithdrawalFee)
}

// Usage is what a user moved in one direction: over the last day and the last 30 days.
type Usage struct {
	Day, Month core.Rial
}

// CheckCaps checks amount on top of used against the caps of a KYC level (clamped to
// 0..[MaxKYCLevel]) in direction ("deposit" or "withdrawal"), naming the broken cap
// "<direction>_daily_max" or "<direction>_30d_max".
func CheckCaps(caps [MaxKYCLevel + 1]Caps, level int, direction string, used Usage, amount core.Rial) error {
	c := caps[min(max(level, 0), MaxKYCLevel)]
	if day, ok := capTotal(used.Day, amount); !ok || day > c.Daily {
		return &core.LimitExceededError{Limit: direction + "_daily_max", Bound: int64(c.Daily), Actual: int64(day)}
	}
	if month, ok := capTotal(used.Month, amount); !ok || month > c.Monthly {
		return &core.LimitExceededError{Limit: direction + "_30d_max", Bound: int64(c.Monthly), Actual: int64(month)}
	}
	return nil
}

// capTotal returns used plus amount and whether a cap may allow it. A negative total never
// passes, and neither does one beyond int64, which is reported as the nearest int64 instead
// of wrapping to the other sign (the error's Actual must be the amount that broke the cap).
func capTotal(used, amount core.Rial) (core.Rial, bool) {
	s, ok := core.AddInt64(int64(used), int64(amount))
	switch {
	case !ok && amount > 0:
		return math.MaxInt64, false
	case !ok:
		return math.MinInt64, false
	}
	return core.Rial(s), s >= 0
}
