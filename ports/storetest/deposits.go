package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// depositTTL is how long the online deposits of the cases wait for their payment.
const depositTTL = 30 * time.Minute

// number returns a fresh transaction number starting with prefix.
func (b *bundle) number(prefix string) string {
	b.seq++
	return fmt.Sprintf("%s%08d", prefix, b.seq)
}

// newOnlineDeposit returns user's pending online deposit of amount through gateway, made at
// now, not yet stored.
func (b *bundle) newOnlineDeposit(t *testing.T, user core.UserID, amount core.Rial, gateway string, now time.Time) *payment.Deposit {
	t.Helper()
	d, err := payment.NewOnlineDeposit(b.number("DP-"), user, amount, gateway, "", now, depositTTL)
	require.NoError(t, err)
	return d
}

// newBankTransfer returns user's pending bank-transfer deposit of amount, made at now, not
// yet stored.
func (b *bundle) newBankTransfer(t *testing.T, user core.UserID, amount core.Rial, now time.Time) *payment.Deposit {
	t.Helper()
	d, err := payment.NewBankTransferDeposit(b.number("DP-"), user, amount, now)
	require.NoError(t, err)
	return d
}

// createDeposit stores d and returns it as stored, with its id.
func (b *bundle) createDeposit(t *testing.T, d *payment.Deposit) *payment.Deposit {
	t.Helper()
	var id payment.DepositID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Deposits().Create(ctx, d)
		return err
	})
	require.Positive(t, int64(id))
	rec := d.Record()
	rec.ID = id
	return payment.RehydrateDeposit(rec)
}

// tryCreateDeposit stores d in a transaction of its own and returns the error.
func (b *bundle) tryCreateDeposit(ctx context.Context, d *payment.Deposit) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Deposits().Create(ctx, d)
		return err
	})
}

// changeDeposit reads deposit id for update, applies change and saves it, in one
// transaction, and returns the error and the changed deposit.
func (b *bundle) changeDeposit(ctx context.Context, id payment.DepositID, change func(d *payment.Deposit) error) (*payment.Deposit, error) {
	var out *payment.Deposit
	err := b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		d, err := tx.Deposits().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := change(d); err != nil {
			return err
		}
		out = d
		return tx.Deposits().Save(ctx, d)
	})
	return out, err
}

// mustChangeDeposit is changeDeposit, failing t on an error.
func (b *bundle) mustChangeDeposit(t *testing.T, id payment.DepositID, change func(d *payment.Deposit) error) *payment.Deposit {
	t.Helper()
	d, err := b.changeDeposit(t.Context(), id, change)
	require.NoError(t, err)
	return d
}

// storedDeposit reads deposit id in a snapshot.
func (b *bundle) storedDeposit(t *testing.T, id payment.DepositID) (*payment.Deposit, error) {
	t.Helper()
	var d *payment.Deposit
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		d, err = tx.Deposits().Get(ctx, id)
		return err
	})
	return d, err
}

// listDeposits reads one page of the deposits matching f in a snapshot.
func (b *bundle) listDeposits(t *testing.T, f ports.DepositFilter, offset, limit int) ([]payment.DepositRecord, int) {
	t.Helper()
	var out []payment.DepositRecord
	var total int
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		deposits, n, err := tx.Deposits().List(ctx, f, offset, limit)
		for _, d := range deposits {
			out = append(out, d.Record())
		}
		total = n
		return err
	})
	return out, total
}

// unsettled reads up to limit unsettled deposits before cutoff in a snapshot.
func (b *bundle) unsettled(t *testing.T, cutoff time.Time, limit int) []payment.DepositRecord {
	t.Helper()
	var out []payment.DepositRecord
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		deposits, err := tx.Deposits().Unsettled(ctx, cutoff, limit)
		for _, d := range deposits {
			out = append(out, d.Record())
		}
		return err
	})
	return out
}

