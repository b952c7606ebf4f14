package ratelimittest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/ports"
)

func errorCases() []testCase {
	return []testCase{
		{"InvalidLimitIsRejected", func(t *testing.T, b *testBundle) {
			valid := ports.PerPeriod("auth.login", 10, time.Hour)
			tests := []struct {
				name  string
				limit func(l ports.Limit) ports.Limit
			}{
				{"ZeroLimit", func(ports.Limit) ports.Limit { return ports.Limit{} }},
				{"EmptyName", func(l ports.Limit) ports.Limit { l.Name = ""; return l }},
				{"NameWithColon", func(l ports.Limit) ports.Limit { l.Name = "auth:login"; return l }},
				{"NameWithSpace", func(l ports.Limit) ports.Limit { l.Name = "auth login"; return l }},
				{"NameTooLong", func(l ports.Limit) ports.Limit { l.Name = strings.Repeat("a", ports.MaxLimitNameLen+1); return l }},
				{"ZeroRate", func(l ports.Limit) ports.Limit { l.Rate = 0; return l }},
				{"NegativeRate", func(l ports.Limit) ports.Limit { l.Rate = -1; return l }},
				{"RateTooHigh", func(l ports.Limit) ports.Limit { l.Rate = ports.MaxLimitRate + 1; return l }},
				{"ZeroPeriod", func(l ports.Limit) ports.Limit { l.Period = 0; return l }},
				{"NegativePeriod", func(l ports.Limit) ports.Limit { l.Period = -time.Hour; return l }},
				{"PeriodTooShort", func(l ports.Limit) ports.Limit { l.Period = ports.MinLimitPeriod - 1; return l }},
				{"PeriodTooLong", func(l ports.Limit) ports.Limit { l.Period = ports.MaxLimitPeriod + 1; return l }},
				{"NegativeBurst", func(l ports.Limit) ports.Limit { l.Burst = -1; return l }},
				{"BurstTooHigh", func(l ports.Limit) ports.Limit { l.Burst = ports.MaxLimitRate + 1; return l }},
				{"IntervalTooShort", func(ports.Limit) ports.Limit {
					return ports.Limit{Name: "x", Rate: ports.MaxLimitRate, Period: ports.MinLimitPeriod}
				}},
				{"BurstRefillTooLong", func(ports.Limit) ports.Limit {
					return ports.Limit{Name: "x", Rate: 1, Period: ports.MaxLimitPeriod, Burst: 2}
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					limit := tt.limit(valid)
					require.ErrorIs(t, limit.Validate(), ports.ErrInvalidLimit)

					d, err := b.limiter.Allow(t.Context(), "10.0.0.1", limit)
					requireInvalid(t, err)
					require.Zero(t, d)
					d, err = b.limiter.AllowN(t.Context(), "10.0.0.1", limit, 1)
					requireInvalid(t, err)
					require.Zero(t, d)
					requireInvalid(t, b.limiter.Reset(t.Context(), "10.0.0.1", limit))
				})
			}
		}},
		{"InvalidCallIsRejected", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.login", 3, time.Hour)
			longKey := strings.Repeat("k", ports.MaxRateLimitKeyLen+1)
			tests := []struct {
				name string
				key  string
				cost int
			}{
				{"EmptyKey", "", 1},
				{"KeyTooLong", longKey, 1},
				{"ZeroCost", "10.0.0.1", 0},
				{"NegativeCost", "10.0.0.1", -1},
				{"CostAboveBurst", "10.0.0.1", 4},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					require.ErrorIs(t, limit.ValidateAllow(tt.key, tt.cost), ports.ErrInvalidLimit)
					d, err := b.limiter.AllowN(t.Context(), tt.key, limit, tt.cost)
					requireInvalid(t, err)
					require.Zero(t, d)
				})
			}
			t.Run("ResetWithBadKey", func(t *testing.T) {
				t.Parallel()
				for _, key := range []string{"", longKey} {
					requireInvalid(t, limit.ValidateReset(key))
					requireInvalid(t, b.limiter.Reset(t.Context(), key, limit))
					d, err := b.limiter.Allow(t.Context(), key, limit)
					requireInvalid(t, err)
					require.Zero(t, d)
				}
			})
		}},
		{"RejectedCallConsumesNothing", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.login", 3, time.Hour)
			_, err := b.limiter.AllowN(t.Context(), "10.0.0.1", limit, 4)
			requireInvalid(t, err)
			b.requireAllowed(t, b.allowN(t, "10.0.0.1", limit, 3), 3, 0)
		}},
		{"BoundaryLimitsAreAccepted", func(t *testing.T, b *testBundle) {
			tests := []struct {
				name  string
				limit ports.Limit
				key   string
			}{
				{"Register", ports.PerPeriod("auth.register", 5, time.Hour), "10.0.0.1"},
				{"SendOTP", ports.PerPeriod("auth.send_otp", 3, 5*time.Minute), "10.0.0.1"},
				{"VerifyOTP", ports.PerPeriod("auth.verify_otp", 5, 10*time.Minute), "10.0.0.1|+989121234567"},
				{"GlobalIP", ports.PerPeriod("global.ip", 600, time.Minute), "10.0.0.1"},
				{"ExportPerDay", ports.PerPeriod("gdpr.export", 3, 24*time.Hour), "user-1"},
				{"FastestInterval", ports.PerPeriod("a", ports.MaxLimitRate, time.Second), "10.0.0.1"},
				{"ShortestPeriod", ports.PerPeriod("b", 1, ports.MinLimitPeriod), "10.0.0.1"},
				{"LongestPeriod", ports.PerPeriod("c", 1, ports.MaxLimitPeriod), "10.0.0.1"},
				{"LargestBurst", ports.Limit{Name: "d", Rate: 1000, Period: time.Minute, Burst: ports.MaxLimitRate}, "10.0.0.1"},
				{"LongestName", ports.PerPeriod(strings.Repeat("n", ports.MaxLimitNameLen), 1, time.Hour), "10.0.0.1"},
				{"LongestKey", ports.PerPeriod("e", 2, time.Hour), strings.Repeat("k", ports.MaxRateLimitKeyLen)},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					require.NoError(t, tt.limit.Validate())
					key := tt.key
					d := b.allow(t, key, tt.limit)
					burst := tt.limit.EffectiveBurst()
					require.True(t, d.Allowed, "decision %+v", d)
					require.Equal(t, burst, d.Limit)
					require.Equal(t, burst-1, d.Remaining, "decision %+v", d)
					require.NoError(t, b.limiter.Reset(t.Context(), key, tt.limit))
				})
			}
		}},
		{"CanceledContext", func(t *testing.T, b *testBundle) {
			limit := ports.PerPeriod("auth.login", 3, time.Hour)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()

			d, err := b.limiter.Allow(ctx, "10.0.0.1", limit)
			require.ErrorIs(t, err, context.Canceled)
			require.Zero(t, d)
			d, err = b.limiter.AllowN(ctx, "10.0.0.1", limit, 2)
			require.ErrorIs(t, err, context.Canceled)
			require.Zero(t, d)
			require.ErrorIs(t, b.limiter.Reset(ctx, "10.0.0.1", limit), context.Canceled)

			b.requireAllowed(t, b.allowN(t, "10.0.0.1", limit, 3), 3, 0)
		}},
	}
}

// requireInvalid requires err to report a call the limiter can never answer, not an outage.
func requireInvalid(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, ports.ErrInvalidLimit)
	require.NotErrorIs(t, err, ports.ErrLimiterUnavailable)
}
