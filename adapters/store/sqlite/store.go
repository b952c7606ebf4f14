package sqlite

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	msqlite "modernc.org/sqlite"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	sqlitemigrations "github.com/talabin/talabin/migrations/sqlite"
	"github.com/talabin/talabin/ports"
)

// MemoryPath is the path that opens a private in-memory database instead of a file.
const MemoryPath = ":memory:"

// Defaults and limits of [Options].
const (
	// DefaultAuditChains is the number of hash chains the audit log is split into.
	DefaultAuditChains = 16
	// MaxAuditChains bounds [Options.AuditChains], as in the PostgreSQL store.
	MaxAuditChains = 1024
)

// Options tunes a [Store]. The zero value is valid and uses the defaults.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock held by another connection or
	// process (for example `talabin migrate` running beside the server) before it fails with
	// SQLITE_BUSY. Default 5s.
	BusyTimeout time.Duration
	// MaxAttempts is how many times [Store.InTx] runs its function when the database is
	// busy before giving up with [core.ErrRetryable]. Default 5.
	MaxAttempts int
	// ReadConns is the size of the read-only connection pool behind [Store.Snapshot].
	// Default 4.
	ReadConns int
	// AuditChains is how many hash chains the audit log is split into (core/audit
	// ChainFor). SQLite has one writer, so chains do not let appenders overlap here; the
	// store splits the log like the PostgreSQL store so that both keep alike logs. Default
	// [DefaultAuditChains], at most [MaxAuditChains].
	AuditChains int
	// Clock stamps journals and holds. Default: the system clock.
	Clock ports.Clock
	// Logger receives migration progress. Default: discard.
	Logger *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.BusyTimeout < 0 || o.MaxAttempts < 0 || o.ReadConns < 0 || o.AuditChains < 0 {
		return o, fmt.Errorf("%w: sqlite options must not be negative", core.ErrInvalidInput)
	}
	if o.AuditChains > MaxAuditChains {
		return o, fmt.Errorf("%w: sqlite audit chains must be at most %d", core.ErrInvalidInput, MaxAuditChains)
	}
	if o.BusyTimeout == 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 5
	}
	if o.ReadConns == 0 {
		o.ReadConns = 4
	}
	if o.AuditChains == 0 {
		o.AuditChains = DefaultAuditChains
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Store is the SQLite [ports.Store]. It is safe for concurrent use.
type Store struct {
	opts    Options
	write   *sql.DB // exactly one connection: SQLite has one writer
	read    *sql.DB // read-only connections for Snapshot
	keeper  driver.Conn
	queries *dbsqlc.Queries
	jobs    *river.Client[*sql.Tx] // insert-only: no queues, no workers
	memory  bool

	mu       sync.RWMutex
	accounts map[string]accountRef // committed accounts by code; accounts never change

	closeOnce sync.Once
	closeErr  error
}

var (
	_ ports.Store    = (*Store)(nil)
	_ ports.Migrator = (*Store)(nil)
)

// Open opens (creating it and its parent directory if needed) the database at path, or a
// private in-memory database when path is [MemoryPath]. It does not migrate: call
// [Store.Migrate].
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite path is empty", core.ErrInvalidInput)
	}
	s := &Store{opts: opts, queries: dbsqlc.New(), accounts: map[string]accountRef{}}
	common := url.Values{}
	common.Add("_pragma", "busy_timeout("+strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10)+")")
	common.Add("_pragma", "foreign_keys(1)")
	var name string
	if path == MemoryPath {
		// SQLite's memdb VFS under a unique name: every connection of this store opens the
		// same in-memory database, with ordinary database-level locking. (A shared-cache
		// memory database would lock per table, and a Snapshot reading several tables can
		// deadlock with the writer there.)
		s.memory = true
		name = "file:/talabin-" + crand.Text() + "?vfs=memdb&"
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create database directory: %w", err)
		}
		name = "file:" + escapeURIPath(path) + "?"
	}

	writeParams := cloneValues(common)
	writeParams.Set("_txlock", "immediate")
	if !s.memory {
		writeParams.Add("_pragma", "journal_mode(WAL)")
		writeParams.Add("_pragma", "synchronous(FULL)")
	}
	readParams := cloneValues(common)
	readParams.Add("_pragma", "query_only(1)")

	if s.memory {
		// A memdb database lives while one connection to it is open; the keeper is that
		// connection, outside both pools so they may close and reopen theirs.
		s.keeper, err = (&msqlite.Driver{}).Open(name + common.Encode())
		if err != nil {
			return nil, fmt.Errorf("sqlite: open in-memory database: %w", err)
		}
	}
	s.write, err = sql.Open("sqlite", name+writeParams.Encode())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open: %w", err), s.Close())
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)
	if err := s.checkWriter(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	// An insert-only River client (no queues, no workers) enqueues jobs in InTx's
	// transactions; the client that works them is built by the job runner over JobDB.
	s.jobs, err = river.NewClient(riversqlite.New(s.write), &river.Config{Logger: opts.Logger})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: job queue: %w", err), s.Close())
	}
	s.read, err = sql.Open("sqlite", name+readParams.Encode())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open: %w", err), s.Close())
	}
	s.read.SetMaxOpenConns(opts.ReadConns)
	s.read.SetMaxIdleConns(opts.ReadConns)
	if err := s.read.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open read pool: %w", err), s.Close())
	}
	return s, nil
}

