package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
)

// Store is the unit of work over Talabin's persistent state. Every change that must be
// atomic (an order's journal, its idempotency record, its audit event) happens inside one
// [Store.InTx] call.
type Store interface {
	// InTx runs fn in one serializable-enough write transaction and commits when fn returns
	// nil; any error rolls everything back and is returned. Transient conflicts
	// (serialization failures, deadlocks, busy database) are retried by the store a bounded
	// number of times by running fn again, so fn must have no effect outside tx. When the
	// retries are spent the error wraps [core.ErrRetryable]. The tx must not be used after fn
	// returns.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Snapshot runs fn in a read-only transaction that sees one consistent snapshot of the
	// whole database; reports and invariant checks read through it.
	Snapshot(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Ping reports whether the database answers; readiness checks call it.
	Ping(ctx context.Context) error
	// Close releases the store's connections.
	Close() error
}

// Tx exposes the repositories of one transaction. Later features add repositories here.
// Methods documented as locking (GetForUpdate, Latest, LatestImplicit, GetByRefreshHash)
// lock only in [Store.InTx]; in a read-only [Store.Snapshot] they read without locking.
type Tx interface {
	Ledger() LedgerRepository
	Idempotency() IdempotencyRepository
	Users() UserRepository
	OTPs() OTPRepository
	Sessions() SessionRepository
	Jobs() JobQueue
	Prices() PriceRepository
	TradingState() TradingStateRepository
	Quotes() QuoteRepository
	Orders() OrderRepository
	Audit() AuditRepository
	Deposits() DepositRepository
	Withdrawals() WithdrawalRepository
	BankAccounts() BankAccountRepository
	KYC() KYCRepository
	Documents() DocumentRepository
	Consents() ConsentRepository
	Erasure() ErasureRepository
}

// LedgerRepository stores journals and the balances they move. Balances of user accounts
// are checked under a row lock; system accounts may be spread over shards so that trades do
// not serialize on one row, but no account that may not go negative ever does.
type LedgerRepository interface {
	// OpenUserAccounts creates user's IRR and gold accounts with zero balances. It is
	// idempotent. It returns [core.ErrNotFound] when the user does not exist.
	OpenUserAccounts(ctx context.Context, user core.UserID) error
	// OpenClearingAccount creates a payment gateway's clearing account. It is idempotent.
	OpenClearingAccount(ctx context.Context, gateway string) error
	// Post appends journal and applies its postings to the balances, atomically with the rest
	// of the transaction. It returns a [*ledger.InsufficientFundsError] (matching
	// [core.ErrInsufficientFunds]) when an account that may not go negative would, and
	// [core.ErrNotFound] when an account is not open. Not idempotent: callers guard it with
	// an idempotency record or a state transition.
	Post(ctx context.Context, journal ledger.Journal) (ledger.JournalID, error)
	// PlaceHold stores hold and posts its journal (available → held). It fails like Post.
	PlaceHold(ctx context.Context, hold ledger.Hold) (ledger.HoldID, error)
	// ReleaseHold moves a placed hold's amount back to available, exactly once: it returns
	// [core.ErrInvalidState] when the hold is already released or settled and
	// [core.ErrNotFound] when there is no such hold.
	ReleaseHold(ctx context.Context, id ledger.HoldID) (ledger.JournalID, error)
	// SettleHold moves a placed hold's amount to credits (see [ledger.Hold.Settle]), exactly
	// once, with the errors of ReleaseHold.
	SettleHold(ctx context.Context, id ledger.HoldID, credits []ledger.Posting) (ledger.JournalID, error)
	// Hold returns a stored hold, or [core.ErrNotFound].
	Hold(ctx context.Context, id ledger.HoldID) (ledger.Hold, error)
	// Balance returns an account's current balance, or [core.ErrNotFound] when the account
	// is not open.
	Balance(ctx context.Context, account ledger.Account) (ledger.Balance, error)
	// Entries returns one page of the journals with a posting to user's IRR or gold
	// accounts (a hold's journal, available to held, nets to zero), newest first (ties by
	// journal id descending), with only the given journal types (all when types is empty),
	// and how many match in all. Offset and limit must not be negative.
	Entries(ctx context.Context, user core.UserID, types []ledger.JournalType, offset, limit int) ([]LedgerEntry, int, error)
	// Verify recomputes every balance from the postings and checks the ledger's invariants
	// (see [ledger.Reconcile]). Run it in a [Store.Snapshot] for a consistent answer.
	Verify(ctx context.Context) (ledger.Report, error)
}

// IdempotencyRepository keeps the responses of idempotent requests (API.md §1.6). A record
// is written in the same transaction as the request's effects, so a crash loses both or
// neither.
type IdempotencyRepository interface {
	// Claim looks key up for a request with fingerprint fp. It returns (nil, nil) when the
	// caller now owns the key and must run the request, then call Complete in the same
	// transaction; the stored response when a completed request with the same fingerprint
	// exists and has not expired at now; [core.ErrIdempotencyKeyReused] when the fingerprint
	// differs; and [core.ErrIdempotencyInProgress] when another transaction holds the key.
	Claim(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint, now time.Time) (*idempotency.Response, error)
	// Complete stores the response of the request that claimed key, replayable until
	// expiresAt.
	Complete(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint, resp idempotency.Response, now, expiresAt time.Time) error
	// DeleteExpired removes records that expired before now and returns how many.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// UserRepository stores users.
type UserRepository interface {
	// Create stores a new user (every field of [identity.User.Record] but the id) and
	// returns its id. It returns [core.ErrPhoneTaken] when the phone number is registered
	// already.
	Create(ctx context.Context, user identity.User) (core.UserID, error)
	// Update saves every mutable field of a stored user: password hash and its change time,
	// names, email, role, phone verification, disabling and updated_at. It returns
	// [core.ErrNotFound] when there is no such user. The caller read the user in the same
	// transaction with GetForUpdate, so concurrent changes to one user serialize.
	Update(ctx context.Context, user identity.User) error
	// GetForUpdate returns a user by id and locks it until the transaction ends, or
	// [core.ErrNotFound].
	GetForUpdate(ctx context.Context, id core.UserID) (identity.User, error)
	// Get returns a user by id, or [core.ErrNotFound].
	Get(ctx context.Context, id core.UserID) (identity.User, error)
	// GetByPhone returns a user by E.164 phone number, or [core.ErrNotFound].
	GetByPhone(ctx context.Context, phone string) (identity.User, error)
	// Search returns one page of users matching f (see [UserFilter]), newest first (ties by
	// id descending), and how many match; the staff's user list.
	Search(ctx context.Context, f UserFilter, offset, limit int) ([]identity.User, int, error)
}

// OTPRepository stores one-time codes (only their MACs). A code's attempt counter and its
// consumption are saved with conditional updates, so two requests racing with one code can
// never both use it.
type OTPRepository interface {
	// Create stores otp and voids every earlier usable code of the same phone and purpose
	// (a new code voids the previous one). It returns the new id.
	Create(ctx context.Context, otp *identity.OTP) (identity.OTPID, error)
	// Latest returns the newest code for phone and purpose that is neither consumed nor
	// voided, locked until the transaction ends, or [core.ErrNotFound].
	Latest(ctx context.Context, phone string, purpose identity.Purpose) (*identity.OTP, error)
	// Save stores the attempt counter, consumption and voiding of otp after
	// [identity.OTP.Verify] or [identity.OTP.Void]. It only changes a code that was neither
	// consumed nor voided when read; otherwise it returns [core.ErrOTPInvalid].
	Save(ctx context.Context, otp *identity.OTP) error
	// CountSince returns how many codes were created for phone (any purpose when purpose is
	// zero) at or after since; send limits are checked against it.
	CountSince(ctx context.Context, phone string, purpose identity.Purpose, since time.Time) (int, error)
	// DeleteExpired removes codes that expired before cutoff and returns how many.
	DeleteExpired(ctx context.Context, cutoff time.Time) (int64, error)
}

// SessionRepository stores sign-in sessions and the hashes of their refresh tokens.
type SessionRepository interface {
	// Create stores a new session. It returns [core.ErrConflict] when the id exists.
	Create(ctx context.Context, session *identity.Session) error
	// Get returns a session by id, or [core.ErrNotFound].
	Get(ctx context.Context, id string) (*identity.Session, error)
	// GetByRefreshHash returns the session whose current or previous refresh token hashes
	// to hash, locked until the transaction ends, or [core.ErrNotFound].
	GetByRefreshHash(ctx context.Context, hash [32]byte) (*identity.Session, error)
	// Save stores a session's rotation and revocation. It returns [core.ErrNotFound] when
	// there is no such session.
	Save(ctx context.Context, session *identity.Session) error
	// ListByUser returns a user's sessions that are neither revoked nor expired at now,
	// newest first.
	ListByUser(ctx context.Context, user core.UserID, now time.Time) ([]*identity.Session, error)
	// RevokeByUser revokes every active session of user except the one with id except (""
	// for none), with reason, and returns how many it revoked.
	RevokeByUser(ctx context.Context, user core.UserID, except string, now time.Time, reason identity.RevokeReason) (int64, error)
}

// Migrator applies and reports a store's schema migrations; every store adapter implements
// it beside [Store], and `talabin migrate` drives it.
type Migrator interface {
	// Migrate applies every pending migration. It is safe to run from several instances at
	// once and a no-op when the schema is current.
	Migrate(ctx context.Context) error
	// MigrationStatus lists every known migration, oldest first.
	MigrationStatus(ctx context.Context) ([]MigrationStatus, error)
}

// MigrationStatus describes one schema migration and whether the database has it.
type MigrationStatus struct {
	// Version is the migration's number, the prefix of its file name.
	Version int64
	// Name is the migration's file name, e.g. "00001_initial.sql".
	Name string
	// Applied reports whether the database has the migration.
	Applied bool
	// AppliedAt is when it was applied, or zero.
	AppliedAt time.Time
}
