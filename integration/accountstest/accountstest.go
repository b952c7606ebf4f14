// Package accountstest gives the tests of the app services real adapters without importing
// them from app/...: a migrated store, in-memory SQLite or a PostgreSQL database of the
// test's own, that records the jobs its committed transactions enqueued (and can be told to
// fail a transaction after its function ran), and the in-memory rate limiter. All read the
// test's clock.
package accountstest

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/ratelimit/memory"
	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/integration/pii"
	"github.com/talabin/talabin/ports"
)

// Store is a migrated [ports.Store] that remembers every job enqueued by a committed
// [Store.InTx]. It is safe for concurrent use.
type Store struct {
	ports.Store

	// dsn is the PostgreSQL database's, "" for SQLite.
	dsn string

	mu       sync.Mutex
	jobs     []ports.Job
	failNext error
}

// NewStore opens and migrates a private in-memory SQLite store on clock, closed at the end
// of the test.
func NewStore(t *testing.T, clock ports.Clock) *Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.MemoryPath, sqlite.Options{Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.NoError(t, s.Migrate(t.Context()))
	return &Store{Store: s}
}

// postgresConns bounds each test database's pool: enough for the races the service tests
// run, few enough that parallel tests stay under the server's connection limit.
const postgresConns = 4

// NewPostgresStore opens a store on a fresh, migrated PostgreSQL database of the test's own
// (see [pgtest.New], which also says when the test is skipped) on clock, closed at the end
// of the test. A test binary that uses it should call [pgtest.Main] from TestMain.
func NewPostgresStore(t *testing.T, clock ports.Clock) *Store {
	t.Helper()
	dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
	s, err := postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: postgresConns, Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return &Store{Store: s, dsn: dsn}
}

// migratePostgres migrates the empty template database at dsn.
func migratePostgres(ctx context.Context, dsn string) error {
	s, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	return errors.Join(s.Migrate(ctx), s.Close())
}

// FailNextTx makes the next InTx return err after its function succeeded, so the store
// rolls back everything the function wrote.
func (s *Store) FailNextTx(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = err
}

// Jobs returns the committed jobs of kind, oldest first.
func (s *Store) Jobs(kind string) []ports.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ports.Job
	for _, j := range s.jobs {
		if j.Kind == kind {
			out = append(out, j)
		}
	}
	return out
}

// InTx runs fn in the underlying store's transaction and records the jobs it enqueued once
// the transaction commits.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) error {
	s.mu.Lock()
	fail := s.failNext
	s.failNext = nil
	s.mu.Unlock()
	var pending []ports.Job
	err := s.Store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		pending = pending[:0]
		if err := fn(ctx, recordingTx{Tx: tx, jobs: &pending}); err != nil {
			return err
		}
		return fail
	})
	if err == nil {
		s.mu.Lock()
		s.jobs = append(s.jobs, pending...)
		s.mu.Unlock()
	}
	return err
}

// Depth counts the jobs of kind waiting in the underlying queue.
func (s *Store) Depth(t *testing.T, kind string) int {
	t.Helper()
	var n int
	require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		n, err = tx.Jobs().Depth(ctx, kind)
		return err
	}))
	return n
}

// recordingTx is a transaction whose job queue records what it inserted.
type recordingTx struct {
	ports.Tx
	jobs *[]ports.Job
}

func (t recordingTx) Jobs() ports.JobQueue {
	return recordingQueue{JobQueue: t.Tx.Jobs(), jobs: t.jobs}
}

type recordingQueue struct {
	ports.JobQueue
	jobs *[]ports.Job
}

func (q recordingQueue) Enqueue(ctx context.Context, job ports.Job) (bool, error) {
	inserted, err := q.JobQueue.Enqueue(ctx, job)
	if err == nil && inserted {
		*q.jobs = append(*q.jobs, job)
	}
	return inserted, err
}

// SQLDB returns a database/sql handle on the store's database and its engine, for checks
// that read every table, such as [pii.Scan]. On SQLite it is the store's one write
// connection, so use it only while no transaction runs; on PostgreSQL it is a pool of its
// own, closed at the end of the test.
func (s *Store) SQLDB(t *testing.T) (*sql.DB, pii.Engine) {
	t.Helper()
	if s.dsn == "" {
		lite, ok := s.Store.(*sqlite.Store)
		require.True(t, ok, "accountstest: store is neither PostgreSQL nor SQLite")
		return lite.JobDB(), pii.SQLite
	}
	cfg, err := pgx.ParseConfig(s.dsn)
	require.NoError(t, err)
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db, pii.PostgreSQL
}

// ScanPII returns every cell of the store's database that contains one of needles (see
// [pii.Scan]); a test of account deletion expects none for the erased person's data.
func (s *Store) ScanPII(t *testing.T, needles ...string) []pii.Finding {
	t.Helper()
	db, engine := s.SQLDB(t)
	found, err := pii.Scan(t.Context(), db, engine, needles)
	require.NoError(t, err)
	return found
}

// NewLimiter returns the in-memory rate limiter on clock.
func NewLimiter(t *testing.T, clock ports.Clock) ports.RateLimiter {
	t.Helper()
	l, err := memory.New(memory.Options{Clock: clock})
	require.NoError(t, err)
	return l
}
