package ratelimittest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/ports"
)

func resetCases() []testCase {
	return []testCase{
		{"ResetClearsKey", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.login_failures", 3, 15*time.Minute)
			b.exhaust(t, "+989121234567", limit)
			b.exhaust(t, "+989121234568", limit)

			require.NoError(t, b.limiter.Reset(t.Context(), "+989121234567", limit))
			b.requireAllowed(t, b.allow(t, "+989121234567", limit), 3, 2)
			b.requireDenied(t, b.allow(t, "+989121234568", limit), 3, 0)
		}},
		{"ResetIsScopedToLimitName", func(t *testing.T, b *testBundle) {
			login := ports.PerPeriod("auth.login", 10, time.Hour)
			register := ports.PerPeriod("auth.register", 5, time.Hour)
			b.exhaust(t, "10.0.0.1", login)
			b.exhaust(t, "10.0.0.1", register)

			require.NoError(t, b.limiter.Reset(t.Context(), "10.0.0.1", register))
			b.requireDenied(t, b.allow(t, "10.0.0.1", login), 10, 0)
			b.requireAllowed(t, b.allow(t, "10.0.0.1", register), 5, 4)
		}},
		{"ResetIgnoresRateAndPeriod", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.change_password", 5, time.Hour)
			b.exhaust(t, "user-1", limit)

			other := ports.Limit{Name: limit.Name, Rate: 1, Period: time.Minute, Burst: 2}
			require.NoError(t, b.limiter.Reset(t.Context(), "user-1", other))
			b.requireAllowed(t, b.allow(t, "user-1", limit), 5, 4)
		}},
		{"ResetIsIdempotent", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.login_failures", 3, 15*time.Minute)
			require.NoError(t, b.limiter.Reset(t.Context(), "never-used", limit))
			require.NoError(t, b.limiter.Reset(t.Context(), "never-used", limit))
			b.requireAllowed(t, b.allow(t, "never-used", limit), 3, 2)
			require.NoError(t, b.limiter.Reset(t.Context(), "never-used", limit))
			require.NoError(t, b.limiter.Reset(t.Context(), "never-used", limit))
			b.requireAllowed(t, b.allow(t, "never-used", limit), 3, 2)
		}},
	}
}
