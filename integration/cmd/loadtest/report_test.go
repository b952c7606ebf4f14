package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sampleReport is a two-endpoint run of three seconds with a missed objective and a
// problem.
func sampleReport() report {
	secs := []second{
		{T: 0, Requests: 10, P50: 0.5, P99: 4, Max: 5},
		{T: 1},
		{T: 2, Requests: 12, Errors: 1, P50: 0.7, P99: 40, Max: 45},
	}
	st := func(name string) stats {
		return stats{Name: name, Requests: 22, OK: 21, Errors: 1, Rate: 7.3, OKRate: 7,
			LatencyMS: latency{P50: 0.6, P95: 30, P99: 40, Max: 45}, Statuses: map[string]int{"200": 21, "0": 1}, PerSecond: secs}
	}
	return report{
		Scenario: "mixed", Load: "open loop <test>", Command: "loadtest -scenario mixed", Started: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC),
		DurationS: 3, ElapsedS: 3.01, WarmupS: 0,
		Total:     st("all requests"),
		Endpoints: []stats{st("GET a/"), st("POST b/")},
		Objective: &objective{Name: "p99 ≤ 10 ms", LimitMS: 10, P99MS: 40},
		Stored:    storedCheck{Answered201: 3, Completed: 3, Audited: 3, LedgerOK: true, Ledger: "ok"},
		Problems:  []string{"GET a/: 1 of 22 requests failed"},
		Chart:     "mixed.html",
	}
}

func TestSummaryReportsFiguresObjectiveAndProblems(t *testing.T) {
	t.Parallel()
	got := summary(sampleReport())
	for _, want := range []string{
		"loadtest mixed: open loop <test>\ncommand: loadtest -scenario mixed\n",
		"GET a/", "POST b/", "all requests", "0×1 200×21",
		"objective p99 ≤ 10 ms: NOT met (p99 40.00 ms over 22 requests)",
		"the slowest second, t=2 s, p99 40.00 ms max 45.00 ms",
		"stored: 3 place_order answers 201 (warm-up included); 3 orders completed, 0 failed, 0 other; 3 order.place audit events",
		"PROBLEM: GET a/: 1 of 22 requests failed",
		"chart: mixed.html",
	} {
		require.Contains(t, got, want)
	}
	require.NotContains(t, got, "problems: none")
}

// TestDrawChartIsSelfContained checks the page has a panel per endpoint, one for all
// requests and one for the rate, the objective's line, escaped text, and nothing to fetch or
// run.
func TestDrawChartIsSelfContained(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	require.NoError(t, drawChart(&b, sampleReport()))
	page := b.String()
	require.Equal(t, 4, strings.Count(page, "<svg "))
	require.Equal(t, 9, strings.Count(page, "<polyline "), "p50, p99 and max in each latency panel")
	require.Equal(t, 3, strings.Count(page, `stroke-dasharray="6 4"`), "the objective in each latency panel")
	require.Contains(t, page, "open loop &lt;test&gt;")
	require.NotContains(t, page, "<test>")
	require.NotContains(t, page, "<script")
	require.NotContains(t, page, "src=")
	require.NotContains(t, page, "href=")
}

func TestNiceCeil(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want float64 }{{0, 1}, {0.3, 0.5}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {1001, 2000}} {
		require.InDelta(t, tt.want, niceCeil(tt.in), 1e-9, "niceCeil(%g)", tt.in)
	}
}
