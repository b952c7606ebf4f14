package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// Valid Sheba numbers and a valid card of the bank account cases. shebaUnknownBank has a
// bank code the core does not name, so its account needs a bank name.
const (
	shebaMehr        = "IR430600500901007959216001"
	shebaParsian     = "IR820540102680020817909002"
	shebaMelli       = "IR650170000000110001234567"
	shebaUnknownBank = "IR470990000000001234567890"
	cardMelli        = "6037991199500590"
)

// newBankAccount returns user's unverified account of in, made at now, not yet stored.
func newBankAccount(t *testing.T, user core.UserID, in payment.BankAccountInput, now time.Time) *payment.BankAccount {
	t.Helper()
	a, err := payment.NewBankAccount(user, in, "Sara Ahmadi", now)
	require.NoError(t, err)
	return a
}

// createBankAccount stores a and returns it as stored, with its id.
func (b *bundle) createBankAccount(t *testing.T, a *payment.BankAccount) *payment.BankAccount {
	t.Helper()
	var id payment.BankAccountID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.BankAccounts().Create(ctx, a)
		return err
	})
	require.Positive(t, int64(id))
	rec := a.Record()
	rec.ID = id
	return payment.RehydrateBankAccount(rec)
}

// tryCreateBankAccount stores a in a transaction of its own and returns the error.
func (b *bundle) tryCreateBankAccount(ctx context.Context, a *payment.BankAccount) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.BankAccounts().Create(ctx, a)
		return err
	})
}

// storedBankAccount reads account id in a snapshot.
func (b *bundle) storedBankAccount(t *testing.T, id payment.BankAccountID) (*payment.BankAccount, error) {
	t.Helper()
	var a *payment.BankAccount
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		a, err = tx.BankAccounts().Get(ctx, id)
		return err
	})
	return a, err
}

// changeBankAccount reads account id for update, applies change and saves it, in one
// transaction, and returns the changed account.
func (b *bundle) changeBankAccount(t *testing.T, id payment.BankAccountID, change func(a *payment.BankAccount) error) *payment.BankAccount {
	t.Helper()
	var out *payment.BankAccount
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		a, err := tx.BankAccounts().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := change(a); err != nil {
			return err
		}
		out = a
		return tx.BankAccounts().Save(ctx, a)
	})
	return out
}

// listBankAccounts reads user's active accounts in a snapshot.
func (b *bundle) listBankAccounts(t *testing.T, user core.UserID) []payment.BankAccountRecord {
	t.Helper()
	var out []payment.BankAccountRecord
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		accounts, err := tx.BankAccounts().ListByUser(ctx, user)
		for _, a := range accounts {
			out = append(out, a.Record())
		}
		return err
	})
	return out
}

func bankAccountRecords(accounts ...*payment.BankAccount) []payment.BankAccountRecord {
	out := make([]payment.BankAccountRecord, 0, len(accounts))
	for _, a := range accounts {
		out = append(out, a.Record())
	}
	return out
}

