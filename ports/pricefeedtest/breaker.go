package pricefeedtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

// cancelAfter is how long the caller-gives-up cases wait before giving up: well inside the
// feed's timeout, so the caller is first.
const cancelAfter = 30 * time.Millisecond

func breakerCases() []testCase {
	return []testCase{
		{"BreakerOpensAndFailsFast", testBreakerOpens},
		{"InvalidPricesOpenBreaker", testInvalidPricesOpenBreaker},
	}
}

// testBreakerOpens checks that BreakerThreshold consecutive failed fetches open the breaker,
// after which fetches fail fast with core.ErrPriceUnavailable without calling the upstream,
// even once it is healthy again (the breaker's open period outlasts the test). Behind a
// chain, every upstream's breaker must open.
func testBreakerOpens(t *testing.T, newHarness NewHarnessFunc) {
	for _, f := range failures {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h.BreakerThreshold == 0 {
				t.Skip("the feed has no breaker")
			}
			h.Source.Offer(offer(0))
			if !h.Source.Fail(f) {
				t.Skipf("the source cannot fail with %s", f)
			}
			for i := range h.BreakerThreshold {
				got, err := fetchWithin(t, t.Context(), h.Feed)
				requireUnavailable(t, got, err)
				require.Equal(t, (i+1)*h.upstreams(), h.Source.Requests())
			}
			before := h.Source.Requests()
			require.True(t, h.Source.Fail(FailNothing))
			got, err := h.Feed.Fetch(t.Context())
			requireUnavailable(t, got, err)
			require.Equal(t, before, h.Source.Requests(), "an open breaker must not call the upstream")
		})
	}
}

// testInvalidPricesOpenBreaker checks that an upstream answering absurd prices counts as
// failing: it is broken from the platform's point of view, and a chain should move past it
// without asking.
func testInvalidPricesOpenBreaker(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	if h.BreakerThreshold == 0 {
		t.Skip("the feed has no breaker")
	}
	absurd := offer(0)
	absurd.Buy, absurd.Sell = absurd.Sell, absurd.Buy
	h.Source.Offer(absurd)
	for range h.BreakerThreshold {
		got, err := h.Feed.Fetch(t.Context())
		requireUnavailable(t, got, err)
	}
	before := h.Source.Requests()
	h.Source.Offer(offer(1))
	got, err := h.Feed.Fetch(t.Context())
	requireUnavailable(t, got, err)
	require.Equal(t, before, h.Source.Requests(), "an open breaker must not call the upstream")
}

func contextCases() []testCase {
	return []testCase{
		{"CanceledBeforeFetch", testCanceledBeforeFetch},
		{"CallerGivingUpDoesNotOpenBreaker", testCallerGivingUp},
	}
}

// testCanceledBeforeFetch checks that a context that already ended stops the fetch before
// any request and reads as the context's error, not as an unavailable price.
func testCanceledBeforeFetch(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	h.Source.Offer(offer(0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	got, err := h.Feed.Fetch(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, core.ErrPriceUnavailable)
	require.Zero(t, got)
	require.Zero(t, h.Source.Requests())
}

// testCallerGivingUp checks that a caller who cancels, or whose own deadline passes, while
// the upstream is slow gets the context's error, and that this is no breaker failure.
func testCallerGivingUp(t *testing.T, newHarness NewHarnessFunc) {
	tests := []struct {
		name   string
		ctx    func(parent context.Context) (context.Context, context.CancelFunc)
		target error
	}{
		{"Cancel", func(parent context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(parent)
			stop := time.AfterFunc(cancelAfter, cancel)
			return ctx, func() { stop.Stop(); cancel() }
		}, context.Canceled},
		{"Deadline", func(parent context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(parent, cancelAfter)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h.BreakerThreshold == 0 {
				t.Skip("the feed has no breaker")
			}
			want := offer(0)
			h.Source.Offer(want)
			if !h.Source.Fail(FailSlow) {
				t.Skip("the source cannot answer slowly")
			}
			for range h.BreakerThreshold + 1 {
				ctx, cancel := tt.ctx(t.Context())
				got, err := fetchWithin(t, ctx, h.Feed)
				cancel()
				require.ErrorIs(t, err, tt.target)
				require.NotErrorIs(t, err, core.ErrPriceUnavailable)
				require.Zero(t, got)
			}
			require.True(t, h.Source.Fail(FailNothing))
			before := h.Source.Requests()
			got, err := h.Feed.Fetch(t.Context())
			require.NoError(t, err, "a caller giving up must not open the breaker")
			requirePrice(t, want, got)
			require.Equal(t, before+1, h.Source.Requests())
		})
	}
}
