package postgres

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Defaults of [Options].
const (
	// DefaultLockTimeout bounds how long a statement waits for a row lock.
	DefaultLockTimeout = 2 * time.Second
	// DefaultStatementTimeout bounds how long one statement may run.
	DefaultStatementTimeout = 10 * time.Second
	// DefaultShards is the number of shards of each system account.
	DefaultShards = 32
	// DefaultMaxRetries is how many times a transaction is run again after a transient
	// failure: five attempts in all.
	DefaultMaxRetries = 4
	// DefaultAuditChains is the number of hash chains the audit log is split into.
	DefaultAuditChains = 16
)

// defaultMaxConns is the default size of the connection pool: four per GOMAXPROCS, between 4
// and 32. A few connections per core keep PostgreSQL busy; more only queue backends on its
// locks and CPU, while callers beyond the pool wait in the pool, which is cheaper (on two
// cores, 8 connections posted more journals per second than 16 or 32).
func defaultMaxConns() int32 {
	return int32(min(max(4*runtime.GOMAXPROCS(0), 4), 32))
}

// Limits of [Options].
const (
	// MaxShards bounds [Options.Shards]: the all-shards fallback locks every shard of an
	// account, so more shards make the rare fallback slower.
	MaxShards = 1024
	// MaxMaxRetries bounds [Options.MaxRetries].
	MaxMaxRetries = 100
	// MaxAuditChains bounds [Options.AuditChains]: chain numbers are stored as smallint and
	// take 16 bits of their advisory lock's key.
	MaxAuditChains = 1024
)

// Options configures a [Store]. The zero value is valid: every zero field takes its
// default.
type Options struct {
	// MaxConns is the largest number of connections the pool opens. Default: four per
	// GOMAXPROCS, between 4 and 32. Keep it below Shards, so that the transactions of one
	// process seldom hold every shard of an account at once.
	MaxConns int32
	// LockTimeout is the session's lock_timeout: a statement that waits longer for a lock
	// fails, and the transaction is retried. Default [DefaultLockTimeout].
	LockTimeout time.Duration
	// StatementTimeout is the session's statement_timeout, and also its
	// idle_in_transaction_session_timeout: a transaction that waits longer than this between
	// two statements is ended by the server. Default [DefaultStatementTimeout].
	StatementTimeout time.Duration
	// Shards is how many rows each system account's balance is spread over, so that
	// concurrent postings to it do not wait for each other. Migrations create 32 per account;
	// [Store.Migrate] adds missing ones up to Shards, and new clearing accounts get Shards.
	// Lowering it later leaves existing shards in use. Default [DefaultShards], at most
	// [MaxShards].
	Shards int
	// MaxRetries is how many times [Store.InTx] runs its function again after a
	// serialization failure, deadlock or lock timeout before it gives up with an error
	// wrapping [core.ErrRetryable]. Default [DefaultMaxRetries], at most [MaxMaxRetries].
	MaxRetries int
	// AuditChains is how many hash chains the audit log is split into (core/audit ChainFor):
	// appenders lock only their event's chain, so audited transactions of users in different
	// chains commit without waiting for each other. Changing it later is safe: existing
	// chains keep verifying, and new events go to the chains the new number picks. Default
	// [DefaultAuditChains], at most [MaxAuditChains].
	AuditChains int
	// Logger receives retries and fallbacks at debug level. Default: discard.
	Logger *slog.Logger
	// Clock dates journals and holds. Default: the system clock.
	Clock ports.Clock
}

// Validate reports whether the options are usable. It returns an error wrapping
// [core.ErrInvalidInput].
func (o Options) Validate() error {
	var errs []error
	if o.MaxConns < 0 {
		errs = append(errs, errors.New("max conns must not be negative"))
	}
	if o.LockTimeout < 0 {
		errs = append(errs, errors.New("lock timeout must not be negative"))
	}
	if o.StatementTimeout < 0 {
		errs = append(errs, errors.New("statement timeout must not be negative"))
	}
	if o.Shards < 0 || o.Shards > MaxShards {
		errs = append(errs, fmt.Errorf("shards must be between 0 and %d", MaxShards))
	}
	if o.MaxRetries < 0 || o.MaxRetries > MaxMaxRetries {
		errs = append(errs, fmt.Errorf("max retries must be between 0 and %d", MaxMaxRetries))
	}
	if o.AuditChains < 0 || o.AuditChains > MaxAuditChains {
		errs = append(errs, fmt.Errorf("audit chains must be between 0 and %d", MaxAuditChains))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: postgres store options: %w", core.ErrInvalidInput, err)
	}
	return nil
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.MaxConns == 0 {
		o.MaxConns = defaultMaxConns()
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.StatementTimeout == 0 {
		o.StatementTimeout = DefaultStatementTimeout
	}
	if o.Shards == 0 {
		o.Shards = DefaultShards
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.AuditChains == 0 {
		o.AuditChains = DefaultAuditChains
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	return o
}

// systemClock is the wall clock.
type systemClock struct{}

// Now returns the current time.
func (systemClock) Now() time.Time { return time.Now() }
