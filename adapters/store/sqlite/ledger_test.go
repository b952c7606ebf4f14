package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// testBundle is one test's file-backed store plus shortcuts.
type testBundle struct {
	store *Store
	seq   atomic.Int64
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return &testBundle{store: openStore(t, tempPath(t), Options{})}
}

func (b *testBundle) newUser(t *testing.T) core.UserID {
	t.Helper()
	phone := fmt.Sprintf("+98912%07d", b.seq.Add(1))
	var id core.UserID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		if id, err = tx.Users().Create(ctx, identity.NewUser(phone, time.Now())); err != nil {
			return err
		}
		return tx.Ledger().OpenUserAccounts(ctx, id)
	}))
	return id
}

func (b *testBundle) post(ctx context.Context, j ledger.Journal) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, j)
		return err
	})
}

func (b *testBundle) mustPost(t *testing.T, j ledger.Journal) {
	t.Helper()
	require.NoError(t, b.post(t.Context(), j))
}

func (b *testBundle) deposit(t *testing.T, user core.UserID, amount core.Rial) {
	t.Helper()
	b.mustPost(t, valid(ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), amount, "DEP")))
}

func (b *testBundle) treasury(t *testing.T, asset ledger.Asset, amount int64) {
	t.Helper()
	b.mustPost(t, valid(ledger.TreasuryInJournal(asset, amount, "TRS")))
}

func (b *testBundle) placeHold(t *testing.T, user core.UserID, amount int64) ledger.HoldID {
	t.Helper()
	h, err := ledger.NewHold(user, ledger.IRR, amount, "WD")
	require.NoError(t, err)
	var id ledger.HoldID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		id, err = tx.Ledger().PlaceHold(ctx, h)
		return err
	}))
	return id
}

func (b *testBundle) balance(t *testing.T, a ledger.Account) ledger.Balance {
	t.Helper()
	var bal ledger.Balance
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		bal, err = tx.Ledger().Balance(ctx, a)
		return err
	}))
	return bal
}

func (b *testBundle) report(t *testing.T) ledger.Report {
	t.Helper()
	var r ledger.Report
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		r, err = tx.Ledger().Verify(ctx)
		return err
	}))
	return r
}

func (b *testBundle) requireVerified(t *testing.T) {
	t.Helper()
	r := b.report(t)
	require.True(t, r.OK(), "ledger verify: %s", r)
}

// dump reads every row that money lives in, to prove that a failed call changed nothing.
func (b *testBundle) dump(t *testing.T) []string {
	t.Helper()
	var rows []string
	for _, q := range []string{
		"SELECT 'user', account_id, available, held FROM ledger_user_balances ORDER BY account_id",
		"SELECT 'system', account_id, shard, balance FROM ledger_system_balances ORDER BY account_id, shard",
		"SELECT 'journals', COUNT(*), 0, 0 FROM ledger_journals",
		"SELECT 'postings', COUNT(*), 0, 0 FROM ledger_postings",
		"SELECT 'holds', id, amount, state FROM ledger_holds ORDER BY id",
	} {
		rows = append(rows, b.query(t, q)...)
	}
	return rows
}

// query returns the rows of q, four columns each, as strings.
func (b *testBundle) query(t *testing.T, q string) []string {
	t.Helper()
	r, err := b.store.read.QueryContext(t.Context(), q)
	require.NoError(t, err)
	defer func() { require.NoError(t, r.Close()) }()
	var rows []string
	for r.Next() {
		var kind string
		var a, c int64
		var d any
		require.NoError(t, r.Scan(&kind, &a, &c, &d))
		rows = append(rows, fmt.Sprint(kind, a, c, d))
	}
	require.NoError(t, r.Err())
	return rows
}

func TestInsufficientFundsChangesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		journal   func(u core.UserID) (ledger.Journal, error)
		account   func(u core.UserID) ledger.Account
		bucket    ledger.Bucket
		required  int64
		available int64
	}{
		{
			name:      "UserWallet",
			journal:   func(u core.UserID) (ledger.Journal, error) { return ledger.BuyJournal(u, 99_500, 600, 1_000, "BUY") },
			account:   func(u core.UserID) ledger.Account { return ledger.UserAccount(u, ledger.IRR) },
			required:  100_100,
			available: 100_000,
		},
		{
			name:      "TreasuryCap",
			journal:   func(u core.UserID) (ledger.Journal, error) { return ledger.BuyJournal(u, 50_000, 0, 500_001, "BUY") },
			account:   func(core.UserID) ledger.Account { return ledger.HouseAccount(ledger.Gold) },
			required:  500_001,
			available: 500_000,
		},
		{
			name:      "HouseRialsForSell",
			journal:   func(u core.UserID) (ledger.Journal, error) { return ledger.SellJournal(u, 1_000, 40_001, 0, "SELL") },
			account:   func(core.UserID) ledger.Account { return ledger.HouseAccount(ledger.IRR) },
			required:  40_001,
			available: 40_000,
		},
		{
			name:      "UserGold",
			journal:   func(u core.UserID) (ledger.Journal, error) { return ledger.SellJournal(u, 10_001, 1_000, 0, "SELL") },
			account:   func(u core.UserID) ledger.Account { return ledger.UserAccount(u, ledger.Gold) },
			required:  10_001,
			available: 10_000,
		},
		{
			name: "HeldBucket",
			journal: func(u core.UserID) (ledger.Journal, error) {
				return ledger.NewJournal(ledger.JournalCorrection, "FIX",
					ledger.Posting{Account: ledger.UserAccount(u, ledger.IRR), Bucket: ledger.Held, Amount: -30_001},
					ledger.Posting{Account: ledger.FeesAccount(), Amount: 30_001})
			},
			account:   func(u core.UserID) ledger.Account { return ledger.UserAccount(u, ledger.IRR) },
			bucket:    ledger.Held,
			required:  30_001,
			available: 30_000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			u := b.newUser(t)
			// User: 130,000 rials (30,000 of them held) and 10,000 µg of gold bought from a
			// treasury of 510,000 µg; house: 40,000 rials after the buy.
			b.deposit(t, u, 170_000)
			b.treasury(t, ledger.Gold, 510_000)
			b.mustPost(t, valid(ledger.BuyJournal(u, 40_000, 0, 10_000, "BUY0")))
			b.placeHold(t, u, 30_000)
			j, err := tt.journal(u)
			require.NoError(t, err)
			want := &ledger.InsufficientFundsError{
				Account: tt.account(u), Bucket: tt.bucket, Required: tt.required, Available: tt.available,
			}
			before := b.dump(t)

			// The caller returns the error: the transaction rolls back.
			err = b.post(t.Context(), j)
			require.ErrorIs(t, err, core.ErrInsufficientFunds)
			var got *ledger.InsufficientFundsError
			require.ErrorAs(t, err, &got)
			require.Equal(t, want, got)
			require.Equal(t, before, b.dump(t))

			// The caller handles the error and commits the rest of its transaction: the
			// postings applied before the shortfall must not stick either.
			require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().Post(ctx, j)
				require.ErrorAs(t, err, &got)
				return nil
			}))
			require.Equal(t, before, b.dump(t))
			b.requireVerified(t)
		})
	}
}

func TestParallelDebitsOfOneWallet(t *testing.T) {
	t.Parallel()
	const (
		goroutines = 64
		balance    = 1_000_000
		debit      = 30_000
	)
	b := setup(t)
	u := b.newUser(t)
	b.deposit(t, u, balance)
	b.treasury(t, ledger.Gold, 10_000_000)
	var wins atomic.Int64
	errs := make(chan error, goroutines)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			<-start
			j, err := ledger.BuyJournal(u, debit-150, 150, 1_000, "BUY")
			if err == nil {
				err = b.post(t.Context(), j)
			}
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, core.ErrInsufficientFunds):
				errs <- err
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, balance/debit, wins.Load())
	require.Equal(t, ledger.Balance{Available: balance % debit}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
	require.Equal(t, ledger.Balance{Available: balance / debit * 1_000}, b.balance(t, ledger.UserAccount(u, ledger.Gold)))
	b.requireVerified(t)
}

