package payment_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
)

func TestDefaultLimits(t *testing.T) {
	t.Parallel()

	l := payment.DefaultLimits()
	require.NoError(t, l.Validate())
	require.Equal(t, core.Rial(10_000), l.DepositMin)
	require.Equal(t, core.Rial(50_000), l.WithdrawalMin)
	require.Equal(t, core.BasisPoints(50), l.WithdrawalFee)
	require.Equal(t, 10, l.MaxBankAccounts)
	for level := 1; level <= payment.MaxKYCLevel; level++ {
		require.Greater(t, l.DepositCaps[level].Daily, l.DepositCaps[level-1].Daily, "caps grow with verification")
		require.Greater(t, l.WithdrawalCaps[level].Daily, l.WithdrawalCaps[level-1].Daily, "caps grow with verification")
	}
}

func TestLimitsValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		change func(*payment.Limits)
		ok     bool
	}{
		{name: "Default", change: func(*payment.Limits) {}, ok: true},
		{name: "MinEqualsMax", change: func(l *payment.Limits) { l.DepositMax = l.DepositMin }, ok: true},
		{name: "FreeWithdrawals", change: func(l *payment.Limits) { l.WithdrawalFee = 0 }, ok: true},
		{name: "FullFee", change: func(l *payment.Limits) { l.WithdrawalFee = core.MaxFee }, ok: true},
		{name: "ZeroCaps", change: func(l *payment.Limits) { l.DepositCaps[0] = payment.Caps{} }, ok: true},
		{name: "DailyEqualsMonthly", change: func(l *payment.Limits) { l.WithdrawalCaps[1].Monthly = l.WithdrawalCaps[1].Daily }, ok: true},
		{name: "ZeroDepositMin", change: func(l *payment.Limits) { l.DepositMin = 0 }},
		{name: "NegativeDepositMin", change: func(l *payment.Limits) { l.DepositMin = -1 }},
		{name: "MaxBelowMin", change: func(l *payment.Limits) { l.DepositMax = l.DepositMin - 1 }},
		{name: "ZeroWithdrawalMin", change: func(l *payment.Limits) { l.WithdrawalMin = 0 }},
		{name: "NegativeFee", change: func(l *payment.Limits) { l.WithdrawalFee = -1 }},
		{name: "FeeOver100Percent", change: func(l *payment.Limits) { l.WithdrawalFee = core.MaxFee + 1 }},
		{name: "NoBankAccounts", change: func(l *payment.Limits) { l.MaxBankAccounts = 0 }},
		{name: "NegativeBankAccounts", change: func(l *payment.Limits) { l.MaxBankAccounts = -1 }},
		{name: "NegativeDepositDaily", change: func(l *payment.Limits) { l.DepositCaps[0].Daily = -1 }},
		{name: "DepositMonthlyBelowDaily", change: func(l *payment.Limits) { l.DepositCaps[2].Monthly = l.DepositCaps[2].Daily - 1 }},
		{name: "NegativeWithdrawalDaily", change: func(l *payment.Limits) { l.WithdrawalCaps[2].Daily = -1 }},
		{name: "WithdrawalMonthlyBelowDaily", change: func(l *payment.Limits) { l.WithdrawalCaps[1].Monthly = l.WithdrawalCaps[1].Daily - 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := payment.DefaultLimits()
			tt.change(&l)
			err := l.Validate()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestCheckDeposit(t *testing.T) {
	t.Parallel()

	l := payment.DefaultLimits()
	tests := []struct {
		name   string
		amount core.Rial
		limit  string
	}{
		{name: "Min", amount: 10_000},
		{name: "Max", amount: 500_000_000},
		{name: "Between", amount: 1_000_000},
		{name: "BelowMin", amount: 9_999, limit: "deposit_amount_min"},
		{name: "Zero", amount: 0, limit: "deposit_amount_min"},
		{name: "Negative", amount: -1, limit: "deposit_amount_min"},
		{name: "AboveMax", amount: 500_000_001, limit: "deposit_amount_max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := l.CheckDeposit(tt.amount)
			switch tt.limit {
			case "":
				require.NoError(t, err)
			case "deposit_amount_min":
				requireLimit(t, err, tt.limit, int64(l.DepositMin), int64(tt.amount))
			default:
				requireLimit(t, err, tt.limit, int64(l.DepositMax), int64(tt.amount))
			}
		})
	}
}

func TestWithdrawalFeeFor(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		rate    core.BasisPoints
		amount  core.Rial
		want    core.Rial
		tooLow  bool
		invalid bool
	}{
		{name: "Min", rate: 50, amount: 50_000, want: 250},
		{name: "RoundsUp", rate: 50, amount: 50_001, want: 251},
		{name: "Exact", rate: 50, amount: 1_000_000, want: 5_000},
		{name: "JustUnderNextRial", rate: 50, amount: 50_199, want: 251},
		{name: "NextRial", rate: 50, amount: 50_200, want: 251},
		{name: "Free", rate: 0, amount: 1_234_567, want: 0},
		{name: "FullFee", rate: core.MaxFee, amount: 60_000, want: 60_000},
		{name: "Huge", rate: 50, amount: math.MaxInt64, want: 46_116_860_184_273_880},
		{name: "BelowMin", rate: 50, amount: 49_999, tooLow: true},
		{name: "Zero", rate: 50, amount: 0, tooLow: true},
		{name: "Negative", rate: 50, amount: -50_000, tooLow: true},
		{name: "BrokenRate", rate: core.MaxFee + 1, amount: 50_000, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := payment.DefaultLimits()
			l.WithdrawalFee = tt.rate
			fee, err := l.WithdrawalFeeFor(tt.amount)
			switch {
			case tt.tooLow:
				requireLimit(t, err, "withdrawal_amount_min", int64(l.WithdrawalMin), int64(tt.amount))
				require.Zero(t, fee)
			case tt.invalid:
				require.ErrorIs(t, err, core.ErrInvalidInput)
			default:
				require.NoError(t, err)
				require.Equal(t, tt.want, fee)
			}
		})
	}
}

