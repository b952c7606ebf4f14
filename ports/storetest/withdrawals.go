package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// withdrawalFee is the fee of the withdrawal cases.
const withdrawalFee core.Rial = 500

// payee gives user a bank account for withdrawals and returns its id.
func (b *bundle) payee(t *testing.T, user core.UserID, sheba string) payment.BankAccountID {
	t.Helper()
	return b.createBankAccount(t, newBankAccount(t, user, payment.BankAccountInput{Sheba: sheba}, b.now)).ID()
}

// newWithdrawal returns user's pending withdrawal of amount (plus [withdrawalFee]) to
// account, made at now, without a hold, not yet stored.
func (b *bundle) newWithdrawal(t *testing.T, user core.UserID, account payment.BankAccountID, amount core.Rial, now time.Time) *payment.Withdrawal {
	t.Helper()
	w, err := payment.NewWithdrawal(b.number("WD-"), user, account, amount, withdrawalFee, now)
	require.NoError(t, err)
	return w
}

// createWithdrawal stores w and returns it as stored, with its id.
func (b *bundle) createWithdrawal(t *testing.T, w *payment.Withdrawal) *payment.Withdrawal {
	t.Helper()
	var id payment.WithdrawalID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Withdrawals().Create(ctx, w)
		return err
	})
	require.Positive(t, int64(id))
	rec := w.Record()
	rec.ID = id
	return payment.RehydrateWithdrawal(rec)
}

// createHeldWithdrawal places w's hold and stores w as the service does, in one
// transaction, and returns it as stored.
func (b *bundle) createHeldWithdrawal(t *testing.T, w *payment.Withdrawal) *payment.Withdrawal {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		h, err := w.NewHold()
		if err != nil {
			return err
		}
		id, err := tx.Ledger().PlaceHold(ctx, h)
		if err != nil {
			return err
		}
		w.Held(id)
		return nil
	})
	return b.createWithdrawal(t, w)
}

// tryCreateWithdrawal stores w in a transaction of its own and returns the error.
func (b *bundle) tryCreateWithdrawal(ctx context.Context, w *payment.Withdrawal) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Withdrawals().Create(ctx, w)
		return err
	})
}

// changeWithdrawal reads withdrawal id for update, applies change and saves it, in one
// transaction, and returns the changed withdrawal.
func (b *bundle) changeWithdrawal(t *testing.T, id payment.WithdrawalID, change func(w *payment.Withdrawal) error) *payment.Withdrawal {
	t.Helper()
	var out *payment.Withdrawal
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		w, err := tx.Withdrawals().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := change(w); err != nil {
			return err
		}
		out = w
		return tx.Withdrawals().Save(ctx, w)
	})
	return out
}

// storedWithdrawal reads withdrawal id in a snapshot.
func (b *bundle) storedWithdrawal(t *testing.T, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	t.Helper()
	var w *payment.Withdrawal
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		w, err = tx.Withdrawals().Get(ctx, id)
		return err
	})
	return w, err
}

// listWithdrawals reads one page of the withdrawals matching f in a snapshot.
func (b *bundle) listWithdrawals(t *testing.T, f ports.WithdrawalFilter, offset, limit int) ([]payment.WithdrawalRecord, int) {
	t.Helper()
	var out []payment.WithdrawalRecord
	var total int
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		withdrawals, n, err := tx.Withdrawals().List(ctx, f, offset, limit)
		for _, w := range withdrawals {
			out = append(out, w.Record())
		}
		total = n
		return err
	})
	return out, total
}

func withdrawalRecords(withdrawals ...*payment.Withdrawal) []payment.WithdrawalRecord {
	out := make([]payment.WithdrawalRecord, 0, len(withdrawals))
	for _, w := range withdrawals {
		out = append(out, w.Record())
	}
	return out
}

