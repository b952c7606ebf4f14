package memory_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/ratelimit/memory"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		clock := ratelimittest.NewClock()
		return ratelimittest.Harness{Limiter: setup(t, memory.Options{Clock: clock}).limiter, Advance: clock.Advance}
	})
}

func TestConformanceSystemClock(t *testing.T) {
	t.Parallel()
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		l, err := memory.New(memory.Options{})
		require.NoError(t, err)
		return ratelimittest.Harness{Limiter: l}
	})
}

// testBundle is a limiter and its clock.
type testBundle struct {
	limiter *memory.Limiter
	clock   *ratelimittest.Clock
}

// setup returns a limiter made with opts, on a manual clock unless opts has a clock.
func setup(t *testing.T, opts memory.Options) *testBundle {
	t.Helper()
	clock := ratelimittest.NewClock()
	if opts.Clock == nil {
		opts.Clock = clock
	}
	l, err := memory.New(opts)
	require.NoError(t, err)
	return &testBundle{limiter: l, clock: clock}
}

func (b *testBundle) allow(t *testing.T, key string, limit ports.Limit) ports.Decision {
	t.Helper()
	d, err := b.limiter.Allow(t.Context(), key, limit)
	require.NoError(t, err)
	return d
}

// TestExactTiming pins the GCRA arithmetic to the nanosecond on a manual clock, which the
// conformance suite cannot do for limiters on a real clock.
func TestExactTiming(t *testing.T) {
	t.Parallel()
	limit := ports.PerPeriod("auth.register", 5, time.Hour) // one unit back every 12 minutes
	const interval = 12 * time.Minute

	t.Run("DeniedUntilExactlyRetryAfter", func(t *testing.T) {
		t.Parallel()
		b := setup(t, memory.Options{})
		for range 5 {
			require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
		}
		b.clock.Advance(time.Minute)
		d := b.allow(t, "10.0.0.1", limit)
		require.Equal(t, ports.Decision{Limit: 5, RetryAfter: interval - time.Minute, ResetAfter: time.Hour - time.Minute}, d)

		b.clock.Advance(d.RetryAfter - time.Nanosecond)
		require.Equal(t, ports.Decision{Limit: 5, RetryAfter: time.Nanosecond, ResetAfter: time.Hour - interval + time.Nanosecond},
			b.allow(t, "10.0.0.1", limit))

		b.clock.Advance(time.Nanosecond)
		require.Equal(t, ports.Decision{Allowed: true, Limit: 5, ResetAfter: time.Hour},
			b.allow(t, "10.0.0.1", limit))
	})
	t.Run("UnitsComeBackOneIntervalAtATime", func(t *testing.T) {
		t.Parallel()
		for i := 1; i <= 5; i++ {
			b := setup(t, memory.Options{})
			d, err := b.limiter.AllowN(t.Context(), "10.0.0.1", limit, 5)
			require.NoError(t, err)
			require.Equal(t, ports.Decision{Allowed: true, Limit: 5, ResetAfter: time.Hour}, d)

			b.clock.Advance(time.Duration(i) * interval)
			require.Equal(t, ports.Decision{Allowed: true, Limit: 5, Remaining: i - 1, ResetAfter: time.Hour - time.Duration(i-1)*interval},
				b.allow(t, "10.0.0.1", limit), "after %d intervals", i)
		}
	})
	t.Run("IdleKeyHasFullBurst", func(t *testing.T) {
		t.Parallel()
		b := setup(t, memory.Options{})
		for range 5 {
			require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
		}
		b.clock.Advance(24 * time.Hour)
		require.Equal(t, ports.Decision{Allowed: true, Limit: 5, Remaining: 4, ResetAfter: interval},
			b.allow(t, "10.0.0.1", limit))
	})
	t.Run("ClockGoingBackwardsOnlyDelays", func(t *testing.T) {
		t.Parallel()
		b := setup(t, memory.Options{})
		for range 5 {
			require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
		}
		b.clock.Advance(-time.Hour)
		d := b.allow(t, "10.0.0.1", limit)
		require.False(t, d.Allowed)
		require.Equal(t, interval+time.Hour, d.RetryAfter)
	})
}