func TestCheckCaps(t *testing.T) {
	t.Parallel()

	l := payment.DefaultLimits()
	tests := []struct {
		name      string
		caps      [payment.MaxKYCLevel + 1]payment.Caps
		level     int
		direction string
		used      payment.Usage
		amount    core.Rial
		limit     string
		bound     core.Rial
		actual    core.Rial
	}{
		{name: "Nothing", caps: l.DepositCaps, direction: "deposit", amount: 1},
		{name: "DailyExactlyReached", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Day: 999_000_000, Month: 999_000_000}, amount: 1_000_000},
		{name: "DailyExceeded", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Day: 999_000_000, Month: 999_000_000}, amount: 1_000_001,
			limit: "deposit_daily_max", bound: 1_000_000_000, actual: 1_000_000_001},
		{name: "MonthlyExactlyReached", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Month: 4_000_000_000}, amount: 1_000_000_000},
		{name: "MonthlyExceeded", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Day: 10, Month: 4_999_500_000}, amount: 1_000_000,
			limit: "deposit_30d_max", bound: 5_000_000_000, actual: 5_000_500_000},
		{name: "DailyReportedFirst", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Day: 1_000_000_000, Month: 5_000_000_000}, amount: 1,
			limit: "deposit_daily_max", bound: 1_000_000_000, actual: 1_000_000_001},
		{name: "WithdrawalDaily", caps: l.WithdrawalCaps, level: 1, direction: "withdrawal",
			used: payment.Usage{Day: 1_500_000_000, Month: 1_500_000_000}, amount: 600_000_000,
			limit: "withdrawal_daily_max", bound: 2_000_000_000, actual: 2_100_000_000},
		{name: "Withdrawal30d", caps: l.WithdrawalCaps, level: 2, direction: "withdrawal",
			used: payment.Usage{Month: 199_999_999_999}, amount: 2,
			limit: "withdrawal_30d_max", bound: 200_000_000_000, actual: 200_000_000_001},
		{name: "LevelTwoAllowsMore", caps: l.WithdrawalCaps, level: 2, direction: "withdrawal", amount: 20_000_000_000},
		{name: "NegativeLevelIsZero", caps: l.WithdrawalCaps, level: -1, direction: "withdrawal", amount: 500_000_001,
			limit: "withdrawal_daily_max", bound: 500_000_000, actual: 500_000_001},
		{name: "MinLevelIsZero", caps: l.WithdrawalCaps, level: math.MinInt, direction: "withdrawal", amount: 500_000_001,
			limit: "withdrawal_daily_max", bound: 500_000_000, actual: 500_000_001},
		{name: "HighLevelIsMax", caps: l.DepositCaps, level: payment.MaxKYCLevel + 1, direction: "deposit", amount: 50_000_000_000},
		{name: "HighLevelIsMaxExceeded", caps: l.DepositCaps, level: math.MaxInt, direction: "deposit", amount: 50_000_000_001,
			limit: "deposit_daily_max", bound: 50_000_000_000, actual: 50_000_000_001},
		{name: "ZeroCapAllowsNothing", direction: "deposit", amount: 1,
			limit: "deposit_daily_max", bound: 0, actual: 1},
		{name: "Overflow", caps: l.DepositCaps, level: 2, direction: "deposit",
			used: payment.Usage{Day: math.MaxInt64, Month: math.MaxInt64}, amount: 1,
			limit: "deposit_daily_max", bound: 50_000_000_000, actual: math.MaxInt64},
		// Usage and amounts are never negative; a negative total is refused all the same.
		{name: "NegativeTotal", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Day: -5}, amount: 3,
			limit: "deposit_daily_max", bound: 1_000_000_000, actual: -2},
		{name: "NegativeOverflow", caps: l.DepositCaps, direction: "deposit",
			used: payment.Usage{Day: math.MinInt64}, amount: -1,
			limit: "deposit_daily_max", bound: 1_000_000_000, actual: math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := payment.CheckCaps(tt.caps, tt.level, tt.direction, tt.used, tt.amount)
			if tt.limit == "" {
				require.NoError(t, err)
				return
			}
			requireLimit(t, err, tt.limit, int64(tt.bound), int64(tt.actual))
		})
	}
}