func withdrawalCases() []testCase {
	return []testCase{
		{"WithdrawalRoundTrip", func(t *testing.T, b *bundle) {
			u, other, staff := b.newUser(t), b.newUser(t), b.newUser(t)
			b.deposit(t, u, 1_000_000)
			account := b.payee(t, u, shebaMelli)
			held := b.createHeldWithdrawal(t, b.newWithdrawal(t, u, account, 200_000, b.now))
			require.Positive(t, int64(held.HoldID()))
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000_000-200_000-int64(withdrawalFee), 200_000+int64(withdrawalFee))
			done := b.newWithdrawal(t, u, account, 100_000, b.now.Add(time.Second))
			require.NoError(t, done.Approve(staff, b.now.Add(2*time.Second)))
			require.NoError(t, done.Process("satna", staff, b.now.Add(3*time.Second)))
			require.NoError(t, done.Complete("TRK-42", staff, b.now.Add(4*time.Second)))
			done = b.createWithdrawal(t, done)
			for _, want := range []*payment.Withdrawal{held, done} {
				got, err := b.storedWithdrawal(t, want.ID())
				require.NoError(t, err)
				require.Equal(t, want.Record(), got.Record())
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					locked, err := tx.Withdrawals().GetForUpdate(ctx, want.ID())
					require.NoError(t, err)
					require.Equal(t, want.Record(), locked.Record())
					return nil
				})
			}

			_, err := b.storedWithdrawal(t, done.ID()+100)
			require.ErrorIs(t, err, core.ErrNotFound)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Withdrawals().GetForUpdate(ctx, done.ID()+100)
				return err
			})
			require.ErrorIs(t, err, core.ErrNotFound)
			tests := []struct {
				name    string
				user    core.UserID
				account payment.BankAccountID
			}{
				{"UnknownUser", 987654, account},
				{"UnknownBankAccount", u, account + 100},
				{"AnotherUsersBankAccount", other, account},
			}
			for _, tt := range tests {
				err := b.tryCreateWithdrawal(t.Context(), b.newWithdrawal(t, tt.user, tt.account, 100_000, b.now))
				require.ErrorIs(t, err, core.ErrNotFound, tt.name)
			}
		}},
		{"WithdrawalSaveTransitions", func(t *testing.T, b *bundle) {
			u, staff := b.newUser(t), b.newUser(t)
			b.deposit(t, u, 1_000_000)
			account := b.payee(t, u, shebaMelli)
			later := func(s int) time.Time { return b.now.Add(time.Duration(s) * time.Second) }
			approve := func(w *payment.Withdrawal) error { return w.Approve(staff, later(1)) }
			tests := []struct {
				name  string
				moves []func(w *payment.Withdrawal) error
			}{
				{"Approve", []func(w *payment.Withdrawal) error{approve}},
				{"Process", []func(w *payment.Withdrawal) error{approve, func(w *payment.Withdrawal) error {
					return w.Process("paya", staff, later(2))
				}}},
				{"Complete", []func(w *payment.Withdrawal) error{approve, func(w *payment.Withdrawal) error {
					return w.Complete("TRK-1", staff, later(3))
				}}},
				{"Reject", []func(w *payment.Withdrawal) error{func(w *payment.Withdrawal) error {
					return w.Reject("account closed", staff, later(4))
				}}},
				{"Cancel", []func(w *payment.Withdrawal) error{approve, func(w *payment.Withdrawal) error { return w.Cancel(later(5)) }}},
			}
			for _, tt := range tests {
				w := b.createHeldWithdrawal(t, b.newWithdrawal(t, u, account, 50_000, b.now))
				for _, move := range tt.moves {
					w = b.changeWithdrawal(t, w.ID(), move)
				}
				got, err := b.storedWithdrawal(t, w.ID())
				require.NoError(t, err, tt.name)
				require.Equal(t, w.Record(), got.Record(), tt.name)
			}

			// A hold placed after the withdrawal was stored is saved too.
			w := b.createWithdrawal(t, b.newWithdrawal(t, u, account, 10_000, b.now))
			require.Zero(t, w.HoldID())
			hold := b.placeHold(t, u, int64(w.Total()))
			w = b.changeWithdrawal(t, w.ID(), func(w *payment.Withdrawal) error {
				w.Held(hold)
				return nil
			})
			got, err := b.storedWithdrawal(t, w.ID())
			require.NoError(t, err)
			require.Equal(t, hold, got.HoldID())

			rec := got.Record()
			rec.ID += 100
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Withdrawals().Save(ctx, payment.RehydrateWithdrawal(rec))
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"WithdrawalConflicts", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			b.deposit(t, u, 1_000_000)
			account := b.payee(t, u, shebaMelli)
			first := b.createHeldWithdrawal(t, b.newWithdrawal(t, u, account, 100_000, b.now))

			dup, err := payment.NewWithdrawal(first.Record().Number, u, account, 200_000, 0, b.now)
			require.NoError(t, err)
			require.ErrorIs(t, b.tryCreateWithdrawal(t.Context(), dup), core.ErrConflict, "same number")

			sameHold := b.newWithdrawal(t, u, account, 100_000, b.now)
			sameHold.Held(first.HoldID())
			require.ErrorIs(t, b.tryCreateWithdrawal(t.Context(), sameHold), core.ErrConflict, "same hold")

			list, total := b.listWithdrawals(t, ports.WithdrawalFilter{User: u}, 0, 10)
			require.Equal(t, 1, total)
			require.Equal(t, withdrawalRecords(first), list)

			// The transaction stays usable after a conflict, as the service does it: drop the
			// hold placed for the taken number, then try another number.
			fresh := b.newWithdrawal(t, u, account, 200_000, b.now.Add(time.Second))
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				h, err := dup.NewHold()
				require.NoError(t, err)
				hold, err := tx.Ledger().PlaceHold(ctx, h)
				require.NoError(t, err)
				dup.Held(hold)
				_, err = tx.Withdrawals().Create(ctx, dup)
				require.ErrorIs(t, err, core.ErrConflict)
				_, err = tx.Ledger().ReleaseHold(ctx, hold)
				require.NoError(t, err)
				h, err = fresh.NewHold()
				require.NoError(t, err)
				hold, err = tx.Ledger().PlaceHold(ctx, h)
				require.NoError(t, err)
				fresh.Held(hold)
				_, err = tx.Withdrawals().Create(ctx, fresh)
				return err
			})
			list, total = b.listWithdrawals(t, ports.WithdrawalFilter{User: u}, 0, 10)
			require.Equal(t, 2, total)
			require.Equal(t, fresh.Record().Number, list[0].Number)
			held := int64(first.Total() + fresh.Total())
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000_000-held, held)
		}},
		{"WithdrawalListFiltersAndPaging", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			mineTo, otherTo := b.payee(t, u, shebaMelli), b.payee(t, other, shebaMelli)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			w0 := b.createWithdrawal(t, b.newWithdrawal(t, u, mineTo, 100_000, at(0)))
			w1 := b.createWithdrawal(t, b.newWithdrawal(t, u, mineTo, 200_000, at(1)))
			w2 := b.createWithdrawal(t, b.newWithdrawal(t, u, mineTo, 300_000, at(2)))
			w2b := b.createWithdrawal(t, b.newWithdrawal(t, u, mineTo, 400_000, at(2))) // same time: first by id
			w3 := b.createWithdrawal(t, b.newWithdrawal(t, other, otherTo, 500_000, at(3)))
			w1 = b.changeWithdrawal(t, w1.ID(), func(w *payment.Withdrawal) error { return w.Approve(other, at(4)) })
			w2 = b.changeWithdrawal(t, w2.ID(), func(w *payment.Withdrawal) error { return w.Cancel(at(5)) })

			mine := withdrawalRecords(w2b, w2, w1, w0)
			tests := []struct {
				name   string
				filter ports.WithdrawalFilter
				want   []payment.WithdrawalRecord
			}{
				{"User", ports.WithdrawalFilter{User: u}, mine},
				{"Everyone", ports.WithdrawalFilter{}, withdrawalRecords(w3, w2b, w2, w1, w0)},
				{"Pending", ports.WithdrawalFilter{Status: payment.WithdrawalPending}, withdrawalRecords(w3, w2b, w0)},
				{"MinePending", ports.WithdrawalFilter{User: u, Status: payment.WithdrawalPending}, withdrawalRecords(w2b, w0)},
				{"Approved", ports.WithdrawalFilter{Status: payment.WithdrawalApproved}, withdrawalRecords(w1)},
				{"Completed", ports.WithdrawalFilter{Status: payment.WithdrawalCompleted}, nil},
			}
			for _, tt := range tests {
				got, total := b.listWithdrawals(t, tt.filter, 0, 10)
				require.Equal(t, len(tt.want), total, tt.name)
				if len(tt.want) == 0 {
					require.Empty(t, got, tt.name)
					continue
				}
				require.Equal(t, tt.want, got, tt.name)
			}
			var pages []payment.WithdrawalRecord
			for offset := 0; offset < 5; offset += 3 {
				page, total := b.listWithdrawals(t, ports.WithdrawalFilter{User: u}, offset, 3)
				require.Equal(t, 4, total)
				pages = append(pages, page...)
			}
			require.Equal(t, mine, pages)
			err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, _, err := tx.Withdrawals().List(ctx, ports.WithdrawalFilter{}, 0, -1)
				return err
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)
		}},
		{"WithdrawalCountOpen", func(t *testing.T, b *bundle) {
			u, staff := b.newUser(t), b.newUser(t)
			busy, quiet, unused := b.payee(t, u, shebaMelli), b.payee(t, u, shebaMehr), b.payee(t, u, shebaParsian)
			moves := map[string][]func(w *payment.Withdrawal) error{
				"pending":  nil,
				"approved": {func(w *payment.Withdrawal) error { return w.Approve(staff, b.now) }},
				"processing": {
					func(w *payment.Withdrawal) error { return w.Approve(staff, b.now) },
					func(w *payment.Withdrawal) error { return w.Process("pol", staff, b.now) },
				},
				"completed": {
					func(w *payment.Withdrawal) error { return w.Approve(staff, b.now) },
					func(w *payment.Withdrawal) error { return w.Complete("TRK", staff, b.now) },
				},
				"rejected":  {func(w *payment.Withdrawal) error { return w.Reject("no", staff, b.now) }},
				"cancelled": {func(w *payment.Withdrawal) error { return w.Cancel(b.now) }},
			}
			for status, steps := range moves {
				w := b.createWithdrawal(t, b.newWithdrawal(t, u, busy, 100_000, b.now))
				for _, step := range steps {
					w = b.changeWithdrawal(t, w.ID(), step)
				}
				require.Equal(t, status, w.Status().String())
			}
			b.createWithdrawal(t, b.newWithdrawal(t, u, quiet, 100_000, b.now))

			counts := map[payment.BankAccountID]int{}
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				for _, account := range []payment.BankAccountID{busy, quiet, unused, unused + 100} {
					n, err := tx.Withdrawals().CountOpen(ctx, account)
					if err != nil {
						return err
					}
					counts[account] = n
				}
				return nil
			})
			require.Equal(t, map[payment.BankAccountID]int{busy: 3, quiet: 1, unused: 0, unused + 100: 0}, counts)
		}},
		{"WithdrawalUsage", func(t *testing.T, b *bundle) {
			u, other, staff := b.newUser(t), b.newUser(t), b.newUser(t)
			mineTo, otherTo := b.payee(t, u, shebaMelli), b.payee(t, other, shebaMelli)
			dayStart, monthStart := b.now.Add(-24*time.Hour), b.now.Add(-30*24*time.Hour)
			ago := func(d time.Duration) time.Time { return b.now.Add(-d) }
			create := func(user core.UserID, account payment.BankAccountID, amount core.Rial, created time.Time, steps ...func(w *payment.Withdrawal) error) {
				w := b.createWithdrawal(t, b.newWithdrawal(t, user, account, amount, created))
				for _, step := range steps {
					w = b.changeWithdrawal(t, w.ID(), step)
				}
			}
			approve := func(w *payment.Withdrawal) error { return w.Approve(staff, b.now) }
			process := func(w *payment.Withdrawal) error { return w.Process("paya", staff, b.now) }
			complete := func(w *payment.Withdrawal) error { return w.Complete("TRK", staff, b.now) }
			reject := func(w *payment.Withdrawal) error { return w.Reject("no", staff, b.now) }
			cancel := func(w *payment.Withdrawal) error { return w.Cancel(b.now) }
			create(u, mineTo, 1, ago(time.Hour))                       // pending: day and month
			create(u, mineTo, 2, dayStart, approve)                    // approved, at the day's start: day and month
			create(u, mineTo, 4, ago(2*time.Hour), approve, process)   // processing: day and month
			create(u, mineTo, 8, ago(48*time.Hour), approve, complete) // completed: month
			create(u, mineTo, 16, monthStart)                          // at the month's start: month
			create(u, mineTo, 32, ago(40*24*time.Hour))                // too old
			create(u, mineTo, 64, ago(time.Hour), reject)
			create(u, mineTo, 128, ago(time.Hour), cancel)
			create(other, otherTo, 256, ago(time.Hour))

			var got, none payment.Usage
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				if got, err = tx.Withdrawals().Usage(ctx, u, dayStart, monthStart); err != nil {
					return err
				}
				none, err = tx.Withdrawals().Usage(ctx, 987654, dayStart, monthStart)
				return err
			})
			require.Equal(t, payment.Usage{Day: 1 + 2 + 4, Month: 1 + 2 + 4 + 8 + 16}, got, "amounts without fees")
			require.Equal(t, payment.Usage{}, none)
		}},
	}
}
