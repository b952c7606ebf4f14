//go:build integration

package integration_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/workload"
	"github.com/talabin/talabin/ports"
)

// bankDuration is how long each bank run lasts: 10 s in `make test`, longer in
// `make test-soak` (TALABIN_BANK_DURATION=60s).
func bankDuration(t *testing.T) time.Duration {
	t.Helper()
	d := 10 * time.Second
	if v := os.Getenv("TALABIN_BANK_DURATION"); v != "" {
		var err error
		d, err = time.ParseDuration(v)
		require.NoError(t, err, "TALABIN_BANK_DURATION")
	}
	if testing.Short() {
		d = 2 * time.Second
	}
	return d
}

// TestBank is a Jepsen-style bank test: 64 workers move money and gold between random users
// and the house (buys, sells, deposits, withdrawal holds released or settled, sometimes two
// workers on one hold) while snapshot readers verify the whole ledger. Every read must find
// stored balances equal to the postings and each asset summing to zero; no user balance may go
// negative; the only errors allowed are refusals (insufficient funds, a hold already
// resolved); and work never stops for a second.
func TestBank(t *testing.T) {
	// Not parallel: the runs share two cores and a stall detector.
	for _, e := range engines {
		for _, users := range []int{10, 1_000} {
			t.Run(fmt.Sprintf("%s/Users%d", e.name, users), func(t *testing.T) {
				store := e.open(t)
				bank, err := workload.Setup(t.Context(), store, users, 50_000_000)
				require.NoError(t, err)
				res := bank.Run(t.Context(), workload.Config{
					Workers: 64, Readers: 2, Duration: bankDuration(t), Seed: uint64(users), RunID: "bank",
				})
				t.Logf("%s users=%d: %d committed (%.0f/s), %d refused, %d snapshot reads, p50 %s p99 %s, max stall %s",
					e.name, users, res.Committed, res.Throughput(), res.Rejected, res.Reads,
					res.Percentile(50), res.Percentile(99), res.MaxStall)
				require.Empty(t, res.Unexpected, "unexpected errors")
				require.Empty(t, res.ReadProblems, "snapshot reads saw broken invariants")
				require.Positive(t, res.Reads, "no snapshot read finished")
				require.Positive(t, res.Committed)
				require.Less(t, res.MaxStall, time.Second, "throughput was zero for a second or more")
				requireVerified(t, store)
			})
		}
	}
}

func requireVerified(t *testing.T, store ports.Store) {
	t.Helper()
	var rep ledger.Report
	require.NoError(t, store.Snapshot(context.Background(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		rep, err = tx.Ledger().Verify(ctx)
		return err
	}))
	require.True(t, rep.OK(), "ledger verify: %s", rep)
	t.Logf("ledger verify: %s", rep)
}
