package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestSummariseCountsAndPercentiles feeds 100 requests of 1 ms to 100 ms sent over two
// seconds, two of them failed, and checks the counts, the nearest-rank percentiles and the
// per-second series.
func TestSummariseCountsAndPercentiles(t *testing.T) {
	t.Parallel()
	samples := make([]sample, 0, 100)
	for i := 1; i <= 100; i++ {
		s := sample{At: time.Duration(i-1) * 20 * time.Millisecond, Latency: time.Duration(i) * time.Millisecond, Code: http.StatusCreated, OK: true}
		if i == 10 || i == 60 {
			s.Code, s.OK = http.StatusTooManyRequests, false
		}
		samples = append(samples, s)
	}
	st := summarise("place", samples, 2*time.Second, 2)

	require.Equal(t, 100, st.Requests)
	require.Equal(t, 98, st.OK)
	require.Equal(t, 2, st.Errors)
	require.InDelta(t, 50.0, st.Rate, 1e-9)
	require.InDelta(t, 49.0, st.OKRate, 1e-9)
	require.Equal(t, map[string]int{"201": 98, "429": 2}, st.Statuses)
	require.Equal(t, latency{Mean: 50.5, P50: 50, P95: 95, P99: 99, Max: 100}, st.LatencyMS)
	require.Equal(t, []second{
		{T: 0, Requests: 50, Errors: 1, P50: 25, P99: 50, Max: 50},
		{T: 1, Requests: 50, Errors: 1, P50: 75, P99: 100, Max: 100},
	}, st.PerSecond)
}

// TestPerSecondKeepsTheRunsSeconds checks that a request sent after the run's last second
// (the pacer's last tick) joins that second, and that a second with no request stays in
// the series, empty.
func TestPerSecondKeepsTheRunsSeconds(t *testing.T) {
	t.Parallel()
	got := perSecond([]sample{
		{At: 100 * time.Millisecond, Latency: time.Millisecond},
		{At: 3*time.Second + time.Millisecond, Latency: 3 * time.Millisecond},
	}, 3)
	require.Equal(t, []second{
		{T: 0, Requests: 1, Errors: 1, P50: 1, P99: 1, Max: 1},
		{T: 1},
		{T: 2, Requests: 1, Errors: 1, P50: 3, P99: 3, Max: 3},
	}, got)
}

func TestObjectiveJudge(t *testing.T) {
	t.Parallel()
	o := objective{Name: "p99 ≤ 10 ms", Limit: 10 * time.Millisecond}
	tests := []struct {
		name     string
		requests int
		p99      float64
		wantMet  bool
	}{
		{name: "Below", requests: 10, p99: 9.5, wantMet: true},
		{name: "AtTheLimit", requests: 10, p99: 10, wantMet: true},
		{name: "Above", requests: 10, p99: 10.001},
		{name: "NoRequests", requests: 0, p99: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := o.judge(stats{Requests: tt.requests, LatencyMS: latency{P99: tt.p99}})
			require.Equal(t, tt.wantMet, got.Met)
			require.InDelta(t, 10.0, got.LimitMS, 1e-9)
			require.InDelta(t, tt.p99, got.P99MS, 1e-9)
		})
	}
}

// TestRecorderMatchesEndpoints checks that results are matched to their endpoint by method
// and path (not query), that only the endpoint's own success status counts as OK, and that
// the first failure of each endpoint is kept.
func TestRecorderMatchesEndpoints(t *testing.T) {
	t.Parallel()
	const base = "http://127.0.0.1:1"
	rec := newRecorder([]endpoint{currentPrice, placeOrder})
	ch := make(chan *vegeta.Result, 5)
	ch <- &vegeta.Result{Method: http.MethodGet, URL: base + currentPrice.Path + "?x=1", Code: http.StatusOK, Timestamp: rec.start}
	ch <- &vegeta.Result{Method: http.MethodPost, URL: base + placeOrder.Path, Code: http.StatusCreated, Timestamp: rec.start}
	ch <- &vegeta.Result{Method: http.MethodPost, URL: base + placeOrder.Path, Code: http.StatusOK, Body: []byte("odd"), Timestamp: rec.start}
	ch <- &vegeta.Result{Method: http.MethodPost, URL: base + placeOrder.Path, Error: "timeout", Timestamp: rec.start}
	ch <- &vegeta.Result{Method: http.MethodGet, URL: base + placeOrder.Path, Code: http.StatusMethodNotAllowed, Timestamp: rec.start}
	close(ch)
	rec.drain(ch)

	require.Equal(t, []sample{
		{Code: http.StatusOK, Endpoint: 0, OK: true},
		{Code: http.StatusCreated, Endpoint: 1, OK: true},
		{Code: http.StatusOK, Endpoint: 1},
		{Code: 0, Endpoint: 1},
		{Code: http.StatusMethodNotAllowed, Endpoint: -1},
	}, rec.samples)
	require.Equal(t, map[int]string{1: "200  odd", -1: "405  "}, rec.firstError)
	require.Equal(t, int64(1), rec.count(1))
	require.Equal(t, int64(0), rec.count(-1))
}