func depositRecords(deposits ...*payment.Deposit) []payment.DepositRecord {
	out := make([]payment.DepositRecord, 0, len(deposits))
	for _, d := range deposits {
		out = append(out, d.Record())
	}
	return out
}

func depositCases() []testCase {
	return []testCase{
		{"DepositRoundTrip", func(t *testing.T, b *bundle) {
			u, staff := b.newUser(t), b.newUser(t)
			pending := b.newOnlineDeposit(t, u, 250_000, "zarinpal", b.now)
			paid, err := payment.NewOnlineDeposit(b.number("DP-"), u, 300_000, "idpay", "talabin://payment", b.now.Add(time.Second), depositTTL)
			require.NoError(t, err)
			require.NoError(t, paid.Open("A00000000000000000000000000000123456", b.now.Add(2*time.Second)))
			_, err = paid.Credit(300_000, "REF-778899", "603799******0590", 0, b.now.Add(3*time.Second))
			require.NoError(t, err)
			transfer := b.newBankTransfer(t, u, 5_000_000, b.now.Add(4*time.Second))
			require.NoError(t, transfer.AttachReceipt("receipts/1.jpg", "TRACK-1", "paid from Mellat", b.now.Add(5*time.Second)))
			_, err = transfer.Credit(4_990_000, "", "", staff, b.now.Add(6*time.Second))
			require.NoError(t, err)
			rejected := b.newBankTransfer(t, u, 70_000, b.now)
			require.NoError(t, rejected.Reject("no such transfer on the statement", staff, b.now.Add(7*time.Second)))

			for _, d := range []*payment.Deposit{pending, paid, transfer, rejected} {
				want := b.createDeposit(t, d)
				got, err := b.storedDeposit(t, want.ID())
				require.NoError(t, err)
				require.Equal(t, want.Record(), got.Record())
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					locked, err := tx.Deposits().GetForUpdate(ctx, want.ID())
					require.NoError(t, err)
					require.Equal(t, want.Record(), locked.Record())
					return nil
				})
			}

			_, err = b.storedDeposit(t, 987654)
			require.ErrorIs(t, err, core.ErrNotFound)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Deposits().GetForUpdate(ctx, 987654)
				return err
			})
			require.ErrorIs(t, err, core.ErrNotFound)
			err = b.tryCreateDeposit(t.Context(), b.newBankTransfer(t, 987654, 10_000, b.now))
			require.ErrorIs(t, err, core.ErrNotFound, "unknown user")
		}},
		{"DepositSaveTransitions", func(t *testing.T, b *bundle) {
			u, staff := b.newUser(t), b.newUser(t)
			later := func(s int) time.Time { return b.now.Add(time.Duration(s) * time.Second) }
			tests := []struct {
				name   string
				online bool
				move   func(d *payment.Deposit) error
			}{
				{"Open", true, func(d *payment.Deposit) error { return d.Open("AUTH-OPEN", later(1)) }},
				{"Unknown", true, func(d *payment.Deposit) error { return d.Unknown(later(2)) }},
				{"CreditOnline", true, func(d *payment.Deposit) error {
					_, err := d.Credit(100_000, "REF1", "621986******9007", 0, later(3))
					return err
				}},
				{"Fail", true, func(d *payment.Deposit) error { return d.Fail("gateway said not paid", later(4)) }},
				{"Cancel", true, func(d *payment.Deposit) error { return d.Cancel(later(5)) }},
				{"AttachReceipt", false, func(d *payment.Deposit) error {
					return d.AttachReceipt("receipts/2.png", "TRACK-2", "note", later(6))
				}},
				{"CreditTransfer", false, func(d *payment.Deposit) error {
					_, err := d.Credit(90_000, "", "", staff, later(7))
					return err
				}},
				{"Reject", false, func(d *payment.Deposit) error { return d.Reject("blurry receipt", staff, later(8)) }},
			}
			for _, tt := range tests {
				d := b.newBankTransfer(t, u, 100_000, b.now)
				if tt.online {
					d = b.newOnlineDeposit(t, u, 100_000, "zarinpal", b.now)
				}
				d = b.createDeposit(t, d)
				want := b.mustChangeDeposit(t, d.ID(), tt.move)
				got, err := b.storedDeposit(t, d.ID())
				require.NoError(t, err, tt.name)
				require.Equal(t, want.Record(), got.Record(), tt.name)
				require.NotEqual(t, d.Record(), got.Record(), tt.name)
			}

			rec := b.createDeposit(t, b.newBankTransfer(t, u, 100_000, b.now)).Record()
			rec.ID += 100
			rec.Status = payment.DepositCancelled
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Deposits().Save(ctx, payment.RehydrateDeposit(rec))
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"DepositNumberConflict", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			first := b.createDeposit(t, b.newBankTransfer(t, u, 100_000, b.now))
			dup, err := payment.NewOnlineDeposit(first.Record().Number, other, 200_000, "zarinpal", "", b.now, depositTTL)
			require.NoError(t, err)
			require.ErrorIs(t, b.tryCreateDeposit(t.Context(), dup), core.ErrConflict)
			list, total := b.listDeposits(t, ports.DepositFilter{User: other}, 0, 10)
			require.Empty(t, list)
			require.Zero(t, total)

			// The transaction stays usable after a conflict: the service draws another number.
			fresh := b.newBankTransfer(t, other, 200_000, b.now)
			var id payment.DepositID
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Deposits().Create(ctx, dup)
				require.ErrorIs(t, err, core.ErrConflict)
				id, err = tx.Deposits().Create(ctx, fresh)
				return err
			})
			list, total = b.listDeposits(t, ports.DepositFilter{User: other}, 0, 10)
			require.Equal(t, 1, total)
			require.Equal(t, id, list[0].ID)
		}},
		{"DepositAuthorityConflict", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			opened := b.newOnlineDeposit(t, u, 100_000, "zarinpal", b.now)
			require.NoError(t, opened.Open("AUTH-1", b.now))
			b.createDeposit(t, opened)

			dup := b.newOnlineDeposit(t, other, 100_000, "zarinpal", b.now)
			require.NoError(t, dup.Open("AUTH-1", b.now))
			require.ErrorIs(t, b.tryCreateDeposit(t.Context(), dup), core.ErrConflict, "same gateway and authority")

			otherGateway := b.newOnlineDeposit(t, other, 100_000, "idpay", b.now)
			require.NoError(t, otherGateway.Open("AUTH-1", b.now))
			b.createDeposit(t, otherGateway)
			// Deposits without a session all have the empty authority.
			b.createDeposit(t, b.newBankTransfer(t, u, 100_000, b.now))
			b.createDeposit(t, b.newBankTransfer(t, u, 100_000, b.now))
			unopened := b.createDeposit(t, b.newOnlineDeposit(t, other, 100_000, "zarinpal", b.now))

			_, err := b.changeDeposit(t.Context(), unopened.ID(), func(d *payment.Deposit) error {
				return d.Open("AUTH-1", b.now.Add(time.Second))
			})
			require.ErrorIs(t, err, core.ErrConflict, "saving another deposit onto a taken authority")
			got, err := b.storedDeposit(t, unopened.ID())
			require.NoError(t, err)
			require.Equal(t, unopened.Record(), got.Record())
		}},
		{"DepositListFiltersAndPaging", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			d0 := b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", at(0)))
			d1 := b.createDeposit(t, b.newBankTransfer(t, u, 200_000, at(1)))
			d2 := b.createDeposit(t, b.newOnlineDeposit(t, u, 300_000, "zarinpal", at(2)))
			d3 := b.createDeposit(t, b.newBankTransfer(t, u, 400_000, at(3)))
			d3b := b.createDeposit(t, b.newOnlineDeposit(t, u, 500_000, "idpay", at(3))) // same time: first by id
			d4 := b.createDeposit(t, b.newBankTransfer(t, other, 600_000, at(4)))
			d1 = b.mustChangeDeposit(t, d1.ID(), func(d *payment.Deposit) error {
				return d.AttachReceipt("receipts/3.jpg", "", "", at(5))
			})
			d2 = b.mustChangeDeposit(t, d2.ID(), func(d *payment.Deposit) error { return d.Fail("expired", at(6)) })

			mine := depositRecords(d3b, d3, d2, d1, d0)
			tests := []struct {
				name   string
				filter ports.DepositFilter
				want   []payment.DepositRecord
			}{
				{"User", ports.DepositFilter{User: u}, mine},
				{"Everyone", ports.DepositFilter{}, depositRecords(d4, d3b, d3, d2, d1, d0)},
				{"Online", ports.DepositFilter{User: u, Method: payment.MethodOnline}, depositRecords(d3b, d2, d0)},
				{"BankTransfers", ports.DepositFilter{Method: payment.MethodBankTransfer}, depositRecords(d4, d3, d1)},
				{"Pending", ports.DepositFilter{User: u, Status: payment.DepositPending}, depositRecords(d3b, d3, d0)},
				{"Paid", ports.DepositFilter{Status: payment.DepositPaid}, depositRecords(d1)},
				{"PendingOrPaid", ports.DepositFilter{Status: payment.DepositPending, OrStatus: payment.DepositPaid}, depositRecords(d4, d3b, d3, d1, d0)},
				{"OrStatusAloneDoesNotFilter", ports.DepositFilter{User: u, OrStatus: payment.DepositPaid}, mine},
				{"PendingTransfers", ports.DepositFilter{Status: payment.DepositPending, Method: payment.MethodBankTransfer}, depositRecords(d4, d3)},
				{"Verified", ports.DepositFilter{Status: payment.DepositVerified}, nil},
				{"Nobody", ports.DepositFilter{User: 987654}, nil},
			}
			for _, tt := range tests {
				got, total := b.listDeposits(t, tt.filter, 0, 10)
				require.Equal(t, len(tt.want), total, tt.name)
				if len(tt.want) == 0 {
					require.Empty(t, got, tt.name)
					continue
				}
				require.Equal(t, tt.want, got, tt.name)
			}
			var pages []payment.DepositRecord
			for offset := 0; offset < 6; offset += 2 {
				page, total := b.listDeposits(t, ports.DepositFilter{User: u}, offset, 2)
				require.Equal(t, 5, total)
				pages = append(pages, page...)
			}
			require.Equal(t, mine, pages)
			err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, _, err := tx.Deposits().List(ctx, ports.DepositFilter{}, -1, 10)
				return err
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)
		}},
		{"DepositUnsettled", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			cutoff := at(0)
			pending := b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", at(-10)))
			opened := b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", at(-40)))
			opened = b.mustChangeDeposit(t, opened.ID(), func(d *payment.Deposit) error { return d.Open("AUTH-5", at(-5)) })
			unknown := b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "idpay", at(-30)))
			unknown = b.mustChangeDeposit(t, unknown.ID(), func(d *payment.Deposit) error { return d.Unknown(at(-20)) })
			b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", cutoff)) // updated at the cutoff
			b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", at(+1))) // updated after it
			b.createDeposit(t, b.newBankTransfer(t, u, 100_000, at(-50)))             // not online
			failed := b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", at(-60)))
			b.mustChangeDeposit(t, failed.ID(), func(d *payment.Deposit) error { return d.Fail("not paid", at(-55)) })
			verified := b.createDeposit(t, b.newOnlineDeposit(t, u, 100_000, "zarinpal", at(-60)))
			b.mustChangeDeposit(t, verified.ID(), func(d *payment.Deposit) error {
				_, err := d.Credit(100_000, "REF", "", 0, at(-58))
				return err
			})

			require.Equal(t, depositRecords(unknown, pending, opened), b.unsettled(t, cutoff, 10))
			require.Equal(t, depositRecords(unknown, pending), b.unsettled(t, cutoff, 2))
			require.Empty(t, b.unsettled(t, cutoff, 0))
			require.Empty(t, b.unsettled(t, at(-30), 10))
		}},
		{"DepositUsage", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			dayStart, monthStart := b.now.Add(-24*time.Hour), b.now.Add(-30*24*time.Hour)
			ago := func(d time.Duration) time.Time { return b.now.Add(-d) }
			create := func(user core.UserID, amount core.Rial, online bool, created time.Time, move func(d *payment.Deposit) error) {
				d := b.newBankTransfer(t, user, amount, created)
				if online {
					d = b.newOnlineDeposit(t, user, amount, "zarinpal", created)
				}
				d = b.createDeposit(t, d)
				if move != nil {
					b.mustChangeDeposit(t, d.ID(), move)
				}
			}
			receipt := func(d *payment.Deposit) error { return d.AttachReceipt("receipts/4.jpg", "", "", b.now) }
			credit := func(d *payment.Deposit) error {
				_, err := d.Credit(d.Record().Amount, "REF", "", 0, b.now)
				return err
			}
			unknown := func(d *payment.Deposit) error { return d.Unknown(b.now) }
			fail := func(d *payment.Deposit) error { return d.Fail("not paid", b.now) }
			cancel := func(d *payment.Deposit) error { return d.Cancel(b.now) }
			reject := func(d *payment.Deposit) error { return d.Reject("no", 0, b.now) }
			create(u, 1, true, ago(time.Hour), nil)            // pending: day and month
			create(u, 2, false, dayStart, nil)                 // at the day's start: day and month
			create(u, 4, false, ago(3*time.Hour), receipt)     // paid: day and month
			create(u, 8, true, ago(48*time.Hour), credit)      // verified: month
			create(u, 16, true, ago(10*24*time.Hour), unknown) // unknown: month
			create(u, 32, true, monthStart, nil)               // at the month's start: month
			create(u, 64, true, ago(40*24*time.Hour), nil)     // too old
			create(u, 128, true, ago(time.Hour), fail)         // failed
			create(u, 256, true, ago(time.Hour), cancel)       // cancelled
			create(u, 512, false, ago(time.Hour), reject)      // rejected
			create(other, 1024, true, ago(time.Hour), nil)

			var got, none payment.Usage
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				if got, err = tx.Deposits().Usage(ctx, u, dayStart, monthStart); err != nil {
					return err
				}
				none, err = tx.Deposits().Usage(ctx, 987654, dayStart, monthStart)
				return err
			})
			require.Equal(t, payment.Usage{Day: 1 + 2 + 4, Month: 1 + 2 + 4 + 8 + 16 + 32}, got)
			require.Equal(t, payment.Usage{}, none)
		}},
		{"DepositCreditedOnce", func(t *testing.T, b *bundle) {
			// A deposit's credit journal has the deposit's number as its reference; the store
			// refuses a second deposit journal for one stored deposit even when the caller's
			// state machine is bypassed.
			u, staff := b.newUser(t), b.newUser(t)
			d := b.createDeposit(t, b.newBankTransfer(t, u, 70_000, b.now))
			var credit ledger.Journal
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				locked, err := tx.Deposits().GetForUpdate(ctx, d.ID())
				if err != nil {
					return err
				}
				if credit, err = locked.Credit(70_000, "", "", staff, b.now); err != nil {
					return err
				}
				if _, err := tx.Ledger().Post(ctx, credit); err != nil {
					return err
				}
				return tx.Deposits().Save(ctx, locked)
			})
			require.Equal(t, d.Record().Number, credit.Reference())
			require.ErrorIs(t, b.tryPost(t.Context(), credit), core.ErrConflict)
			again, err := ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 5_000, d.Record().Number)
			require.NoError(t, err)
			require.ErrorIs(t, b.tryPost(t.Context(), again), core.ErrConflict)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 70_000, 0)

			// Only the deposit journals of stored deposits are checked: other journals may share
			// a reference.
			b.deposit(t, u, 1_000)
			b.deposit(t, u, 1_000)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 72_000, 0)
		}},
	}
}
