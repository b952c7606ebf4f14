//go:build integration

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/integration/pgtest"
)

// TestScenariosWriteResults is `make load` in CI: all three scenarios for 2 s each on
// PostgreSQL, at low rates and with 8 users so that it costs seconds. It checks that the run
// passes (no failed request, the stored orders match the 201s, the ledger verifies) and
// that each scenario wrote a well-formed JSON result, a text summary and a self-contained
// chart. It asserts nothing about latency or throughput: the figures of a shared machine are
// reported, not tested.
func TestScenariosWriteResults(t *testing.T) {
	if testing.Short() {
		t.Skip("load scenarios need PostgreSQL")
	}
	dsn := os.Getenv(pgtest.EnvDatabaseURL)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set under CI", pgtest.EnvDatabaseURL)
		}
		t.Skipf("%s is not set", pgtest.EnvDatabaseURL)
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(),
		[]string{"-duration", "2s", "-warmup", "500ms", "-users", "8", "-price-rate", "100", "-mixed-rate", "50", "-out", dir},
		os.Getenv, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())

	tests := []struct {
		scenario      string
		endpoints     int
		wantOrders    bool
		wantObjective bool
	}{
		{scenario: "orders", endpoints: 1, wantOrders: true},
		{scenario: "prices", endpoints: 1, wantObjective: true},
		{scenario: "mixed", endpoints: 5, wantOrders: true},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, tt.scenario+".json"))
			require.NoError(t, err)
			var rep report
			require.NoError(t, json.Unmarshal(raw, &rep))
			require.Equal(t, tt.scenario, rep.Scenario)
			require.Empty(t, rep.Problems)
			require.True(t, rep.Stored.LedgerOK, rep.Stored.Ledger)
			require.Positive(t, rep.Total.Requests)
			require.Equal(t, rep.Total.Requests, rep.Total.OK)
			require.NotEmpty(t, rep.Total.PerSecond)
			require.Len(t, rep.Endpoints, tt.endpoints)
			for _, ep := range rep.Endpoints {
				require.Positive(t, ep.Requests, ep.Name)
			}
			if tt.wantOrders {
				require.Positive(t, rep.Stored.Answered201)
			}
			require.Equal(t, rep.Stored.Answered201, rep.Stored.Completed)
			require.Equal(t, tt.wantObjective, rep.Objective != nil)

			text, err := os.ReadFile(filepath.Join(dir, tt.scenario+".txt"))
			require.NoError(t, err)
			require.Contains(t, string(text), "problems: none")

			chart, err := os.ReadFile(filepath.Join(dir, rep.Chart))
			require.NoError(t, err)
			require.Contains(t, string(chart), "<svg")
			require.NotContains(t, string(chart), "<script")
			require.NotContains(t, string(chart), "src=")
		})
	}
}
