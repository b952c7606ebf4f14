package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// migrate migrates the template database of pgtest.
func migrate(ctx context.Context, dsn string) error {
	s, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	return errors.Join(s.Migrate(ctx), s.Close())
}

// testBundle is a fresh store and the DSN of its database.
type testBundle struct {
	store *postgres.Store
	dsn   string
	now   time.Time
	seq   atomic.Int64
}

// setup opens a store with opts on a new database of its own.
func setup(t testing.TB, opts postgres.Options) *testBundle {
	t.Helper()
	dsn := pgtest.New(t, pgtest.Options{Migrate: migrate})
	store, err := postgres.Open(t.Context(), dsn, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	return &testBundle{store: store, dsn: dsn, now: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) ports.Store {
		return setup(t, postgres.Options{}).store
	})
}

// newUser registers a user and opens its accounts.
func (b *testBundle) newUser(t testing.TB) core.UserID {
	t.Helper()
	phone := fmt.Sprintf("+98912%07d", b.seq.Add(1))
	var id core.UserID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		if id, err = tx.Users().Create(ctx, identity.NewUser(phone, b.now)); err != nil {
			return err
		}
		return tx.Ledger().OpenUserAccounts(ctx, id)
	}))
	return id
}

// post posts j in a transaction of its own.
func (b *testBundle) post(ctx context.Context, j ledger.Journal) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, j)
		return err
	})
}

// mustPost posts j and fails t when that fails.
func (b *testBundle) mustPost(t testing.TB, j ledger.Journal) {
	t.Helper()
	require.NoError(t, b.post(t.Context(), j))
}

// built returns a function that hands out a journal built without error, or fails t; use it
// as built(t)(ledger.DepositJournal(...)).
func built(t testing.TB) func(ledger.Journal, error) ledger.Journal {
	return func(j ledger.Journal, err error) ledger.Journal {
		t.Helper()
		require.NoError(t, err)
		return j
	}
}

func (b *testBundle) balance(t testing.TB, account ledger.Account) ledger.Balance {
	t.Helper()
	var bal ledger.Balance
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		bal, err = tx.Ledger().Balance(ctx, account)
		return err
	}))
	return bal
}

func (b *testBundle) verify(t testing.TB) ledger.Report {
	t.Helper()
	var r ledger.Report
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		r, err = tx.Ledger().Verify(ctx)
		return err
	}))
	return r
}

