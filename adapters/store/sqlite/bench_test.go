package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// BenchmarkPostBuy measures buy journals (user rials and gold, house rials and gold, fees:
// five postings) committed per second on a file database with synchronous=FULL, each in its
// own transaction, by about 16 and 64 concurrent goroutines buying for distinct users.
func BenchmarkPostBuy(b *testing.B) {
	ctx := b.Context()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	require.NoError(b, s.Migrate(ctx))

	const users = 256
	ids := make([]core.UserID, users)
	require.NoError(b, s.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		for i := range ids {
			id, err := tx.Users().Create(ctx, identity.NewUser(fmt.Sprintf("+98912%07d", i), time.Now()))
			if err != nil {
				return err
			}
			if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
				return err
			}
			dep, err := ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), 1_000_000_000_000_000, "DEP")
			if err != nil {
				return err
			}
			if _, err := tx.Ledger().Post(ctx, dep); err != nil {
				return err
			}
			ids[i] = id
		}
		j, err := ledger.TreasuryInJournal(ledger.Gold, 1_000_000_000_000_000, "TRS")
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	}))

	for _, goroutines := range []int{16, 64} {
		parallelism := max(1, goroutines/runtime.GOMAXPROCS(0))
		b.Run(fmt.Sprintf("Goroutines%d", parallelism*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			var next atomic.Int64
			b.SetParallelism(parallelism)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				user := ids[next.Add(1)%users] // one user per goroutine
				for pb.Next() {
					j, err := ledger.BuyJournal(user, 1_000_000, 5_000, 100, "BUY")
					if err != nil {
						b.Error(err)
						return
					}
					err = s.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
						_, err := tx.Ledger().Post(ctx, j)
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "journals/s")
		})
	}
}
