package main

import (
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/talabin/talabin/integration/loadrig"
)

// TestCollectorCountsAndPercentiles feeds 100 results, 1 ms to 100 ms, two of them failures,
// and checks the counts and the nearest-rank percentiles.
func TestCollectorCountsAndPercentiles(t *testing.T) {
	t.Parallel()
	ch := make(chan *vegeta.Result, 100)
	for i := 1; i <= 100; i++ {
		r := &vegeta.Result{Code: http.StatusCreated, Latency: time.Duration(i) * time.Millisecond}
		switch i {
		case 10:
			r.Code, r.Error, r.Body = http.StatusTooManyRequests, "429 Too Many Requests", []byte(`{"success":false}`)
		case 20:
			r.Code, r.Error = 0, "timeout"
		}
		ch <- r
	}
	close(ch)
	c := newCollector("place", http.StatusCreated)
	c.drain(ch)
	o := c.finish(2 * time.Second)

	require.Equal(t, 100, o.Requests)
	require.Equal(t, 98, o.OK)
	require.Equal(t, 2, o.Errors)
	require.Equal(t, map[uint16]int{http.StatusCreated: 98, http.StatusTooManyRequests: 1, 0: 1}, o.Codes)
	require.Equal(t, `429 429 Too Many Requests {"success":false}`, o.FirstError)
	require.Equal(t, 50*time.Millisecond, o.P50)
	require.Equal(t, 99*time.Millisecond, o.P99)
	require.Equal(t, 100*time.Millisecond, o.Max)
	require.InDelta(t, 49.0, o.Rate(), 1e-9)
}

// TestPlaceTargeter checks the order bodies and that a keyed targeter gives each request
// a key of its own while the shared header stays unkeyed.
func TestPlaceTargeter(t *testing.T) {
	t.Parallel()
	u := loadrig.User{ID: 7, Token: "tok"}
	for _, keyed := range []bool{false, true} {
		tr := placeTargeter("http://127.0.0.1:1", u, keyed, "run", rand.New(rand.NewPCG(1, 2)))
		keys := map[string]bool{}
		for range 50 {
			var tgt vegeta.Target
			require.NoError(t, tr(&tgt))
			require.Equal(t, http.MethodPost, tgt.Method)
			require.Equal(t, "http://127.0.0.1:1/api/trading/orders/place_order/", tgt.URL)
			require.Regexp(t, `^\{"order_type":"buy","amount_irr":([1-9]\d{2}000|1000000)\}$`, string(tgt.Body))
			require.Equal(t, "Bearer tok", tgt.Header.Get("Authorization"))
			key := tgt.Header.Get("Idempotency-Key")
			if !keyed {
				require.Empty(t, key)
				continue
			}
			require.Regexp(t, `^bench-run-7-\d+$`, key)
			require.False(t, keys[key], "key %s repeated", key)
			keys[key] = true
		}
	}
}