// shards returns the balances of a system account's shards, in shard order.
func (b *testBundle) shards(t testing.TB, account ledger.Account) []int64 {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), b.dsn)
	require.NoError(t, err)
	defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()
	rows, err := conn.Query(t.Context(), `
		SELECT s.balance FROM ledger_system_balances s
		JOIN ledger_accounts a ON a.id = s.account_id
		WHERE a.code = $1 ORDER BY s.shard`, account.Code())
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	return out
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  postgres.Options
		valid bool
	}{
		{name: "Zero", opts: postgres.Options{}, valid: true},
		{name: "Explicit", opts: postgres.Options{MaxConns: 8, LockTimeout: time.Second, StatementTimeout: time.Minute, Shards: 64, MaxRetries: 2}, valid: true},
		{name: "NegativeMaxConns", opts: postgres.Options{MaxConns: -1}},
		{name: "NegativeLockTimeout", opts: postgres.Options{LockTimeout: -time.Second}},
		{name: "NegativeStatementTimeout", opts: postgres.Options{StatementTimeout: -time.Second}},
		{name: "TooManyShards", opts: postgres.Options{Shards: postgres.MaxShards + 1}},
		{name: "NegativeRetries", opts: postgres.Options{MaxRetries: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.opts.Validate()
			if tt.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{Shards: 40})
	// The template is migrated already: migrating again is a no-op that adds the shards the
	// options ask for.
	require.NoError(t, b.store.Migrate(t.Context()))
	status, err := b.store.MigrationStatus(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, status)
	for i, m := range status {
		require.True(t, m.Applied, "%s", m.Name)
		require.EqualValues(t, i+1, m.Version)
		require.False(t, m.AppliedAt.IsZero())
	}
	for _, account := range ledger.SystemAccounts() {
		require.Len(t, b.shards(t, account), 40, "%s", account)
	}
	require.NoError(t, b.store.Ping(t.Context()))
}

func TestPostInsufficientFunds(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	b.mustPost(t, built(t)(ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 100_000, "dep")))
	b.mustPost(t, built(t)(ledger.TreasuryInJournal(ledger.Gold, 5_000, "treasury")))
	hold, err := ledger.NewHold(u, ledger.IRR, 30_000, "WD1")
	require.NoError(t, err)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().PlaceHold(ctx, hold)
		return err
	}))
	before := b.verify(t)
	require.True(t, before.OK(), "%s", before)
	balances := map[ledger.Account]ledger.Balance{}
	for _, account := range []ledger.Account{
		ledger.UserAccount(u, ledger.IRR), ledger.UserAccount(u, ledger.Gold),
		ledger.HouseAccount(ledger.IRR), ledger.HouseAccount(ledger.Gold), ledger.FeesAccount(),
	} {
		balances[account] = b.balance(t, account)
	}
	require.Equal(t, ledger.Balance{Available: 70_000, Held: 30_000}, balances[ledger.UserAccount(u, ledger.IRR)])

	tooMuchHeld, err := ledger.NewJournal(ledger.JournalCorrection, "fix",
		ledger.Posting{Account: ledger.UserAccount(u, ledger.IRR), Bucket: ledger.Held, Amount: -30_001},
		ledger.Posting{Account: ledger.FeesAccount(), Amount: 30_001},
	)
	require.NoError(t, err)
	buyTooMuchGold, err := ledger.BuyJournal(u, 10_000, 100, 5_001, "TXN1")
	require.NoError(t, err)
	buyTooExpensive, err := ledger.BuyJournal(u, 70_000, 1, 10, "TXN2")
	require.NoError(t, err)
	sellToPoorHouse, err := ledger.NewJournal(ledger.JournalCorrection, "fix",
		ledger.Posting{Account: ledger.HouseAccount(ledger.IRR), Amount: -1},
		ledger.Posting{Account: ledger.UserAccount(u, ledger.IRR), Amount: 1},
	)
	require.NoError(t, err)

	tests := []struct {
		name    string
		journal ledger.Journal
		want    ledger.InsufficientFundsError
	}{
		{
			name:    "UserAvailable",
			journal: buyTooExpensive,
			want: ledger.InsufficientFundsError{
				Account: ledger.UserAccount(u, ledger.IRR), Bucket: ledger.Available,
				Required: 70_001, Available: 70_000,
			},
		},
		{
			name:    "UserHeld",
			journal: tooMuchHeld,
			want: ledger.InsufficientFundsError{
				Account: ledger.UserAccount(u, ledger.IRR), Bucket: ledger.Held,
				Required: 30_001, Available: 30_000,
			},
		},
		{
			name:    "HouseGold",
			journal: buyTooMuchGold,
			want: ledger.InsufficientFundsError{
				Account: ledger.HouseAccount(ledger.Gold), Bucket: ledger.Available,
				Required: 5_001, Available: 5_000,
			},
		},
		{
			name:    "HouseRials",
			journal: sellToPoorHouse,
			want: ledger.InsufficientFundsError{
				Account: ledger.HouseAccount(ledger.IRR), Bucket: ledger.Available,
				Required: 1, Available: 0,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The failed post leaves the transaction usable and unchanged: the balances read
			// in it afterwards are the ones before, and it commits.
			require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().Post(ctx, tt.journal)
				require.ErrorIs(t, err, core.ErrInsufficientFunds)
				var insufficient *ledger.InsufficientFundsError
				require.ErrorAs(t, err, &insufficient)
				require.Equal(t, tt.want, *insufficient)
				for _, p := range tt.journal.Postings() {
					bal, err := tx.Ledger().Balance(ctx, p.Account)
					require.NoError(t, err)
					require.Equal(t, balances[p.Account], bal, "%s", p.Account)
				}
				return nil
			}))
			after := b.verify(t)
			require.True(t, after.OK(), "%s", after)
			require.Equal(t, before.Journals, after.Journals)
		})
	}
}

