package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/ports"
)

var _ ports.Store = (*Store)(nil)

// Store is Talabin's persistent state in one PostgreSQL database. It is safe for concurrent
// use. Build it with [Open].
type Store struct {
	pool     *pgxpool.Pool
	queries  *dbsqlc.Queries
	opts     Options
	accounts *accountCache
	// jobs is an insert-only River client: it has no queues and no workers, so it inserts
	// jobs of any kind and never runs them.
	jobs *river.Client[pgx.Tx]
}

// Open connects to the database at dsn (a postgres:// URL or key=value string) and returns a
// store. It does not migrate; call [Store.Migrate] for that. Open fails when the options are
// invalid or the database does not answer.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	params := cfg.ConnConfig.RuntimeParams
	params["lock_timeout"] = strconv.FormatInt(opts.LockTimeout.Milliseconds(), 10)
	params["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	// The statements are prepared once per connection (pgx caches them) and their plans do
	// not depend on the values of their parameters, so plan them once: re-planning the
	// journal statement on every execution cost a third of the server's CPU.
	params["plan_cache_mode"] = "force_generic_plan"
	// A session that dies between statements of a transaction must not keep its locks.
	params["idle_in_transaction_session_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	jobs, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: opts.Logger})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: job client: %w", err)
	}
	s := &Store{pool: pool, queries: dbsqlc.New(), opts: opts, accounts: newAccountCache(), jobs: jobs}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.ensureShards(ctx); err != nil && !isUndefinedTable(err) {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// ensureShards gives every system account [Options.Shards] shards. It writes only when some
// are missing, so that opening a store on a read-only connection works. On a database that
// is not migrated yet it fails with undefined_table; Migrate runs it again afterwards.
func (s *Store) ensureShards(ctx context.Context) error {
	shards := int32(s.opts.Shards)
	missing, err := s.queries.SystemShardsMissing(ctx, s.pool, shards)
	if err == nil && missing {
		err = s.queries.SystemShardsEnsure(ctx, s.pool, shards)
	}
	if err != nil {
		return fmt.Errorf("postgres: ensure shards: %w", interpretError(err))
	}
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", interpretError(err))
	}
	return nil
}

// JobPool returns the store's connection pool, for the River client that works the jobs
// enqueued through [ports.Tx.Jobs] (riverpgxv5.New(store.JobPool())). It is for the job
// runner only: everything else goes through [Store.InTx] and [Store.Snapshot].
func (s *Store) JobPool() *pgxpool.Pool { return s.pool }

// Close closes every connection of the pool, waiting for the ones in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// InTx runs fn in a READ COMMITTED transaction on one pooled connection and commits when fn
// returns nil. Serialization failures, deadlocks and lock timeouts, whether returned by fn or
// by the commit, roll back and run fn again, up to [Options.MaxRetries] times with jittered
// backoff; then the error wraps [core.ErrRetryable]. Any other error rolls back and is
// returned as is.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) error {
	return s.run(ctx, writeMode, fn)
}

// Snapshot runs fn in a REPEATABLE READ READ ONLY transaction: every statement in it sees
// the database as of its first statement. PostgreSQL takes no row locks in a read-only
// transaction, so the repositories' locking reads (GetForUpdate, Latest, GetByRefreshHash)
// read without locking in it.
func (s *Store) Snapshot(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) error {
	return s.run(ctx, snapshotMode, fn)
}

// txMode is how a transaction is opened.
type txMode struct {
	// opts are the transaction's isolation and access mode.
	opts pgx.TxOptions
	// readOnly reports whether opts open a read-only transaction.
	readOnly bool
}

// The modes of [Store.InTx] and [Store.Snapshot].
var (
	writeMode    = txMode{opts: pgx.TxOptions{IsoLevel: pgx.ReadCommitted}}
	snapshotMode = txMode{opts: pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, readOnly: true}
)

// run runs fn in transactions opened in mode until it succeeds, fails for good, or the
// retries are spent.
func (s *Store) run(ctx context.Context, mode txMode, fn func(ctx context.Context, tx ports.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.attempt(ctx, mode, fn)
		if err == nil || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
		if attempt >= s.opts.MaxRetries {
			return retryableError(fmt.Errorf("postgres: gave up after %d attempts: %w", attempt+1, err))
		}
		wait := backoff(attempt)
		s.opts.Logger.DebugContext(ctx, "postgres: retrying transaction",
			slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.Any("error", err))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
	}
}

// attempt runs fn once in a new transaction on one pooled connection, which it holds until
// the transaction ends. The pool closes a connection returned in a transaction (after a
// panic in fn, or a failed rollback) instead of reusing it.
func (s *Store) attempt(ctx context.Context, mode txMode, fn func(ctx context.Context, tx ports.Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: acquire connection: %w", interpretError(err))
	}
	defer conn.Release()
	ptx, err := conn.BeginTx(ctx, mode.opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", interpretError(err))
	}
	t := &tx{ptx: ptx, store: s, mode: mode}
	committed := false
	defer func() {
		if !committed {
			t.rollback(ctx)
		}
	}()
	if err := fn(ctx, t); err != nil {
		return err
	}
	committed = true
	if err := t.commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", interpretError(err))
	}
	if len(t.resolved) > 0 {
		s.accounts.add(t.resolved)
	}
	return nil
}

// backoff returns a random wait before retry number attempt+1: full jitter over an
// exponentially growing window starting at 2ms and capped at 250ms.
func backoff(attempt int) time.Duration {
	window := min(2*time.Millisecond<<min(attempt, 10), 250*time.Millisecond)
	return time.Duration(rand.Int64N(int64(window))) + time.Millisecond //nolint:gosec // jitter needs no unpredictability
}
