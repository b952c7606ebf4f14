package pricefeedtest

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/pricing"
)

func raceCases() []testCase {
	return []testCase{
		{"ConcurrentFetches", testConcurrentFetches},
	}
}

// testConcurrentFetches fetches from many goroutines through one feed while the source
// switches between two prices: every fetch succeeds and returns one of them whole, never the
// buy side of one with the sell side of the other.
func testConcurrentFetches(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	a, b := offer(0), offer(1)
	h.Source.Offer(a)
	const (
		fetchers = 8
		fetches  = 10
	)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		got  []pricing.Price
		errs []error
		stop = make(chan struct{})
	)
	var offers sync.WaitGroup
	offers.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				h.Source.Offer(b)
			} else {
				h.Source.Offer(a)
			}
			runtime.Gosched()
		}
	})
	for range fetchers {
		wg.Go(func() {
			for range fetches {
				p, err := h.Feed.Fetch(t.Context())
				mu.Lock()
				got = append(got, p)
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	offers.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, got, fetchers*fetches)
	for _, p := range got {
		if p.Buy == a.Buy {
			requirePrice(t, a, p)
		} else {
			requirePrice(t, b, p)
		}
	}
}
