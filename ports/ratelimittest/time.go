package ratelimittest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/ports"
)

// timeCases let time pass, so their periods are short: on a real clock they sleep.
func timeCases() []testCase {
	return []testCase{
		{"AllowedAgainAfterRetryAfter", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.verify_otp", 2, time.Second)
			interval := limit.Interval()
			b.requireAllowed(t, b.allow(t, "user-1", limit), 2, 1)
			b.requireAllowed(t, b.allow(t, "user-1", limit), 2, 0)

			first := b.allow(t, "user-1", limit)
			b.requireDenied(t, first, 2, 0)
			require.LessOrEqual(t, first.RetryAfter, interval)
			for range 3 {
				d := b.allow(t, "user-1", limit)
				b.requireDenied(t, d, 2, 0)
				require.LessOrEqual(t, d.RetryAfter, first.RetryAfter+time.Millisecond, "a denial must not push the retry time back")
			}

			b.wait(first.RetryAfter)
			b.requireAllowed(t, b.allow(t, "user-1", limit), 2, 0)
			d := b.allow(t, "user-1", limit)
			b.requireDenied(t, d, 2, 0)
			require.LessOrEqual(t, d.RetryAfter, interval)
		}},
		{"FullBurstAfterResetAfter", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.login", 3, 600*time.Millisecond)
			b.requireAllowed(t, b.allow(t, "10.0.0.1", limit), 3, 2)
			b.requireAllowed(t, b.allow(t, "10.0.0.1", limit), 3, 1)
			last := b.allow(t, "10.0.0.1", limit)
			b.requireAllowed(t, last, 3, 0)
			require.LessOrEqual(t, last.ResetAfter, limit.Period)

			b.wait(last.ResetAfter)
			b.requireAllowed(t, b.allow(t, "10.0.0.1", limit), 3, 2)
		}},
	}
}
