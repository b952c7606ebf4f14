package ratelimittest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/ports"
)

func raceCases() []testCase {
	return []testCase{
		{"ParallelAttemptsOnOneKey", func(t *testing.T, b *testBundle) {
			const attempts = 50
			limit := ports.PerPeriod("trading.place_order", 10, time.Hour)
			decisions, errs := b.race(t, attempts, func(int) string { return "user-1" }, limit)
			for _, err := range errs {
				require.NoError(t, err)
			}

			var remaining []int
			for _, d := range decisions {
				if d.Allowed {
					remaining = append(remaining, d.Remaining)
					continue
				}
				b.requireDenied(t, d, 10, 0)
			}
			slices.Sort(remaining)
			require.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, remaining,
				"exactly the burst must get through, each seeing a distinct remaining count")
			b.requireDenied(t, b.allow(t, "user-1", limit), 10, 0)
		}},
		{"ParallelAttemptsOnManyKeys", func(t *testing.T, b *testBundle) {
			const keys, perKey = 20, 6
			limit := ports.PerPeriod("global.user", 3, time.Hour)
			key := func(i int) string { return fmt.Sprintf("user-%d", i%keys) }
			decisions, errs := b.race(t, keys*perKey, key, limit)
			for _, err := range errs {
				require.NoError(t, err)
			}

			allowed := map[string]int{}
			for i, d := range decisions {
				if d.Allowed {
					allowed[key(i)]++
				}
			}
			require.Len(t, allowed, keys)
			for k, n := range allowed {
				require.Equal(t, 3, n, "allowed attempts of %s", k)
			}
		}},
	}
}

// race runs n unit-cost attempts at once, attempt i on key(i), and returns each attempt's
// decision and error by index.
func (b *testBundle) race(t *testing.T, n int, key func(i int) string, limit ports.Limit) ([]ports.Decision, []error) {
	t.Helper()
	decisions := make([]ports.Decision, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			decisions[i], errs[i] = b.limiter.Allow(t.Context(), key(i), limit)
		})
	}
	close(start)
	wg.Wait()
	return decisions, errs
}