// maxFuzzAmount bounds the amounts of the cap model check: 10^15 rials, the largest amount
// input, so used+amount cannot wrap.
const maxFuzzAmount = int64(core.MaxRialInput)

func FuzzCheckCaps(f *testing.F) {
	f.Add(0, int64(0), int64(0), int64(0), int64(0), int64(1))
	f.Add(1, int64(1_000), int64(5_000), int64(999), int64(999), int64(1))
	f.Add(2, int64(1_000), int64(5_000), int64(1_000), int64(1_000), int64(1))
	f.Add(-3, int64(1_000), int64(5_000), int64(0), int64(4_999), int64(2))
	f.Add(7, maxFuzzAmount, maxFuzzAmount, maxFuzzAmount, maxFuzzAmount, maxFuzzAmount)
	f.Add(0, int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), int64(0), int64(1))
	f.Add(0, int64(math.MaxInt64), int64(math.MaxInt64), int64(0), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, level int, daily, monthly, usedDay, usedMonth, amount int64) {
		t.Parallel()
		// Bounded to 10^15: the model below must hold exactly.
		bounded := func(v int64) int64 { return int64(uint64(v) % uint64(maxFuzzAmount+1)) }
		checkCaps(t, level, bounded(daily), bounded(monthly), bounded(usedDay), bounded(usedMonth), bounded(amount))
		// Every non-negative int64: sums may exceed int64, and must never wrap.
		nonNegative := func(v int64) int64 { return v & math.MaxInt64 }
		checkCaps(t, level, nonNegative(daily), nonNegative(monthly), nonNegative(usedDay), nonNegative(usedMonth), nonNegative(amount))
	})
}

