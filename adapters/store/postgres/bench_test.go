package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// BenchmarkPostBuy measures the hot path: buy journals (user rials and gold, house rials and
// gold, fees) of distinct, pre-funded users, each in a transaction of its own, from 32
// goroutines per GOMAXPROCS (64 on two cores), with pools of several sizes. It reports
// journals per second, the 50th and 99th percentile latency of one InTx (pool wait
// included), and how many transactions were retried and how many postings took the shard
// fallback (the first buys after the treasury was stocked into one shard). It is a probe, not
// a test: run it with
//
//	go test -run '^$' -bench BenchmarkPostBuy -benchtime 30000x ./adapters/store/postgres/
func BenchmarkPostBuy(b *testing.B) {
	for _, conns := range []int32{4, 8, 16} {
		b.Run(fmt.Sprintf("Conns%d", conns), func(b *testing.B) {
			benchmarkPostBuy(b, conns)
		})
	}
}

func benchmarkPostBuy(b *testing.B, conns int32) {
	const (
		users       = 2_000
		parallelism = 32
	)
	events := &countingHandler{}
	bundle := setup(b, postgres.Options{MaxConns: conns, Logger: slog.New(events)})
	ids := benchUsers(b, bundle, users)
	events.retries.Store(0)
	events.fallbacks.Store(0)
	buys := make([]ledger.Journal, len(ids))
	for i, id := range ids {
		j, err := ledger.BuyJournal(id, 1_000_000, 5_000, 25, fmt.Sprintf("TXN%d", i))
		require.NoError(b, err)
		buys[i] = j
	}

	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies []time.Duration
	)
	b.SetParallelism(parallelism)
	b.ResetTimer()
	started := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		var mine []time.Duration
		for pb.Next() {
			j := buys[next.Add(1)%int64(len(buys))]
			t0 := time.Now()
			err := bundle.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().Post(ctx, j)
				return err
			})
			mine = append(mine, time.Since(t0))
			if err != nil {
				b.Error(err)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(started)
	b.StopTimer()
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "journals/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(events.retries.Load()), "retries")
	b.ReportMetric(float64(events.fallbacks.Load()), "fallbacks")
	r := bundle.verify(b)
	require.True(b, r.OK(), "%s", r)
}

// benchUsers registers n users with funded rial wallets and stocks the treasury.
func benchUsers(b testing.TB, bundle *testBundle, n int) []core.UserID {
	b.Helper()
	bundle.mustPost(b, built(b)(ledger.TreasuryInJournal(ledger.Gold, 1_000_000_000_000, "treasury")))
	ids := make([]core.UserID, 0, n)
	const batch = 200
	for start := 0; start < n; start += batch {
		var created []core.UserID
		require.NoError(b, bundle.store.InTx(b.Context(), func(ctx context.Context, tx ports.Tx) error {
			created = created[:0]
			for i := start; i < min(start+batch, n); i++ {
				id, err := tx.Users().Create(ctx, identity.NewUser(fmt.Sprintf("+98912%07d", i), bundle.now))
				if err != nil {
					return err
				}
				if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
					return err
				}
				j, err := ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), 1_000_000_000_000, "dep")
				if err != nil {
					return err
				}
				if _, err := tx.Ledger().Post(ctx, j); err != nil {
					return err
				}
				created = append(created, id)
			}
			return nil
		}))
		ids = append(ids, created...)
	}
	return ids
}

// countingHandler counts the store's retries and shard fallbacks.
type countingHandler struct {
	retries, fallbacks atomic.Int64
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	switch {
	case strings.Contains(r.Message, "retrying"):
		h.retries.Add(1)
	case strings.Contains(r.Message, "outside the one-statement path"):
		h.fallbacks.Add(1)
	}
	return nil
}

func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h *countingHandler) WithGroup(string) slog.Handler { return h }