func bankAccountCases() []testCase {
	return []testCase{
		{"BankAccountRoundTrip", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			plain := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr}, b.now))
			full := newBankAccount(t, u, payment.BankAccountInput{
				Sheba: shebaParsian, Card: cardMelli, AccountNumber: "0123456789",
				HolderName: "Reza Karimi", Default: true,
			}, b.now.Add(time.Second))
			require.NoError(t, full.Verify(b.now.Add(2*time.Second)))
			full = b.createBankAccount(t, full)
			unknownBank := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{
				Sheba: shebaUnknownBank, BankName: "Test Bank",
			}, b.now))
			for _, want := range []*payment.BankAccount{plain, full, unknownBank} {
				got, err := b.storedBankAccount(t, want.ID())
				require.NoError(t, err)
				require.Equal(t, want.Record(), got.Record())
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					locked, err := tx.BankAccounts().GetForUpdate(ctx, want.ID())
					require.NoError(t, err)
					require.Equal(t, want.Record(), locked.Record())
					return nil
				})
			}
			require.Equal(t, cardMelli, full.Record().Card.Number(), "the card is stored in full")

			_, err := b.storedBankAccount(t, unknownBank.ID()+100)
			require.ErrorIs(t, err, core.ErrNotFound)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.BankAccounts().GetForUpdate(ctx, unknownBank.ID()+100)
				return err
			})
			require.ErrorIs(t, err, core.ErrNotFound)
			err = b.tryCreateBankAccount(t.Context(), newBankAccount(t, 987654, payment.BankAccountInput{Sheba: shebaMelli}, b.now))
			require.ErrorIs(t, err, core.ErrNotFound, "unknown user")
		}},
		{"BankAccountSave", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			a := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr}, b.now))
			tests := []struct {
				name   string
				change func(a *payment.BankAccount) error
			}{
				{"Verify", func(a *payment.BankAccount) error { return a.Verify(b.now.Add(time.Minute)) }},
				{"SetDefault", func(a *payment.BankAccount) error { return a.SetDefault(true, b.now.Add(2*time.Minute)) }},
				{"ClearDefault", func(a *payment.BankAccount) error { return a.SetDefault(false, b.now.Add(3*time.Minute)) }},
				{"Delete", func(a *payment.BankAccount) error { return a.Delete(b.now.Add(4 * time.Minute)) }},
			}
			for _, tt := range tests {
				want := b.changeBankAccount(t, a.ID(), tt.change)
				got, err := b.storedBankAccount(t, a.ID())
				require.NoError(t, err, tt.name)
				require.Equal(t, want.Record(), got.Record(), tt.name)
			}
			got, err := b.storedBankAccount(t, a.ID())
			require.NoError(t, err)
			require.True(t, got.Deleted(), "a deleted account still reads")
			require.True(t, got.Verified())

			rec := got.Record()
			rec.ID += 100
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.BankAccounts().Save(ctx, payment.RehydrateBankAccount(rec))
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"BankAccountShebaConflict", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			first := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMelli}, b.now))
			err := b.tryCreateBankAccount(t.Context(), newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMelli, Card: cardMelli}, b.now))
			require.ErrorIs(t, err, core.ErrConflict, "same active Sheba for one user")
			require.Len(t, b.listBankAccounts(t, u), 1)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.BankAccounts().Create(ctx, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMelli}, b.now))
				require.ErrorIs(t, err, core.ErrConflict)
				_, err = tx.BankAccounts().Create(ctx, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr}, b.now))
				return err // the transaction stays usable after a conflict
			})
			active := b.listBankAccounts(t, u)
			require.Len(t, active, 2)
			kept := active[0] // the newer id of two made at one time
			require.Equal(t, shebaMehr, kept.Sheba.String())

			b.createBankAccount(t, newBankAccount(t, other, payment.BankAccountInput{Sheba: shebaMelli}, b.now))
			b.changeBankAccount(t, first.ID(), func(a *payment.BankAccount) error { return a.Delete(b.now.Add(time.Minute)) })
			again := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMelli}, b.now.Add(2*time.Minute)))
			require.Equal(t, append(bankAccountRecords(again), kept), b.listBankAccounts(t, u),
				"the Sheba is free again once deleted")
		}},
		{"BankAccountOneDefault", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			first := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr, Default: true}, b.now))
			err := b.tryCreateBankAccount(t.Context(), newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaParsian, Default: true}, b.now))
			require.ErrorIs(t, err, core.ErrConflict, "a second default account")
			b.createBankAccount(t, newBankAccount(t, other, payment.BankAccountInput{Sheba: shebaParsian, Default: true}, b.now))

			second := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaParsian}, b.now))
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				a, err := tx.BankAccounts().GetForUpdate(ctx, second.ID())
				if err != nil {
					return err
				}
				require.NoError(t, a.SetDefault(true, b.now.Add(time.Minute)))
				return tx.BankAccounts().Save(ctx, a)
			})
			require.ErrorIs(t, err, core.ErrConflict, "a second default account")

			// The service clears the old default first, in the same transaction.
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				for _, c := range []struct {
					id payment.BankAccountID
					on bool
				}{{first.ID(), false}, {second.ID(), true}} {
					a, err := tx.BankAccounts().GetForUpdate(ctx, c.id)
					if err != nil {
						return err
					}
					require.NoError(t, a.SetDefault(c.on, b.now.Add(2*time.Minute)))
					if err := tx.BankAccounts().Save(ctx, a); err != nil {
						return err
					}
				}
				return nil
			})
			var defaults []payment.BankAccountID
			for _, rec := range b.listBankAccounts(t, u) {
				if rec.Default {
					defaults = append(defaults, rec.ID)
				}
			}
			require.Equal(t, []payment.BankAccountID{second.ID()}, defaults)

			// A deleted account is no longer default, so a new default is allowed.
			b.changeBankAccount(t, second.ID(), func(a *payment.BankAccount) error { return a.Delete(b.now.Add(3 * time.Minute)) })
			b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMelli, Default: true}, b.now))
		}},
		{"BankAccountListByUser", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			a1 := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr}, at(1)))
			a2 := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaParsian}, at(2)))
			a2b := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMelli}, at(2))) // same time: first by id
			gone := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaUnknownBank, BankName: "Test Bank"}, at(3)))
			b.changeBankAccount(t, gone.ID(), func(a *payment.BankAccount) error { return a.Delete(at(4)) })
			b.createBankAccount(t, newBankAccount(t, other, payment.BankAccountInput{Sheba: shebaMehr}, at(5)))

			require.Equal(t, bankAccountRecords(a2b, a2, a1), b.listBankAccounts(t, u))
			require.Empty(t, b.listBankAccounts(t, 987654))
		}},
	}
}
