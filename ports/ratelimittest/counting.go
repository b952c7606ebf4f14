package ratelimittest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// countTolerance bounds how much shorter than computed a wait may be reported in the
// counting cases: the real time that passed since the key's first attempt, plus rounding.
const countTolerance = 5 * time.Second

func countingCases() []testCase {
	return []testCase{
		{"BurstThenDenied", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.register", 5, time.Hour)
			interval := 12 * time.Minute
			for i := range 5 {
				d := b.allow(t, "10.0.0.1", limit)
				b.requireAllowed(t, d, 5, 4-i)
				requireNear(t, time.Duration(i+1)*interval, d.ResetAfter, "reset after attempt %d", i+1)
				require.NoError(t, d.Err())
			}
			for range 3 {
				d := b.allow(t, "10.0.0.1", limit)
				b.requireDenied(t, d, 5, 0)
				requireNear(t, interval, d.RetryAfter, "retry after")
				require.LessOrEqual(t, d.RetryAfter, limit.Period)
				requireNear(t, time.Hour, d.ResetAfter, "reset after a denial")

				var limited *core.RateLimitedError
				require.ErrorAs(t, d.Err(), &limited)
				require.ErrorIs(t, d.Err(), core.ErrRateLimited)
				require.Equal(t, d.RetryAfter, limited.RetryAfter)
			}
		}},
		{"CostConsumesUnits", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("trading.place_order", 10, time.Hour)
			interval := 6 * time.Minute

			d := b.allowN(t, "user-1", limit, 3)
			b.requireAllowed(t, d, 10, 7)
			requireNear(t, 3*interval, d.ResetAfter, "reset after cost 3")

			d = b.allowN(t, "user-1", limit, 8)
			b.requireDenied(t, d, 10, 7)
			requireNear(t, interval, d.RetryAfter, "retry after for one missing unit")
			requireNear(t, 3*interval, d.ResetAfter, "a denial consumes nothing")

			d = b.allowN(t, "user-1", limit, 7)
			b.requireAllowed(t, d, 10, 0)
			requireNear(t, time.Hour, d.ResetAfter, "reset after the whole burst")

			d = b.allow(t, "user-1", limit)
			b.requireDenied(t, d, 10, 0)
			requireNear(t, interval, d.RetryAfter, "retry after when empty")

			d = b.allowN(t, "user-1", limit, 10)
			b.requireDenied(t, d, 10, 0)
			requireNear(t, time.Hour, d.RetryAfter, "retry after for a whole burst")
		}},
		{"ExplicitBurstAboveRate", func(t *testing.T, b *testBundle) {
			limit := ports.Limit{Name: "kyc.submit", Rate: 1, Period: time.Hour, Burst: 3}
			for i := range 3 {
				b.requireAllowed(t, b.allow(t, "user-1", limit), 3, 2-i)
			}
			d := b.allow(t, "user-1", limit)
			b.requireDenied(t, d, 3, 0)
			requireNear(t, time.Hour, d.RetryAfter, "retry after")
			requireNear(t, 3*time.Hour, d.ResetAfter, "reset after")
		}},
		{"ExplicitBurstBelowRate", func(t *testing.T, b *testBundle) {
			limit := ports.Limit{Name: "global.ip", Rate: 60, Period: time.Hour, Burst: 2}
			b.requireAllowed(t, b.allow(t, "10.0.0.1", limit), 2, 1)
			b.requireAllowed(t, b.allow(t, "10.0.0.1", limit), 2, 0)
			d := b.allow(t, "10.0.0.1", limit)
			b.requireDenied(t, d, 2, 0)
			requireNear(t, time.Minute, d.RetryAfter, "retry after")
			requireNear(t, 2*time.Minute, d.ResetAfter, "reset after")
		}},
		{"RemainingIsExactForManyLimits", func(t *testing.T, b *testBundle) {
			// Awkward intervals (60 s / 39, 24 h / 38) catch a backend that loses a unit to
			// float rounding.
			for _, period := range []time.Duration{time.Minute, 7 * time.Minute, time.Hour, 24 * time.Hour} {
				for rate := 1; rate <= 40; rate++ {
					limit := ports.PerPeriod("global.ip", rate, period)
					key := fmt.Sprintf("%d/%s", rate, period)
					for i := range min(rate, 4) {
						b.requireAllowed(t, b.allow(t, key, limit), rate, rate-1-i)
					}
					if rate <= 4 {
						b.requireDenied(t, b.allow(t, key, limit), rate, 0)
					}
				}
			}
		}},
		{"KeysAreIndependent", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.send_otp", 3, 5*time.Minute)
			b.exhaust(t, "10.0.0.1", limit)
			b.requireAllowed(t, b.allow(t, "10.0.0.2", limit), 3, 2)
			b.requireAllowed(t, b.allow(t, "10.0.0.1|+989121234567", limit), 3, 2)
			b.requireDenied(t, b.allow(t, "10.0.0.1", limit), 3, 0)
		}},
		{"NamesAreIndependent", func(t *testing.T, b *testBundle) {
			login := ports.PerPeriod("auth.login", 10, time.Hour)
			register := ports.PerPeriod("auth.register", 5, time.Hour)
			b.exhaust(t, "10.0.0.1", login)
			b.requireAllowed(t, b.allow(t, "10.0.0.1", register), 5, 4)
			b.requireDenied(t, b.allow(t, "10.0.0.1", login), 10, 0)
		}},
		{"KeysMayHoldAnyBytes", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.verify_otp", 2, time.Hour)
			keys := []string{"2001:db8::1|+989121234567", "a:b", "a", "کاربر ۱", "*?[]{}", "\x00\xff"}
			for _, key := range keys {
				b.exhaust(t, key, limit)
			}
			for _, key := range keys {
				b.requireDenied(t, b.allow(t, key, limit), 2, 0)
			}
			b.requireAllowed(t, b.allow(t, "a:", limit), 2, 1)
		}},
	}
}

