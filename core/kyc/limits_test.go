package kyc_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/payment"
)

// tradeDirections are the directions the trading service checks the caps in.
func tradeDirections(l kyc.TradeLimits) map[string][kyc.MaxLevel + 1]payment.Caps {
	return map[string][kyc.MaxLevel + 1]payment.Caps{"buy": l.Buy, "sell": l.Sell}
}

func TestDefaultTradeLimits(t *testing.T) {
	t.Parallel()

	require.Equal(t, payment.MaxKYCLevel, kyc.MaxLevel, "kyc levels and payment caps must agree")
	for direction, caps := range tradeDirections(kyc.DefaultTradeLimits()) {
		for level, c := range caps {
			require.Positive(t, c.Daily, "%s level %d: every level may trade", direction, level)
			require.LessOrEqual(t, c.Daily, c.Monthly, "%s level %d: daily within 30-day", direction, level)
		}
		for level := 1; level <= kyc.MaxLevel; level++ {
			require.GreaterOrEqual(t, caps[level].Daily, caps[level-1].Daily, "%s level %d: daily never shrinks", direction, level)
			require.GreaterOrEqual(t, caps[level].Monthly, caps[level-1].Monthly, "%s level %d: 30-day never shrinks", direction, level)
		}
		require.Greater(t, caps[kyc.MaxLevel].Daily, caps[0].Daily, "%s: verification raises the caps", direction)
	}
}

func TestTradeLimitsCheckCaps(t *testing.T) {
	t.Parallel()

	l := kyc.DefaultTradeLimits()
	for direction, caps := range tradeDirections(l) {
		for level := -1; level <= kyc.MaxLevel+1; level++ {
			c := caps[min(max(level, 0), kyc.MaxLevel)]
			check := func(used payment.Usage, amount core.Rial) error {
				return payment.CheckCaps(caps, level, direction, used, amount)
			}
			require.NoError(t, check(payment.Usage{}, c.Daily), "%s level %d: the whole daily cap", direction, level)
			require.NoError(t, check(payment.Usage{Day: c.Daily - 1, Month: c.Monthly - 1}, 1), "%s level %d: up to both caps", direction, level)
			requireLimit(t, check(payment.Usage{}, c.Daily+1), direction+"_daily_max", int64(c.Daily), int64(c.Daily+1))
			requireLimit(t, check(payment.Usage{Day: c.Daily}, 1), direction+"_daily_max", int64(c.Daily), int64(c.Daily+1))
			requireLimit(t, check(payment.Usage{Month: c.Monthly}, 1), direction+"_30d_max", int64(c.Monthly), int64(c.Monthly+1))
		}
	}
}

// requireLimit asserts that err is exactly the breach of limit (bound) by actual.
func requireLimit(t *testing.T, err error, limit string, bound, actual int64) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrLimitExceeded)
	var le *core.LimitExceededError
	require.ErrorAs(t, err, &le)
	require.Equal(t, &core.LimitExceededError{Limit: limit, Bound: bound, Actual: actual}, le)
}
