package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// BenchmarkAuditAppendParallel measures what the audit log costs the transactions that append
// to it, from 32 goroutines on a pool of 8 connections. Only appends one event per
// transaction, each goroutine as an actor of its own; WithBuy posts a buy journal of a
// distinct, pre-funded user and then appends that user's event, as an order does. OneActor
// is Only with every event by one actor: all in one chain, as the log was before it was split
// into chains. Appenders of one chain are serialized from their append until their commit
// (the chain's lock), so OneActor is the ceiling of audited writes per second on one chain.
// It reports transactions per second and the 50th and 99th percentile latency of one InTx.
// It is a probe, not a test: run it with
//
//	go test -run '^$' -bench BenchmarkAuditAppendParallel -benchtime 3000x ./adapters/store/postgres/
func BenchmarkAuditAppendParallel(b *testing.B) {
	for _, mode := range []auditBenchMode{auditBenchOnly, auditBenchWithBuy, auditBenchOneActor} {
		b.Run(mode.String(), func(b *testing.B) {
			benchmarkAuditAppend(b, mode)
		})
	}
}

// auditBenchMode is what each transaction of [BenchmarkAuditAppendParallel] does.
type auditBenchMode int

const (
	auditBenchOnly auditBenchMode = iota
	auditBenchWithBuy
	auditBenchOneActor
)

func (m auditBenchMode) String() string {
	return [...]string{"Only", "WithBuy", "OneActor"}[m]
}

func benchmarkAuditAppend(b *testing.B, mode auditBenchMode) {
	const (
		users       = 500
		parallelism = 32
	)
	bundle := setup(b, postgres.Options{MaxConns: 8})
	var (
		buyers []core.UserID
		buys   []ledger.Journal
	)
	if mode == auditBenchWithBuy {
		buyers = benchUsers(b, bundle, users)
		for i, id := range buyers {
			buys = append(buys, built(b)(ledger.BuyJournal(id, 1_000_000, 5_000, 25, fmt.Sprintf("TXN%d", i))))
		}
	}

	var (
		next, workers atomic.Int64
		mu            sync.Mutex
		latencies     []time.Duration
	)
	b.SetParallelism(parallelism)
	b.ResetTimer()
	started := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		actor := core.UserID(workers.Add(1))
		if mode == auditBenchOneActor {
			actor = 7
		}
		var mine []time.Duration
		for pb.Next() {
			n := next.Add(1)
			e := ports.AuditEvent{
				At: bundle.now, ActorID: actor, ActorRole: "user", Action: "order.place", Entity: "order",
				EntityID: strconv.FormatInt(n, 10), IP: "203.0.113.7", UserAgent: "bench", RequestID: "req",
			}
			if mode == auditBenchWithBuy {
				e.ActorID = buyers[n%int64(len(buyers))]
			}
			t0 := time.Now()
			err := bundle.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
				if mode == auditBenchWithBuy {
					if _, err := tx.Ledger().Post(ctx, buys[n%int64(len(buys))]); err != nil {
						return err
					}
				}
				_, err := tx.Audit().Append(ctx, e)
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
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "txs/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	requireAuditChained(b, bundle.store)
}

// requireAuditChained checks the whole audit log's hash chains.
func requireAuditChained(b *testing.B, store *postgres.Store) {
	b.Helper()
	var v audit.Verifier
	require.NoError(b, store.Snapshot(b.Context(), func(ctx context.Context, tx ports.Tx) error {
		var after int64
		for {
			page, err := tx.Audit().Chain(ctx, after, 1000)
			if err != nil || len(page) == 0 {
				return err
			}
			for _, e := range page {
				if err := v.Add(e.Sealed()); err != nil {
					return err
				}
			}
			after = page[len(page)-1].ID
		}
	}))
	require.Positive(b, v.Entries())
}