func TestPostShardFallback(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	house := ledger.HouseAccount(ledger.Gold)
	// Two credits land in two different (the emptiest) shards.
	b.mustPost(t, built(t)(ledger.TreasuryInJournal(ledger.Gold, 100, "in1")))
	b.mustPost(t, built(t)(ledger.TreasuryInJournal(ledger.Gold, 100, "in2")))
	shards := b.shards(t, house)
	require.Len(t, shards, postgres.DefaultShards)
	require.ElementsMatch(t, append([]int64{100, 100}, make([]int64, postgres.DefaultShards-2)...), shards)

	// 150 fits no single shard but the total: the fallback takes it and levels the shards.
	b.mustPost(t, built(t)(ledger.TreasuryOutJournal(ledger.Gold, 150, "out1")))
	require.Equal(t, ledger.Balance{Available: 50}, b.balance(t, house))
	for _, s := range b.shards(t, house) {
		require.GreaterOrEqual(t, s, int64(1))
		require.LessOrEqual(t, s, int64(2))
	}

	// One more than the total fails and changes nothing.
	j, err := ledger.TreasuryOutJournal(ledger.Gold, 51, "out2")
	require.NoError(t, err)
	err = b.post(t.Context(), j)
	var insufficient *ledger.InsufficientFundsError
	require.ErrorAs(t, err, &insufficient)
	require.Equal(t, ledger.InsufficientFundsError{Account: house, Bucket: ledger.Available, Required: 51, Available: 50}, *insufficient)
	require.Equal(t, ledger.Balance{Available: 50}, b.balance(t, house))

	// Exactly the total succeeds.
	b.mustPost(t, built(t)(ledger.TreasuryOutJournal(ledger.Gold, 50, "out3")))
	require.Equal(t, ledger.Balance{}, b.balance(t, house))
	r := b.verify(t)
	require.True(t, r.OK(), "%s", r)
	require.EqualValues(t, 4, r.Journals)
}

func TestPostParallelDebitsOfOneWallet(t *testing.T) {
	t.Parallel()
	const (
		workers = 64
		start   = 1_000
		debit   = 30
	)
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	b.mustPost(t, built(t)(ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), start, "dep")))
	var wins, losses atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	ready := make(chan struct{})
	for range workers {
		wg.Go(func() {
			j, err := ledger.NewJournal(ledger.JournalFee, "fee",
				ledger.Posting{Account: ledger.UserAccount(u, ledger.IRR), Amount: -debit},
				ledger.Posting{Account: ledger.FeesAccount(), Amount: debit},
			)
			if err != nil {
				errs <- err
				return
			}
			<-ready
			switch err := b.post(t.Context(), j); {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, core.ErrInsufficientFunds):
				losses.Add(1)
			default:
				errs <- err
			}
		})
	}
	close(ready)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, start/debit, wins.Load())
	require.EqualValues(t, workers-start/debit, losses.Load())
	require.Equal(t, ledger.Balance{Available: start % debit}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
	require.Equal(t, ledger.Balance{Available: start / debit * debit}, b.balance(t, ledger.FeesAccount()))
	r := b.verify(t)
	require.True(t, r.OK(), "%s", r)
}

func TestHoldReleaseSettleRace(t *testing.T) {
	t.Parallel()
	const holds = 20
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	b.mustPost(t, built(t)(ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), holds*1_000, "dep")))
	ids := make([]ledger.HoldID, holds)
	for i := range ids {
		h, err := ledger.NewHold(u, ledger.IRR, 1_000, fmt.Sprintf("WD%d", i))
		require.NoError(t, err)
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			ids[i], err = tx.Ledger().PlaceHold(ctx, h)
			return err
		}))
	}
	var released, settled atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 2*holds)
	ready := make(chan struct{})
	for _, id := range ids {
		wg.Go(func() {
			<-ready
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().ReleaseHold(ctx, id)
				return err
			})
			switch {
			case err == nil:
				released.Add(1)
			case !errors.Is(err, core.ErrInvalidState):
				errs <- err
			}
		})
		wg.Go(func() {
			<-ready
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Ledger().SettleHold(ctx, id, ledger.WithdrawalCredits(900, 100))
				return err
			})
			switch {
			case err == nil:
				settled.Add(1)
			case !errors.Is(err, core.ErrInvalidState):
				errs <- err
			}
		})
	}
	close(ready)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// Exactly one transition per hold, and the balances agree with the winners.
	require.EqualValues(t, holds, released.Load()+settled.Load())
	s := settled.Load()
	require.Equal(t, ledger.Balance{Available: (holds - s) * 1_000}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
	require.Equal(t, ledger.Balance{Available: s * 900}, b.balance(t, ledger.PayableAccount()))
	require.Equal(t, ledger.Balance{Available: s * 100}, b.balance(t, ledger.FeesAccount()))
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		for _, id := range ids {
			h, err := tx.Ledger().Hold(ctx, id)
			require.NoError(t, err)
			require.NotEqual(t, ledger.HoldPlaced, h.State())
		}
		return nil
	}))
	r := b.verify(t)
	require.True(t, r.OK(), "%s", r)
}