func TestSweep(t *testing.T) {
	t.Parallel()
	limit := ports.PerPeriod("auth.send_otp", 3, 5*time.Minute)

	t.Run("ExpiredKeysAreDroppedOnAccess", func(t *testing.T) {
		t.Parallel()
		b := setup(t, memory.Options{SweepInterval: 10 * time.Minute, MaxKeys: 1000}) // one shard
		for i := range 100 {
			require.True(t, b.allow(t, fmt.Sprintf("10.0.0.%d", i), limit).Allowed)
		}
		require.Equal(t, 100, b.limiter.Len())

		b.clock.Advance(5 * time.Minute) // every key has fully reset, but no sweep is due
		require.True(t, b.allow(t, "10.0.1.0", limit).Allowed)
		require.Equal(t, 101, b.limiter.Len())

		b.clock.Advance(5 * time.Minute) // a sweep is due: the next access drops every expired key
		require.True(t, b.allow(t, "10.0.2.0", limit).Allowed)
		require.Equal(t, 1, b.limiter.Len())
	})
	t.Run("EveryShardSweeps", func(t *testing.T) {
		t.Parallel()
		b := setup(t, memory.Options{SweepInterval: time.Minute}) // the default, sharded
		for i := range 1000 {
			require.True(t, b.allow(t, fmt.Sprintf("10.0.0.%d", i), limit).Allowed)
		}
		require.Equal(t, 1000, b.limiter.Len())

		b.clock.Advance(5 * time.Minute)
		for i := range 1000 {
			require.True(t, b.allow(t, fmt.Sprintf("10.0.1.%d", i), limit).Allowed)
		}
		require.Equal(t, 1000, b.limiter.Len(), "the 1000 expired keys of every shard must be gone")
	})
	t.Run("LiveKeysSurvive", func(t *testing.T) {
		t.Parallel()
		b := setup(t, memory.Options{SweepInterval: time.Second, MaxKeys: 1})
		require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
		require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
		require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
		b.clock.Advance(time.Minute) // a sweep is due; the key is still 4 minutes from reset
		require.False(t, b.allow(t, "10.0.0.1", limit).Allowed)
		require.Equal(t, 1, b.limiter.Len())
	})
}

func TestMaxKeys(t *testing.T) {
	t.Parallel()
	limit := ports.PerPeriod("auth.send_otp", 3, 5*time.Minute)
	b := setup(t, memory.Options{MaxKeys: 1, SweepInterval: time.Hour})

	require.True(t, b.allow(t, "10.0.0.1", limit).Allowed)
	d, err := b.limiter.Allow(t.Context(), "10.0.0.2", limit)
	require.ErrorIs(t, err, ports.ErrLimiterUnavailable)
	require.NotErrorIs(t, err, ports.ErrInvalidLimit)
	require.Zero(t, d)

	require.True(t, b.allow(t, "10.0.0.1", limit).Allowed, "a key already held is still served")

	b.clock.Advance(5 * time.Minute) // the held key has reset: a full shard sweeps early
	require.True(t, b.allow(t, "10.0.0.2", limit).Allowed)
	require.Equal(t, 1, b.limiter.Len())

	require.NoError(t, b.limiter.Reset(t.Context(), "10.0.0.2", limit))
	require.True(t, b.allow(t, "10.0.0.3", limit).Allowed, "reset frees room")
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts memory.Options
		ok   bool
	}{
		{"ZeroValue", memory.Options{}, true},
		{"Explicit", memory.Options{MaxKeys: 10, SweepInterval: time.Second, Clock: ratelimittest.NewClock()}, true},
		{"NegativeMaxKeys", memory.Options{MaxKeys: -1}, false},
		{"NegativeSweepInterval", memory.Options{SweepInterval: -time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := memory.New(tt.opts)
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, tt.opts.Validate())
				require.NotNil(t, l)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.ErrorIs(t, tt.opts.Validate(), core.ErrInvalidInput)
			require.Nil(t, l)
		})
	}
}