// checkCaps checks CheckCaps against exact arithmetic: it fails iff used plus amount exceeds
// a cap of the clamped level, names the daily cap first, and reports the true total (or the
// largest int64 when the total does not fit).
func checkCaps(t *testing.T, level int, daily, monthly, usedDay, usedMonth, amount int64) {
	t.Helper()
	var caps [payment.MaxKYCLevel + 1]payment.Caps
	clamped := min(max(level, 0), payment.MaxKYCLevel)
	// The other levels allow nothing, so reading one shows as a wrong error or bound.
	caps[clamped] = payment.Caps{Daily: core.Rial(daily), Monthly: core.Rial(monthly)}
	used := payment.Usage{Day: core.Rial(usedDay), Month: core.Rial(usedMonth)}
	err := payment.CheckCaps(caps, level, "withdrawal", used, core.Rial(amount))

	exact := func(a, b int64) *big.Int { return new(big.Int).Add(big.NewInt(a), big.NewInt(b)) }
	reported := func(s *big.Int) int64 {
		if s.IsInt64() {
			return s.Int64()
		}
		return math.MaxInt64
	}
	day, month := exact(usedDay, amount), exact(usedMonth, amount)
	switch {
	case day.Cmp(big.NewInt(daily)) > 0:
		requireLimit(t, err, "withdrawal_daily_max", daily, reported(day))
	case month.Cmp(big.NewInt(monthly)) > 0:
		requireLimit(t, err, "withdrawal_30d_max", monthly, reported(month))
	default:
		require.NoError(t, err, "level %d caps %d/%d used %d/%d amount %d", level, daily, monthly, usedDay, usedMonth, amount)
	}
}

func FuzzWithdrawalFee(f *testing.F) {
	for _, seed := range []struct {
		amount int64
		rate   int64
	}{
		{50_000, 50}, {50_001, 50}, {49_999, 50}, {1_000_000, 50}, {0, 0}, {1, 10_000},
		{math.MaxInt64, 10_000}, {math.MaxInt64, 9_999}, {math.MaxInt64, 1}, {-1, 50}, {123_456_789, 37},
	} {
		f.Add(seed.amount, seed.rate)
	}
	f.Fuzz(func(t *testing.T, amount, rate int64) {
		t.Parallel()
		l := payment.DefaultLimits()
		l.WithdrawalFee = core.BasisPoints(uint64(rate) % uint64(core.MaxFee+1))
		bps := int64(l.WithdrawalFee)

		fee, err := l.WithdrawalFeeFor(core.Rial(amount))
		if amount < int64(l.WithdrawalMin) {
			requireLimit(t, err, "withdrawal_amount_min", int64(l.WithdrawalMin), amount)
			return
		}
		require.NoError(t, err)
		require.GreaterOrEqual(t, int64(fee), int64(0))
		require.LessOrEqual(t, int64(fee), amount, "the fee never exceeds the amount")

		// fee = ⌈amount·bps / 10,000⌉: fee·10,000 ≥ amount·bps > (fee−1)·10,000.
		charged := new(big.Int).Mul(big.NewInt(int64(fee)), big.NewInt(int64(core.MaxFee)))
		owed := new(big.Int).Mul(big.NewInt(amount), big.NewInt(bps))
		require.GreaterOrEqual(t, charged.Cmp(owed), 0, "fee %d on %d at %d bp is too small", fee, amount, bps)
		if fee > 0 {
			less := new(big.Int).Mul(big.NewInt(int64(fee)-1), big.NewInt(int64(core.MaxFee)))
			require.Negative(t, less.Cmp(owed), "fee %d on %d at %d bp rounds up by a rial or more", fee, amount, bps)
		}
	})
}