// allow runs one unit-cost attempt and requires it to succeed as a call.
func (b *testBundle) allow(t *testing.T, key string, limit ports.Limit) ports.Decision {
	t.Helper()
	d, err := b.limiter.Allow(t.Context(), key, limit)
	require.NoError(t, err)
	return d
}

// allowN runs one attempt costing n and requires it to succeed as a call.
func (b *testBundle) allowN(t *testing.T, key string, limit ports.Limit, n int) ports.Decision {
	t.Helper()
	d, err := b.limiter.AllowN(t.Context(), key, limit, n)
	require.NoError(t, err)
	return d
}

// exhaust uses up key's whole burst under limit in one attempt.
func (b *testBundle) exhaust(t *testing.T, key string, limit ports.Limit) {
	t.Helper()
	b.requireAllowed(t, b.allowN(t, key, limit, limit.EffectiveBurst()), limit.EffectiveBurst(), 0)
}

func (b *testBundle) requireAllowed(t *testing.T, d ports.Decision, limit, remaining int) {
	t.Helper()
	require.True(t, d.Allowed, "decision %+v", d)
	require.Equal(t, limit, d.Limit, "limit in %+v", d)
	require.Equal(t, remaining, d.Remaining, "remaining in %+v", d)
	require.Zero(t, d.RetryAfter, "retry after in %+v", d)
	require.Positive(t, d.ResetAfter, "reset after in %+v", d)
	require.NoError(t, d.Err())
}

func (b *testBundle) requireDenied(t *testing.T, d ports.Decision, limit, remaining int) {
	t.Helper()
	require.False(t, d.Allowed, "decision %+v", d)
	require.Equal(t, limit, d.Limit, "limit in %+v", d)
	require.Equal(t, remaining, d.Remaining, "remaining in %+v", d)
	require.Positive(t, d.RetryAfter, "retry after in %+v", d)
	require.GreaterOrEqual(t, d.ResetAfter, d.RetryAfter, "reset after in %+v", d)
	require.ErrorIs(t, d.Err(), core.ErrRateLimited, "err of %+v", d)
}

// requireNear requires got to be want, or less by at most countTolerance (time passes
// between attempts on a real clock), or more by at most a millisecond (float rounding).
func requireNear(t *testing.T, want, got time.Duration, what string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(what, args...)
	require.GreaterOrEqual(t, got, want-countTolerance, "%s: want about %s, got %s", msg, want, got)
	require.LessOrEqual(t, got, want+time.Millisecond, "%s: want about %s, got %s", msg, want, got)
}