func TestInTxRetries(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{MaxRetries: 3})
	serializationFailure := &pgconn.PgError{Code: "40001", Message: "could not serialize access"}

	tests := []struct {
		name      string
		failures  int   // how many attempts fail with failure before one succeeds
		failure   error // what the failing attempts return
		wantCalls int
		wantErr   error
	}{
		{name: "SerializationFailureOnce", failures: 1, failure: serializationFailure, wantCalls: 2},
		{name: "Deadlock", failures: 2, failure: fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40P01"}), wantCalls: 3},
		{name: "LockTimeout", failures: 1, failure: &pgconn.PgError{Code: "55P03"}, wantCalls: 2},
		{name: "RetriesSpent", failures: 10, failure: serializationFailure, wantCalls: 4, wantErr: core.ErrRetryable},
		{name: "NotRetryable", failures: 10, failure: core.ErrInsufficientFunds, wantCalls: 1, wantErr: core.ErrInsufficientFunds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := b.newUser(t)
			j, err := ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 1_000, "dep")
			require.NoError(t, err)
			calls := 0
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				calls++
				// Every attempt writes; only the successful one may stick.
				if _, err := tx.Ledger().Post(ctx, j); err != nil {
					return err
				}
				if calls <= tt.failures {
					return tt.failure
				}
				return nil
			})
			require.Equal(t, tt.wantCalls, calls)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Equal(t, ledger.Balance{}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
				return
			}
			require.NoError(t, err)
			require.Equal(t, ledger.Balance{Available: 1_000}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
		})
	}
}

func TestInTxRetriesRealDeadlock(t *testing.T) {
	t.Parallel()
	// Two transactions lock two user rows in opposite orders through separate posts; the
	// deadlock PostgreSQL detects in one of them is retried and both commit.
	b := setup(t, postgres.Options{})
	u1, u2 := b.newUser(t), b.newUser(t)
	b.mustPost(t, built(t)(ledger.DepositJournal(u1, ledger.ExternalAccount(ledger.IRR), 10, "dep")))
	b.mustPost(t, built(t)(ledger.DepositJournal(u2, ledger.ExternalAccount(ledger.IRR), 10, "dep")))
	fee := func(u core.UserID) ledger.Journal {
		j, err := ledger.NewJournal(ledger.JournalFee, "fee",
			ledger.Posting{Account: ledger.UserAccount(u, ledger.IRR), Amount: -1},
			ledger.Posting{Account: ledger.FeesAccount(), Amount: 1},
		)
		require.NoError(t, err)
		return j
	}
	var attempts atomic.Int64
	var both sync.WaitGroup
	both.Add(2)
	run := func(first, second core.UserID) error {
		once := sync.Once{}
		return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			attempts.Add(1)
			if _, err := tx.Ledger().Post(ctx, fee(first)); err != nil {
				return err
			}
			// Both transactions hold their first row before either asks for its second.
			once.Do(func() { both.Done(); both.Wait() })
			_, err := tx.Ledger().Post(ctx, fee(second))
			return err
		})
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = run(u1, u2) })
	wg.Go(func() { errs[1] = run(u2, u1) })
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.GreaterOrEqual(t, attempts.Load(), int64(3), "one transaction must have been retried")
	require.Equal(t, ledger.Balance{Available: 8}, b.balance(t, ledger.UserAccount(u1, ledger.IRR)))
	require.Equal(t, ledger.Balance{Available: 8}, b.balance(t, ledger.UserAccount(u2, ledger.IRR)))
}

func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	b.mustPost(t, built(t)(ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 1_000_000, "dep")))
	b.mustPost(t, built(t)(ledger.TreasuryInJournal(ledger.Gold, 1_000_000, "treasury")))
	b.mustPost(t, built(t)(ledger.BuyJournal(u, 500_000, 2_500, 12_500, "TXN1")))
	clean := b.verify(t)
	require.True(t, clean.OK(), "%s", clean)
	require.EqualValues(t, 3, clean.Journals)
	require.EqualValues(t, 2+2+5, clean.Postings)

	// The postings are append-only.
	conn, err := pgx.Connect(t.Context(), b.dsn)
	require.NoError(t, err)
	defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()
	_, err = conn.Exec(t.Context(), "UPDATE ledger_postings SET amount = amount + 1")
	require.ErrorContains(t, err, "append-only")
	_, err = conn.Exec(t.Context(), "DELETE FROM ledger_journals")
	require.ErrorContains(t, err, "append-only")
	_, err = conn.Exec(t.Context(), "UPDATE ledger_accounts SET code = code || 'x'")
	require.ErrorContains(t, err, "append-only")

	// Someone with the rights to disable the trigger edits the user's gold posting.
	_, err = conn.Exec(t.Context(), "ALTER TABLE ledger_postings DISABLE TRIGGER ledger_postings_append_only")
	require.NoError(t, err)
	var journalID int64
	require.NoError(t, conn.QueryRow(t.Context(), `
		UPDATE ledger_postings p SET amount = amount + 1
		FROM ledger_accounts a
		WHERE a.id = p.account_id AND a.code = $1
		RETURNING p.journal_id`, ledger.UserAccount(u, ledger.Gold).Code()).Scan(&journalID))
	_, err = conn.Exec(t.Context(), "ALTER TABLE ledger_postings ENABLE TRIGGER ledger_postings_append_only")
	require.NoError(t, err)

	// A posting naming no account (the column has no foreign key) is reported too.
	_, err = conn.Exec(t.Context(),
		"INSERT INTO ledger_postings (journal_id, account_id, bucket, amount) VALUES ($1, 987654, 0, 7)", journalID)
	require.NoError(t, err)

	tampered := b.verify(t)
	require.False(t, tampered.OK())
	require.Contains(t, tampered.Problems, fmt.Sprintf("%s: stored %+v, postings say %+v",
		ledger.UserAccount(u, ledger.Gold), ledger.Balance{Available: 12_500}, ledger.Balance{Available: 12_501}))
	require.Contains(t, tampered.Problems, "GOLD: postings sum to 1, not zero")
	require.Contains(t, tampered.Problems, fmt.Sprintf("journal %d: postings do not sum to zero per asset", journalID))
	require.Contains(t, tampered.Problems, "1 postings name no account")
}