// checkWriter opens the write connection and makes sure a file database really is in WAL
// mode: SQLite silently keeps a rollback journal where WAL is unsupported (some network file
// systems), and the one-writer-many-readers model depends on it.
func (s *Store) checkWriter(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	if s.memory {
		return nil
	}
	var mode string
	// A PRAGMA is configuration, not a query of the schema, so it is not in queries/sqlite.
	if err := s.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: journal mode is %q, not wal", mode)
	}
	return nil
}

// escapeURIPath escapes the characters that end or alter the path part of an SQLite URI.
func escapeURIPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// Migrate applies the pending migrations of migrations/sqlite, then River's own (its job
// tables), which River's migrator tracks apart from goose.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrationProvider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	m, err := rivermigrate.New(riversqlite.New(s.write), &rivermigrate.Config{Logger: s.opts.Logger})
	if err != nil {
		return fmt.Errorf("sqlite: river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("sqlite: migrate river: %w", interpretError(err))
	}
	return nil
}

// MigrationStatus reports every known migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]ports.MigrationStatus, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return nil, err
	}
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migration status: %w", err)
	}
	out := make([]ports.MigrationStatus, 0, len(list))
	for _, m := range list {
		out = append(out, ports.MigrationStatus{
			Version:   m.Source.Version,
			Name:      path.Base(m.Source.Path),
			Applied:   m.State == goose.StateApplied,
			AppliedAt: m.AppliedAt,
		})
	}
	return out, nil
}

func (s *Store) migrationProvider() (*goose.Provider, error) {
	// The provider is not closed: Close would close s.write, which the store owns.
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, sqlitemigrations.FS,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(s.opts.Logger),
	)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	return p, nil
}

// InTx runs fn in a write transaction (BEGIN IMMEDIATE on the one write connection) and
// commits when fn returns nil. When the database is busy fn runs again, up to
// [Options.MaxAttempts] times with jittered backoff; then the error wraps
// [core.ErrRetryable].
//
// fn must not call InTx of the same store with the context it is given: the one write
// connection is busy with fn's own transaction, so the inner call would wait forever. Such a
// call fails at once instead.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) error {
	if ctx.Value(inTxKey{s}) != nil {
		return errNestedTx
	}
	return s.retry(ctx, func() error { return s.run(ctx, s.write, nil, fn) })
}

// inTxKey marks the context given to an InTx function of one store.
type inTxKey struct{ s *Store }

var (
	errNestedTx     = errors.New("sqlite: InTx called inside InTx of the same store; use the tx it was given")
	errSnapshotInTx = errors.New("sqlite: Snapshot inside InTx of the same in-memory store; use the tx it was given")
)

// Snapshot runs fn in a read-only transaction. In WAL mode the transaction reads one
// snapshot, taken at its first read, and never blocks or is blocked by the writer.
//
// An in-memory store has no WAL: a reader waits while a write transaction is open. There a
// Snapshot inside an InTx function of the same store would wait for its own caller, so it
// fails at once instead; on a file store it works.
func (s *Store) Snapshot(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) error {
	if s.memory && ctx.Value(inTxKey{s}) != nil {
		return errSnapshotInTx
	}
	return s.retry(ctx, func() error {
		return s.run(ctx, s.read, &sql.TxOptions{ReadOnly: true}, fn)
	})
}

func (s *Store) retry(ctx context.Context, attempt func() error) error {
	backoff := 2 * time.Millisecond
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || !errors.Is(err, core.ErrRetryable) || ctx.Err() != nil {
			return err
		}
		if n >= s.opts.MaxAttempts {
			return fmt.Errorf("sqlite: gave up after %d attempts: %w", n, err)
		}
		// Full jitter: sleep a random part of an exponentially growing window.
		wait := rand.N(backoff) + time.Millisecond //nolint:gosec // G404: jitter needs no secrecy
		backoff *= 2
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions,
	fn func(ctx context.Context, tx ports.Tx) error,
) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", interpretError(err))
	}
	t := &tx{store: s, db: sqlTx, q: s.queries}
	if opts == nil {
		ctx = context.WithValue(ctx, inTxKey{s}, true)
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked: nothing it did may stay
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(ctx, t); err != nil {
		return err
	}
	done = true
	if opts != nil && opts.ReadOnly {
		// Nothing to commit; ending the read transaction releases its snapshot.
		if err := sqlTx.Rollback(); err != nil {
			return fmt.Errorf("sqlite: end snapshot: %w", interpretError(err))
		}
	} else if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", interpretError(err))
	}
	s.rememberAccounts(t.accounts)
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the store's connections; an in-memory database is gone afterwards. Calls after
// the first return nil.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	if s.keeper != nil {
		errs = append(errs, s.keeper.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// maxCachedAccounts bounds the account cache (about 150 bytes an entry); when it would grow
// past the bound it starts over.
const maxCachedAccounts = 1 << 16

// lookupAccount returns a committed account from the cache.
func (s *Store) lookupAccount(code string) (accountRef, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ref, ok := s.accounts[code]
	return ref, ok
}

// rememberAccounts caches accounts read by a transaction that has committed (or a snapshot,
// which only reads committed rows). Accounts seen by a transaction that rolled back are never
// cached: their ids may be handed out again to other accounts.
func (s *Store) rememberAccounts(refs map[string]accountRef) {
	if len(refs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.accounts)+len(refs) > maxCachedAccounts {
		s.accounts = make(map[string]accountRef, len(refs)) // a miss only costs one query
	}
	for code, ref := range refs {
		s.accounts[code] = ref
	}
}