func TestParallelReleaseAndSettle(t *testing.T) {
	t.Parallel()
	const holds, racers = 16, 8
	b := setup(t)
	u := b.newUser(t)
	b.deposit(t, u, holds*60_000)
	var settled atomic.Int64
	for i := range holds {
		id := b.placeHold(t, u, 60_000)
		var wins atomic.Int64
		errs := make(chan error, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for r := range racers {
			wg.Go(func() {
				<-start
				err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					var err error
					if r%2 == 0 {
						_, err = tx.Ledger().ReleaseHold(ctx, id)
					} else if _, err = tx.Ledger().SettleHold(ctx, id, ledger.WithdrawalCredits(55_000, 5_000)); err == nil {
						settled.Add(1)
					}
					return err
				})
				switch {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, core.ErrInvalidState):
					errs <- err
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.EqualValues(t, 1, wins.Load(), "hold %d (#%d)", id, i)
	}
	n := settled.Load()
	require.Equal(t, ledger.Balance{Available: (holds - n) * 60_000}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
	require.Equal(t, ledger.Balance{Available: n * 55_000}, b.balance(t, ledger.PayableAccount()))
	require.Equal(t, ledger.Balance{Available: n * 5_000}, b.balance(t, ledger.FeesAccount()))
	b.requireVerified(t)
}

func TestParallelIdempotentRequests(t *testing.T) {
	t.Parallel()
	const goroutines = 50
	b := setup(t)
	u := b.newUser(t)
	key, err := idempotency.NewKey("user:1:deposit", "key-parallel-1")
	require.NoError(t, err)
	fp := idempotency.FingerprintOf([]byte(`{"amount":5000}`))
	now := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	want := idempotency.Response{Status: 201, Body: []byte(`{"deposit":"DEP-1"}`)}
	var executed, replayed atomic.Int64
	errs := make(chan error, goroutines)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			<-start
			var ran bool
			var got *idempotency.Response
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				ran, got = false, nil
				stored, err := tx.Idempotency().Claim(ctx, key, fp, now)
				if err != nil || stored != nil {
					got = stored
					return err
				}
				j, err := ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 5_000, "DEP-1")
				if err != nil {
					return err
				}
				if _, err := tx.Ledger().Post(ctx, j); err != nil {
					return err
				}
				ran = true
				return tx.Idempotency().Complete(ctx, key, fp, want, now, now.Add(24*time.Hour))
			})
			switch {
			case err != nil:
				errs <- err
			case ran:
				executed.Add(1)
			case got != nil && got.Status == want.Status && string(got.Body) == string(want.Body):
				replayed.Add(1)
			default:
				errs <- fmt.Errorf("neither executed nor replayed: %+v", got)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "one writer at a time: no request may see the key in progress")
	}
	require.EqualValues(t, 1, executed.Load())
	require.EqualValues(t, goroutines-1, replayed.Load())
	require.Equal(t, ledger.Balance{Available: 5_000}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
	b.requireVerified(t)
}

func TestSnapshotsStayConsistentWhileWriting(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"File", "Memory"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			path := tempPath(t)
			if mode == "Memory" {
				path = MemoryPath
			}
			b := &testBundle{store: openStore(t, path, Options{})}
			users := make([]core.UserID, 8)
			for i := range users {
				users[i] = b.newUser(t)
				b.deposit(t, users[i], 10_000_000)
			}
			b.treasury(t, ledger.Gold, 100_000_000)
			ctx, cancel := context.WithCancel(t.Context())
			var writers, readers sync.WaitGroup
			errs := make(chan error, 64)
			for _, u := range users {
				writers.Go(func() {
					for range 40 {
						if err := b.post(ctx, valid(ledger.BuyJournal(u, 100_000, 500, 2_000, "BUY"))); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			var checks atomic.Int64
			for range 4 {
				readers.Go(func() {
					for ctx.Err() == nil {
						err := b.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
							r, err := tx.Ledger().Verify(ctx)
							if err == nil && !r.OK() {
								err = fmt.Errorf("verify during writes: %s", r)
							}
							return err
						})
						if err != nil && ctx.Err() == nil {
							errs <- err
							return
						}
						checks.Add(1)
					}
				})
			}
			writers.Wait()
			cancel()
			readers.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Positive(t, checks.Load())
			require.Equal(t, ledger.Balance{Available: 100_000_000 - 8*40*2_000}, b.balance(t, ledger.HouseAccount(ledger.Gold)))
			b.requireVerified(t)
		})
	}
}

// valid returns the journal of a constructor whose arguments are known to be valid.
func valid(j ledger.Journal, err error) ledger.Journal {
	if err != nil {
		panic(err)
	}
	return j
}

func TestVerifyReportsTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  []string
		problem string
	}{
		{
			name: "PostingAmount",
			tamper: []string{
				"DROP TRIGGER ledger_postings_no_update",
				"UPDATE ledger_postings SET amount = amount + 1 WHERE id = (SELECT MAX(id) FROM ledger_postings)",
			},
			problem: "postings do not sum to zero per asset",
		},
		{
			name: "PostingDeleted",
			tamper: []string{
				"DROP TRIGGER ledger_postings_no_delete",
				"DELETE FROM ledger_postings WHERE id = (SELECT MAX(id) FROM ledger_postings)",
			},
			problem: "postings say",
		},
		{
			name:    "UserBalance",
			tamper:  []string{"UPDATE ledger_user_balances SET available = available + 7"},
			problem: "stored balances sum to 7, not zero",
		},
		{
			name:    "HouseGoldNegative",
			tamper:  []string{"UPDATE ledger_system_balances SET balance = -5, may_go_negative = 1 WHERE account_id = (SELECT id FROM ledger_accounts WHERE code = 'house:GOLD')"},
			problem: "house:GOLD: negative balance",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			u := b.newUser(t)
			b.deposit(t, u, 100_000)
			b.treasury(t, ledger.Gold, 1_000)
			b.requireVerified(t)
			for _, stmt := range tt.tamper {
				_, err := b.store.write.ExecContext(t.Context(), stmt)
				require.NoError(t, err, stmt)
			}
			r := b.report(t)
			require.False(t, r.OK())
			require.Contains(t, r.String(), tt.problem)
		})
	}
}

func TestJournalsAndPostingsAreAppendOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.newUser(t)
	b.deposit(t, u, 100_000)
	for _, stmt := range []string{
		"UPDATE ledger_journals SET reference = 'x'",
		"DELETE FROM ledger_journals",
		"UPDATE ledger_postings SET amount = 1",
		"DELETE FROM ledger_postings",
	} {
		_, err := b.store.write.ExecContext(t.Context(), stmt)
		require.ErrorContains(t, err, "is append-only", stmt)
	}
	b.requireVerified(t)
}

func TestRolledBackAccountsAreNotCached(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// A transaction opens user 1's accounts and posts to them (so the store resolves them),
	// then rolls back.
	errRollback := errors.New("roll back")
	err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		id, err := tx.Users().Create(ctx, identity.NewUser("+989120000001", time.Now()))
		if err != nil {
			return err
		}
		if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, valid(ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), 1_000, "DEP"))); err != nil {
			return err
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	// User 1 now exists without accounts, and user 2's accounts reuse the rolled-back ids.
	first := b.newUserWithoutAccounts(t)
	second := b.newUser(t)
	require.EqualValues(t, 1, first)
	err = b.post(t.Context(), valid(ledger.DepositJournal(first, ledger.ExternalAccount(ledger.IRR), 1_000, "DEP")))
	require.ErrorIs(t, err, core.ErrNotFound)
	require.Equal(t, ledger.Balance{}, b.balance(t, ledger.UserAccount(second, ledger.IRR)))
	b.requireVerified(t)
}

func (b *testBundle) newUserWithoutAccounts(t *testing.T) core.UserID {
	t.Helper()
	var id core.UserID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Users().Create(ctx, identity.NewUser(fmt.Sprintf("+98913%07d", b.seq.Add(1)), time.Now()))
		return err
	}))
	return id
}

func TestBalanceOverflowIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.treasury(t, ledger.Gold, math.MaxInt64)
	before := b.dump(t)
	err := b.post(t.Context(), valid(ledger.TreasuryInJournal(ledger.Gold, 1, "TRS")))
	require.ErrorIs(t, err, core.ErrOverflow)
	require.Equal(t, before, b.dump(t))
	b.requireVerified(t)
}

func TestInTxRecoversFromPanic(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.newUser(t)
	require.Panics(t, func() {
		_ = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			if _, err := tx.Ledger().Post(ctx, valid(ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 1_000, "DEP"))); err != nil {
				return err
			}
			panic("boom")
		})
	})
	// The one write connection was given back, rolled back.
	b.deposit(t, u, 2_000)
	require.Equal(t, ledger.Balance{Available: 2_000}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
}

func TestSnapshotIsReadOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Users().Create(ctx, identity.NewUser("+989120000009", time.Now()))
		return err
	})
	require.ErrorContains(t, err, "readonly")
}

func TestBusyDatabaseIsRetried(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	other := openStore(t, path, Options{}) // another process's store on the same file
	s := openStore(t, path, Options{BusyTimeout: 20 * time.Millisecond, MaxAttempts: 3})
	create := func(phone string) error {
		return s.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Users().Create(ctx, identity.NewUser(phone, time.Now()))
			return err
		})
	}

	locked := make(chan struct{})
	release := make(chan struct{})
	lockErr := make(chan error, 1)
	go func() {
		lockErr <- other.InTx(t.Context(), func(context.Context, ports.Tx) error {
			close(locked) // BEGIN IMMEDIATE holds the write lock until fn returns
			<-release
			return nil
		})
	}()
	<-locked
	err := create("+989120000010")
	require.ErrorIs(t, err, core.ErrRetryable)
	require.ErrorContains(t, err, "gave up after 3 attempts")

	// A lock released while the retries run is waited out.
	patient := openStore(t, path, Options{BusyTimeout: 20 * time.Millisecond, MaxAttempts: 50})
	time.AfterFunc(30*time.Millisecond, func() { close(release) })
	require.NoError(t, patient.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Users().Create(ctx, identity.NewUser("+989120000011", time.Now()))
		return err
	}))
	require.NoError(t, <-lockErr)
}
