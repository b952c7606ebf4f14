package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

var errRollback = errors.New("storetest: roll back")

func ledgerCases() []testCase {
	return []testCase{
		{"FreshStoreVerifies", func(t *testing.T, b *bundle) {
			r := b.report(t)
			require.True(t, r.OK(), "%s", r)
			require.Zero(t, r.Journals)
			require.GreaterOrEqual(t, r.Accounts, len(ledger.SystemAccounts()))
		}},
		{"OpenUserAccountsIsIdempotent", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				return tx.Ledger().OpenUserAccounts(ctx, u)
			})
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 0, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 0, 0)
		}},
		{"BalanceOfUnopenedAccount", func(t *testing.T, b *bundle) {
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().Balance(ctx, ledger.UserAccount(987654, ledger.IRR))
				require.ErrorIs(t, err, core.ErrNotFound)
				_, err = tx.Ledger().Balance(ctx, ledger.ClearingAccount("nogateway"))
				require.ErrorIs(t, err, core.ErrNotFound)
				return nil
			}))
		}},
		{"PostToUnopenedAccount", func(t *testing.T, b *bundle) {
			j, err := ledger.DepositJournal(987654, ledger.ExternalAccount(ledger.IRR), 1000, "dep")
			require.NoError(t, err)
			require.ErrorIs(t, b.tryPost(t.Context(), j), core.ErrNotFound)
		}},
		{"DepositBuySell", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.treasury(t, ledger.Gold, 5_000_000)
			b.deposit(t, u, 2_000_000)
			buy, err := ledger.BuyJournal(u, 1_000_000, 5_000, 250_000, "TXN1")
			require.NoError(t, err)
			b.post(t, buy)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 995_000, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 250_000, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 4_750_000, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.IRR), 1_000_000, 0)
			b.requireBalance(t, ledger.FeesAccount(), 5_000, 0)

			sell, err := ledger.SellJournal(u, 100_000, 390_000, 1_950, "TXN2")
			require.NoError(t, err)
			b.post(t, sell)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 995_000+388_050, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 150_000, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 4_850_000, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.IRR), 610_000, 0)
			b.requireBalance(t, ledger.FeesAccount(), 6_950, 0)
			b.requireBalance(t, ledger.ExternalAccount(ledger.IRR), -2_000_000, 0)
			b.requireBalance(t, ledger.ExternalAccount(ledger.Gold), -5_000_000, 0)
			r := b.report(t)
			require.EqualValues(t, 4, r.Journals)
		}},
		{"ClearingDeposit", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			for range 2 {
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					return tx.Ledger().OpenClearingAccount(ctx, "zarinpal")
				})
			}
			j, err := ledger.DepositJournal(u, ledger.ClearingAccount("zarinpal"), 70_000, "dep")
			require.NoError(t, err)
			b.post(t, j)
			b.requireBalance(t, ledger.ClearingAccount("zarinpal"), -70_000, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 70_000, 0)
		}},
		{"InsufficientUserBalanceChangesNothing", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.treasury(t, ledger.Gold, 5_000_000)
			b.deposit(t, u, 1_000_000)
			before := b.report(t)
			buy, err := ledger.BuyJournal(u, 1_000_000, 5_000, 250_000, "TXN1")
			require.NoError(t, err)
			err = b.tryPost(t.Context(), buy)
			require.ErrorIs(t, err, core.ErrInsufficientFunds)
			var insufficient *ledger.InsufficientFundsError
			require.ErrorAs(t, err, &insufficient)
			require.Equal(t, ledger.UserAccount(u, ledger.IRR), insufficient.Account)
			require.Equal(t, ledger.Available, insufficient.Bucket)
			require.EqualValues(t, 1_005_000, insufficient.Required)
			require.EqualValues(t, 1_000_000, insufficient.Available)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000_000, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 0, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 5_000_000, 0)
			require.Equal(t, before.Journals, b.report(t).Journals)
		}},
		{"TreasuryCap", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 10_000_000)
			b.treasury(t, ledger.Gold, 100_000)
			buy, err := ledger.BuyJournal(u, 1_000_000, 0, 100_001, "TXN1")
			require.NoError(t, err)
			err = b.tryPost(t.Context(), buy)
			var insufficient *ledger.InsufficientFundsError
			require.ErrorAs(t, err, &insufficient)
			require.Equal(t, ledger.HouseAccount(ledger.Gold), insufficient.Account)
			require.EqualValues(t, 100_001, insufficient.Required)
			require.EqualValues(t, 100_000, insufficient.Available)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 10_000_000, 0)

			exact, err := ledger.BuyJournal(u, 1_000_000, 0, 100_000, "TXN2")
			require.NoError(t, err)
			b.post(t, exact)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 0, 0)
		}},
		{"HouseCannotPayForSell", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.treasury(t, ledger.Gold, 1_000_000)
			b.deposit(t, u, 100_000)
			buy, err := ledger.BuyJournal(u, 100_000, 0, 1_000, "TXN1")
			require.NoError(t, err)
			b.post(t, buy)
			sell, err := ledger.SellJournal(u, 1_000, 100_001, 0, "TXN2")
			require.NoError(t, err)
			err = b.tryPost(t.Context(), sell)
			var insufficient *ledger.InsufficientFundsError
			require.ErrorAs(t, err, &insufficient)
			require.Equal(t, ledger.HouseAccount(ledger.IRR), insufficient.Account)
		}},
		{"RollbackDiscardsEverything", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			j, err := ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 5_000, "dep")
			require.NoError(t, err)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				if _, err := tx.Ledger().Post(ctx, j); err != nil {
					return err
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 0, 0)
			require.Zero(t, b.report(t).Journals)
		}},
		{"InsufficientFundsLeavesHouseUntouched", func(t *testing.T, b *bundle) {
			// The user's debit fails after nothing, or after the house postings, were applied;
			// either way none of the journal may stick.
			u := b.newUser(t)
			b.deposit(t, u, 1_000)
			b.treasury(t, ledger.Gold, 1_000_000)
			buy, err := ledger.BuyJournal(u, 2_000, 0, 10, "TXN1")
			require.NoError(t, err)
			err = b.tryPost(t.Context(), buy)
			require.ErrorIs(t, err, core.ErrInsufficientFunds)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 1_000_000, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.IRR), 0, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 0, 0)
		}},
		{"FailedPostLeavesTransactionUsable", func(t *testing.T, b *bundle) {
			// A caller may turn a refused journal into a stored answer (an idempotent 400) in
			// the same transaction: the refused journal must leave no trace and the rest must
			// commit.
			u := b.newUser(t)
			b.deposit(t, u, 1_000)
			b.treasury(t, ledger.Gold, 1_000_000)
			buy, err := ledger.BuyJournal(u, 2_000, 0, 10, "TXN1")
			require.NoError(t, err)
			dep, err := ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 500, "dep")
			require.NoError(t, err)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().Post(ctx, buy)
				require.ErrorIs(t, err, core.ErrInsufficientFunds)
				_, err = tx.Ledger().Post(ctx, dep)
				return err
			})
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_500, 0)
			b.requireBalance(t, ledger.UserAccount(u, ledger.Gold), 0, 0)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 1_000_000, 0)
			require.EqualValues(t, 3, b.report(t).Journals)
		}},
		{"LargeDebitAcrossShards", func(t *testing.T, b *bundle) {
			// Many small treasury credits may land in different shards; one large buy must still
			// find the whole inventory, and one unit more must fail.
			u := b.newUser(t)
			b.deposit(t, u, 100_000_000)
			for range 40 {
				b.treasury(t, ledger.Gold, 1_000)
			}
			tooMuch, err := ledger.BuyJournal(u, 1_000_000, 0, 40_001, "TXN1")
			require.NoError(t, err)
			require.ErrorIs(t, b.tryPost(t.Context(), tooMuch), core.ErrInsufficientFunds)
			all, err := ledger.BuyJournal(u, 1_000_000, 0, 40_000, "TXN2")
			require.NoError(t, err)
			b.post(t, all)
			b.requireBalance(t, ledger.HouseAccount(ledger.Gold), 0, 0)
		}},
	}
}
