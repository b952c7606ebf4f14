package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// placeHold puts a hold of amount on user's rial wallet and returns its id.
func (b *bundle) placeHold(t *testing.T, user core.UserID, amount int64) ledger.HoldID {
	t.Helper()
	h, err := ledger.NewHold(user, ledger.IRR, amount, "WD1")
	require.NoError(t, err)
	var id ledger.HoldID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Ledger().PlaceHold(ctx, h)
		return err
	})
	require.Positive(t, int64(id))
	return id
}

func (b *bundle) release(ctx context.Context, id ledger.HoldID) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().ReleaseHold(ctx, id)
		return err
	})
}

func (b *bundle) settle(ctx context.Context, id ledger.HoldID, amount, fee core.Rial) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().SettleHold(ctx, id, ledger.WithdrawalCredits(amount, fee))
		return err
	})
}

func holdCases() []testCase {
	return []testCase{
		{"HoldPlaceAndRelease", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 100_000)
			id := b.placeHold(t, u, 60_000)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 40_000, 60_000)
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				h, err := tx.Ledger().Hold(ctx, id)
				require.NoError(t, err)
				require.Equal(t, id, h.ID())
				require.Equal(t, ledger.HoldPlaced, h.State())
				require.EqualValues(t, 60_000, h.Amount())
				require.Equal(t, ledger.UserAccount(u, ledger.IRR), h.Account())
				require.Equal(t, "WD1", h.Reference())
				return nil
			}))
			require.NoError(t, b.release(t.Context(), id))
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 100_000, 0)
			require.ErrorIs(t, b.release(t.Context(), id), core.ErrInvalidState)
			require.ErrorIs(t, b.settle(t.Context(), id, 50_000, 10_000), core.ErrInvalidState)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 100_000, 0)
		}},
		{"HoldPlaceAndSettle", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 100_000)
			id := b.placeHold(t, u, 60_000)
			require.NoError(t, b.settle(t.Context(), id, 55_000, 5_000))
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 40_000, 0)
			b.requireBalance(t, ledger.PayableAccount(), 55_000, 0)
			b.requireBalance(t, ledger.FeesAccount(), 5_000, 0)
			require.ErrorIs(t, b.settle(t.Context(), id, 55_000, 5_000), core.ErrInvalidState)
			require.ErrorIs(t, b.release(t.Context(), id), core.ErrInvalidState)
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				h, err := tx.Ledger().Hold(ctx, id)
				require.NoError(t, err)
				require.Equal(t, ledger.HoldSettled, h.State())
				return nil
			}))
			payout, err := ledger.PayoutJournal(55_000, "WD1")
			require.NoError(t, err)
			b.post(t, payout)
			b.requireBalance(t, ledger.PayableAccount(), 0, 0)
		}},
		{"HoldSettleWithWrongCredits", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 100_000)
			id := b.placeHold(t, u, 60_000)
			require.ErrorIs(t, b.settle(t.Context(), id, 50_000, 5_000), core.ErrInvalidInput)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 40_000, 60_000)
			require.NoError(t, b.release(t.Context(), id))
		}},
		{"HoldInsufficient", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 10_000)
			h, err := ledger.NewHold(u, ledger.IRR, 10_001, "WD1")
			require.NoError(t, err)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().PlaceHold(ctx, h)
				return err
			})
			require.ErrorIs(t, err, core.ErrInsufficientFunds)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 10_000, 0)
		}},
		{"HoldNotFound", func(t *testing.T, b *bundle) {
			require.ErrorIs(t, b.release(t.Context(), 987654), core.ErrNotFound)
			require.ErrorIs(t, b.settle(t.Context(), 987654, 1, 0), core.ErrNotFound)
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().Hold(ctx, 987654)
				require.ErrorIs(t, err, core.ErrNotFound)
				return nil
			}))
		}},
		{"HeldAmountIsNotSpendable", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 100_000)
			b.treasury(t, ledger.Gold, 1_000_000)
			b.placeHold(t, u, 60_000)
			buy, err := ledger.BuyJournal(u, 50_000, 0, 10, "TXN1")
			require.NoError(t, err)
			require.ErrorIs(t, b.tryPost(t.Context(), buy), core.ErrInsufficientFunds)
			ok, err := ledger.BuyJournal(u, 40_000, 0, 10, "TXN2")
			require.NoError(t, err)
			b.post(t, ok)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 0, 60_000)
		}},
	}
}
