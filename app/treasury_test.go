package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// TestMoveTreasuryOncePerReference moves gold in and out of the house treasury on each
// engine: a reference is recorded once even when eight moves of it race, a move out of more
// than the house holds is refused, and the ledger verifies.
func TestMoveTreasuryOncePerReference(t *testing.T) {
	t.Parallel()
	for _, engine := range jobEngines {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			store := engine.open(t)
			ctx := t.Context()
			now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
			in := app.TreasuryMove{Asset: ledger.Gold, Amount: 1_000_000_000, Reference: "INV-1403-0042", Reason: "refiner purchase"}

			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Go(func() { _, errs[i] = app.MoveTreasury(ctx, store, in, now) })
			}
			wg.Wait()
			moved := 0
			for _, err := range errs {
				if err == nil {
					moved++
					continue
				}
				require.ErrorIs(t, err, core.ErrAlreadyExists)
			}
			require.Equal(t, 1, moved, "one of eight racing moves of one reference is recorded")
			requireHouseGold(t, store, 1_000_000_000)

			out := app.TreasuryMove{Out: true, Asset: ledger.Gold, Amount: 300_000_000, Reference: "DLV-7", Reason: "delivered"}
			_, err := app.MoveTreasury(ctx, store, out, now)
			require.NoError(t, err)
			requireHouseGold(t, store, 700_000_000)

			tooMuch := app.TreasuryMove{Out: true, Asset: ledger.Gold, Amount: 700_000_001, Reference: "DLV-8", Reason: "delivered"}
			_, err = app.MoveTreasury(ctx, store, tooMuch, now)
			require.ErrorIs(t, err, core.ErrInsufficientFunds)
			requireHouseGold(t, store, 700_000_000)

			_, err = app.MoveTreasury(ctx, store, app.TreasuryMove{Asset: ledger.IRR, Amount: 5, Reference: "X-1"}, now)
			require.ErrorIs(t, err, core.ErrInvalidInput, "a move without a reason")

			require.NoError(t, store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
				report, err := tx.Ledger().Verify(ctx)
				require.NoError(t, err)
				require.True(t, report.OK(), "%+v", report)
				events, n, err := tx.Audit().List(ctx, ports.AuditFilter{Entity: "treasury"}, 0, 10)
				require.NoError(t, err)
				require.Equal(t, 2, n, "one event per recorded move")
				require.Equal(t, "treasury.out", events[0].Action)
				require.Equal(t, "treasury.in", events[1].Action)
				return nil
			}))
		})
	}
}

// requireHouseGold asserts the house treasury's available gold.
func requireHouseGold(t *testing.T, store app.Database, want int64) {
	t.Helper()
	require.NoError(t, store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		bal, err := tx.Ledger().Balance(ctx, ledger.HouseAccount(ledger.Gold))
		require.NoError(t, err)
		require.Equal(t, want, bal.Available)
		return nil
	}))
}