func TestIdempotencyClaimWhileInProgress(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	key, err := idempotency.NewKey("user:1:buy", "key-in-progress")
	require.NoError(t, err)
	fp := idempotency.FingerprintOf([]byte(`{"amount":1}`))
	resp := idempotency.Response{Status: 201, Body: []byte(`{"id":1}`)}
	claim := func() (*idempotency.Response, error) {
		var stored *idempotency.Response
		err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			var err error
			stored, err = tx.Idempotency().Claim(ctx, key, fp, b.now)
			return err
		})
		return stored, err
	}

	claimed := make(chan struct{})
	finish := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			stored, err := tx.Idempotency().Claim(ctx, key, fp, b.now)
			if err != nil || stored != nil {
				return fmt.Errorf("first claim: %v: %w", stored, err)
			}
			close(claimed)
			<-finish
			return tx.Idempotency().Complete(ctx, key, fp, resp, b.now, b.now.Add(idempotency.Retention))
		})
	}()
	<-claimed
	// While the first request runs, the key is busy: the answer comes at once, without
	// waiting for the first transaction.
	started := time.Now()
	_, err = claim()
	require.ErrorIs(t, err, core.ErrIdempotencyInProgress)
	require.Less(t, time.Since(started), time.Second)

	close(finish)
	require.NoError(t, <-done)
	stored, err := claim()
	require.NoError(t, err)
	require.Equal(t, &resp, stored)
}

func TestInTxCommitAfterIgnoredError(t *testing.T) {
	t.Parallel()
	// A failed statement aborts the PostgreSQL transaction; when fn ignores the error and
	// returns nil, the commit is a rollback and InTx must say so.
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	j := built(t)(ledger.DepositJournal(u, ledger.ExternalAccount(ledger.IRR), 1_000, "dep"))
	err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		_, err := tx.Users().Create(ctx, identity.NewUser(fmt.Sprintf("+98912%07d", b.seq.Load()), b.now))
		require.ErrorIs(t, err, core.ErrPhoneTaken)
		return nil
	})
	require.ErrorIs(t, err, pgx.ErrTxCommitRollback)
	require.Equal(t, ledger.Balance{}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
}

func TestAccountCacheIgnoresRolledBackAccounts(t *testing.T) {
	t.Parallel()
	// The id of an account created in a transaction that rolls back must not be remembered:
	// the account is created again later under another id.
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	deposit := built(t)(ledger.DepositJournal(u, ledger.ClearingAccount("zarinpal"), 5_000, "dep"))
	errRollback := errors.New("roll back")
	err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if err := tx.Ledger().OpenClearingAccount(ctx, "zarinpal"); err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, deposit); err != nil {
			return err
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if err := tx.Ledger().OpenClearingAccount(ctx, "zarinpal"); err != nil {
			return err
		}
		_, err := tx.Ledger().Post(ctx, deposit)
		return err
	}))
	b.mustPost(t, deposit)
	require.Equal(t, ledger.Balance{Available: -10_000}, b.balance(t, ledger.ClearingAccount("zarinpal")))
	require.Equal(t, ledger.Balance{Available: 10_000}, b.balance(t, ledger.UserAccount(u, ledger.IRR)))
	r := b.verify(t)
	require.True(t, r.OK(), "%s", r)
}
