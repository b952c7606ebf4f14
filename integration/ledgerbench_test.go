//go:build integration

package integration_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/integration/workload"
)

// BenchmarkLedgerBuy posts buy-shaped journals (user IRR debit under lock, fee, house IRR,
// house gold → user gold) at concurrency 16 and 64 on each store, with PostgreSQL's default
// synchronous_commit=on. `make bench-ledger` runs it; besides ns/op it reports journals/s,
// latency percentiles and the whole machine's CPU milliseconds per journal (database
// included, read from /proc/stat).
func BenchmarkLedgerBuy(b *testing.B) {
	for _, e := range engines {
		for _, c := range []int{16, 64} {
			b.Run(fmt.Sprintf("%s/C%d", e.name, c), func(b *testing.B) {
				store := e.open(b)
				bank, err := workload.Setup(b.Context(), store, 1_000, 1_000_000_000_000)
				require.NoError(b, err)
				cpu0 := machineCPUMillis(b)
				b.ResetTimer()
				res := bank.Run(b.Context(), workload.Config{
					Workers: c, MaxOps: int64(b.N), Seed: 1, RunID: "bench", Mix: workload.BuyOnly,
				})
				b.StopTimer()
				cpu := machineCPUMillis(b) - cpu0
				require.Empty(b, res.Unexpected)
				require.EqualValues(b, b.N, res.Committed)
				b.ReportMetric(res.Throughput(), "journals/s")
				b.ReportMetric(float64(res.Percentile(50).Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(res.Percentile(99).Microseconds())/1000, "p99-ms")
				b.ReportMetric(cpu/float64(res.Committed), "cpu-ms/journal")
			})
		}
	}
}

// machineCPUMillis returns the CPU time all processes on the machine have used, from the
// first line of /proc/stat (user, nice, system, irq, softirq, steal; USER_HZ = 100).
func machineCPUMillis(b *testing.B) float64 {
	b.Helper()
	raw, err := os.ReadFile("/proc/stat")
	require.NoError(b, err)
	fields := strings.Fields(strings.SplitN(string(raw), "\n", 2)[0])
	var ticks float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} { // skip idle (4) and iowait (5)
		v, err := strconv.ParseFloat(fields[i], 64)
		require.NoError(b, err)
		ticks += v
	}
	return ticks * 10
}
