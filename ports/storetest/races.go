package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// race runs fn on n goroutines at once and counts nil results; any error other than the
// expected ones fails the test.
func race(t *testing.T, n int, fn func(i int) error, expected ...error) (wins int64) {
	t.Helper()
	var ok atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			err := fn(i)
			if err == nil {
				ok.Add(1)
				return
			}
			for _, e := range expected {
				if errors.Is(err, e) {
					return
				}
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	return ok.Load()
}

func raceCases() []testCase {
	return []testCase{
		{"ParallelDebitsOfOneWallet", func(t *testing.T, b *bundle) {
			// 64 buys of 10,000 rials against a wallet of 100,000: exactly ten win.
			u := b.newUser(t)
			b.deposit(t, u, 100_000)
			b.treasury(t, ledger.Gold, 1_000_000)
			wins := race(t, 64, func(int) error {
				j, err := ledger.BuyJournal(u, 9_950, 50, 10, "TXN")
				if err != nil {
					return err
				}
				return b.tryPost(t.Context(), j)
			}, core.ErrInsufficientFunds)
			require.EqualValues(t, 10, wins)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 0, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 100, 0)
		}},
		{"ParallelBuysAgainstTreasuryCap", func(t *testing.T, b *bundle) {
			// 48 users race for 30 lots of gold: exactly 30 buys win and the treasury ends at zero.
			const users = 48
			ids := make([]core.UserID, users)
			for i := range ids {
				ids[i] = b.newUser(t)
				b.deposit(t, ids[i], 1_000_000)
			}
			b.treasury(t, ledger.Gold, 30*7_000)
			wins := race(t, users, func(i int) error {
				j, err := ledger.BuyJournal(ids[i], 500_000, 2_500, 7_000, "TXN")
				if err != nil {
					return err
				}
				return b.tryPost(t.Context(), j)
			}, core.ErrInsufficientFunds)
			require.EqualValues(t, 30, wins)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 0, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.IRR), 30*500_000, 0)
		}},
		{"ParallelBuysAndSellsOfOneUser", func(t *testing.T, b *bundle) {
			// Buys lock IRR then gold, sells gold then IRR: the store must order its locks (or
			// retry deadlocks) so that nothing but insufficient funds ever surfaces.
			u := b.newUser(t)
			b.deposit(t, u, 5_000_000)
			b.treasury(t, ledger.Gold, 5_000_000)
			b.treasury(t, ledger.IRR, 5_000_000)
			wins := race(t, 64, func(i int) error {
				var j ledger.Journal
				var err error
				if i%2 == 0 {
					j, err = ledger.BuyJournal(u, 100_000, 500, 25_000, "TXN")
				} else {
					j, err = ledger.SellJournal(u, 20_000, 80_000, 400, "TXN")
				}
				if err != nil {
					return err
				}
				return b.tryPost(t.Context(), j)
			}, core.ErrInsufficientFunds)
			require.Positive(t, wins)
		}},
		{"ParallelReleaseAndSettle", func(t *testing.T, b *bundle) {
			// Each hold is released and settled at once, twice over: exactly one of the four
			// calls wins, the rest see invalid_state.
			u := b.newUser(t)
			b.deposit(t, u, 1_000_000)
			const holds = 10
			ids := make([]ledger.HoldID, holds)
			for i := range ids {
				ids[i] = b.placeHold(t, u, 60_000)
			}
			var settled atomic.Int64
			for _, id := range ids {
				wins := race(t, 4, func(i int) error {
					if i%2 == 0 {
						return b.release(t.Context(), id)
					}
					err := b.settle(t.Context(), id, 55_000, 5_000)
					if err == nil {
						settled.Add(1)
					}
					return err
				}, core.ErrInvalidState)
				require.EqualValues(t, 1, wins, "hold %d", id)
			}
			n := settled.Load()
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000_000-n*60_000, 0)
			b.requireBalance(t, ledger.PayableAccount(), n*55_000, 0)
			b.requireBalance(t, ledger.FeesAccount(), n*5_000, 0)
		}},
	}
}
