package pricefeedtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// returnDeadline is how long the suite waits for one fetch before it calls the feed hung. It
// is no timing assertion: a feed with a 200 ms timeout returns far sooner, and one that
// waits for a held answer never returns at all.
const returnDeadline = 10 * time.Second

// fetchWithin runs one fetch and fails the test when it has not returned by returnDeadline.
func fetchWithin(t *testing.T, ctx context.Context, feed ports.PriceFeed) (pricing.Price, error) {
	t.Helper()
	type result struct {
		price pricing.Price
		err   error
	}
	done := make(chan result, 1)
	go func() {
		p, err := feed.Fetch(ctx)
		done <- result{p, err}
	}()
	timer := time.NewTimer(returnDeadline)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.price, r.err
	case <-timer.C:
		require.FailNow(t, "the fetch did not return", "waited %s; the feed must give up on a silent upstream within its own timeout", returnDeadline)
		return pricing.Price{}, nil
	}
}

// failures are the failures every case that fails the upstream goes through.
var failures = []Failure{FailServerError, FailSlow, FailGarbage, FailMissingField}

func failureCases() []testCase {
	return []testCase{
		{"Failures", testFailures},
		{"RecoversAfterFailure", testRecoversAfterFailure},
	}
}

// testFailures checks how each failure reads, with a valid price offered behind it, and that
// the feed asked each upstream exactly once: none of these failures may be retried.
func testFailures(t *testing.T, newHarness NewHarnessFunc) {
	for _, f := range failures {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.Source.Offer(offer(0))
			if !h.Source.Fail(f) {
				t.Skipf("the source cannot fail with %s", f)
			}
			got, err := fetchWithin(t, t.Context(), h.Feed)
			requireUnavailable(t, got, err)
			require.Equal(t, h.upstreams(), h.Source.Requests(), "one request per upstream, no retry")
		})
	}
}

// testRecoversAfterFailure checks that a failure below the breaker's threshold leaves the
// feed usable: the next fetch returns the price once the upstream is healthy.
func testRecoversAfterFailure(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	want := offer(0)
	h.Source.Offer(want)
	if !h.Source.Fail(FailServerError) {
		t.Skip("the source cannot fail with a server error")
	}
	got, err := h.Feed.Fetch(t.Context())
	requireUnavailable(t, got, err)
	require.True(t, h.Source.Fail(FailNothing))
	got, err = h.Feed.Fetch(t.Context())
	require.NoError(t, err)
	requirePrice(t, want, got)
}
