// Package storetest is the conformance suite of [ports.Store]. Every store adapter runs it
// from its own TestConformance:
//
//	func TestConformance(t *testing.T) {
//		t.Parallel()
//		storetest.Run(t, func(t *testing.T) ports.Store { return openEmptyStore(t) })
//	}
//
// The suite checks behaviour, not implementation: balances and errors after each call, and
// the ledger's invariants under parallel races (one wallet debited by many goroutines, one
// idempotency key claimed by many, one hold released and settled at once, one quote used by
// many orders). New store behaviour gets a case here first.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// NewStoreFunc returns a fresh, migrated, empty store owned by t; the harness closes it at
// cleanup if the adapter does not.
type NewStoreFunc func(t *testing.T) ports.Store

// Run runs every conformance case against stores made by newStore.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c.run(t, b)
			b.requireVerified(t)
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, b *bundle)
}

func cases() []testCase {
	var all []testCase
	all = append(all, userCases()...)
	all = append(all, ledgerCases()...)
	all = append(all, holdCases()...)
	all = append(all, idempotencyCases()...)
	all = append(all, raceCases()...)
	all = append(all, identityCases()...)
	all = append(all, jobCases()...)
	all = append(all, entryCases()...)
	all = append(all, priceCases()...)
	all = append(all, tradingStateCases()...)
	all = append(all, quoteCases()...)
	all = append(all, orderCases()...)
	all = append(all, auditCases()...)
	all = append(all, bankAccountCases()...)
	all = append(all, depositCases()...)
	all = append(all, withdrawalCases()...)
	all = append(all, kycCases()...)
	all = append(all, documentCases()...)
	all = append(all, consentCases()...)
	all = append(all, erasureCases()...)
	return all
}

// bundle is one case's store plus shortcuts.
type bundle struct {
	store ports.Store
	now   time.Time
	seq   int
}

func setup(t *testing.T, newStore NewStoreFunc) *bundle {
	t.Helper()
	return &bundle{store: newStore(t), now: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}
}

// newUser registers a user with a unique phone and opens its accounts.
func (b *bundle) newUser(t *testing.T) core.UserID {
	t.Helper()
	b.seq++
	phone := fmt.Sprintf("+98912%07d", b.seq)
	var id core.UserID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Users().Create(ctx, identity.NewUser(phone, b.now))
		if err != nil {
			return err
		}
		return tx.Ledger().OpenUserAccounts(ctx, id)
	})
	return id
}

// deposit credits rials to user from the external account.
func (b *bundle) deposit(t *testing.T, user core.UserID, amount core.Rial) {
	t.Helper()
	j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), amount, "dep")
	require.NoError(t, err)
	b.post(t, j)
}

// treasury adds amount of asset to the house inventory.
func (b *bundle) treasury(t *testing.T, asset ledger.Asset, amount int64) {
	t.Helper()
	j, err := ledger.TreasuryInJournal(asset, amount, "treasury")
	require.NoError(t, err)
	b.post(t, j)
}

func (b *bundle) post(t *testing.T, j ledger.Journal) ledger.JournalID {
	t.Helper()
	var id ledger.JournalID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Ledger().Post(ctx, j)
		return err
	})
	require.Positive(t, int64(id))
	return id
}

func (b *bundle) tryPost(ctx context.Context, j ledger.Journal) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, j)
		return err
	})
}

func (b *bundle) inTx(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.InTx(t.Context(), fn))
}

func (b *bundle) balance(t *testing.T, account ledger.Account) ledger.Balance {
	t.Helper()
	var bal ledger.Balance
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		bal, err = tx.Ledger().Balance(ctx, account)
		return err
	}))
	return bal
}

func (b *bundle) report(t *testing.T) ledger.Report {
	t.Helper()
	var r ledger.Report
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		r, err = tx.Ledger().Verify(ctx)
		return err
	}))
	return r
}

func (b *bundle) requireVerified(t *testing.T) {
	t.Helper()
	r := b.report(t)
	require.True(t, r.OK(), "ledger verify: %s", r)
}

func (b *bundle) requireBalance(t *testing.T, account ledger.Account, available, held int64) {
	t.Helper()
	require.Equal(t, ledger.Balance{Available: available, Held: held}, b.balance(t, account), "balance of %s", account)
}
