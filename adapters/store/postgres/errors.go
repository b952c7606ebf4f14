package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/talabin/talabin/core"
)

// PostgreSQL error codes the store acts on.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeCheckViolation       = "23514"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeLockNotAvailable     = "55P03"
	codeUndefinedTable       = "42P01"
	codeAdminShutdown        = "57P01"
	codeCrashShutdown        = "57P02"
	codeCannotConnectNow     = "57P03"
	// classConnectionException is the class (first two characters) of the codes of a
	// connection that failed.
	classConnectionException = "08"
)

// Constraints with a meaning for callers.
const (
	constraintUsersPhone         = "users_phone_key"
	constraintUserAvailable      = "ledger_user_balances_available_check"
	constraintUserHeld           = "ledger_user_balances_held_check"
	constraintSystemBalance      = "ledger_system_balances_balance_check"
	constraintIdempotencyPrimary = "idempotency_records_pkey"
	constraintOTPUsable          = "otp_codes_usable_key"
)

// interpretError translates a driver error into the core error catalogue: no rows is
// [core.ErrNotFound]; a unique violation is a [*core.ConflictError] (and
// [core.ErrPhoneTaken] for the users' phone, and [core.ErrRetryable] for the one usable code
// per phone and purpose, which only two codes sent at once break); a foreign key violation is
// [core.ErrNotFound]; a balance check violation is [core.ErrInsufficientFunds] (the
// conditional updates make it unreachable, but the constraint is the last line of defence);
// serialization failures, deadlocks and lock timeouts wrap [core.ErrRetryable]; a database
// that cannot be reached wraps [core.ErrMaintenance] (see isUnreachable). The driver error
// stays in the chain. Anything else is returned unchanged.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", core.ErrNotFound, err)
	}
	if isUnreachable(err) {
		return &unreachableError{err: err}
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case codeUniqueViolation:
		conflict := &core.ConflictError{Constraint: pgErr.ConstraintName}
		switch pgErr.ConstraintName {
		case constraintUsersPhone:
			return fmt.Errorf("%w: %w: %w", core.ErrPhoneTaken, conflict, err)
		case constraintOTPUsable:
			// Run again: the transaction's new code then voids the one committed first.
			return retryableError(fmt.Errorf("%w: %w", conflict, err))
		}
		return fmt.Errorf("%w: %w", conflict, err)
	case codeForeignKeyViolation:
		return fmt.Errorf("%w: %w", core.ErrNotFound, err)
	case codeCheckViolation:
		switch pgErr.ConstraintName {
		case constraintUserAvailable, constraintUserHeld, constraintSystemBalance:
			return fmt.Errorf("%w: %w", core.ErrInsufficientFunds, err)
		}
	case codeSerializationFailure, codeDeadlockDetected, codeLockNotAvailable:
		return retryableError(err)
	}
	return err
}

// retryableError wraps err with [core.ErrRetryable] unless it already is.
func retryableError(err error) error {
	if errors.Is(err, core.ErrRetryable) {
		return err
	}
	return fmt.Errorf("%w: %w", core.ErrRetryable, err)
}

// isRetryable reports whether a transaction that failed with err may succeed when run again:
// a serialization failure, a deadlock or a lock timeout, whether the repository already
// translated it or fn returned the driver error itself.
func isRetryable(err error) bool {
	if errors.Is(err, core.ErrRetryable) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case codeSerializationFailure, codeDeadlockDetected, codeLockNotAvailable:
			return true
		}
	}
	return false
}

// isUnreachable reports whether err says the database cannot be used at the moment: no
// connection could be opened (refused, or the server is starting up or shutting down), the
// server ended the session (a restart or a crash), or the connection broke. The app answers
// it like maintenance, 503 (API.md §1.3: every endpoint may), because the client should try
// again shortly and nothing is wrong with the request or the code; a 500 would report a bug.
// Whether a transaction whose commit was under way committed is unknown either way: a client
// that retries with its Idempotency-Key finds out safely.
func isUnreachable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The caller gave up, and the driver closed the connection for it.
		return false
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case codeAdminShutdown, codeCrashShutdown, codeCannotConnectNow:
			return true
		}
		return len(pgErr.Code) == 5 && pgErr.Code[:2] == classConnectionException
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF)
}

// unreachableError is a driver error that says the database cannot be reached. It matches
// [core.ErrMaintenance], for the answer, without writing "service under maintenance" into
// the logs of an outage.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return "database unreachable: " + e.err.Error() }

func (e *unreachableError) Unwrap() error { return e.err }

// Is reports whether target is [core.ErrMaintenance].
func (e *unreachableError) Is(target error) bool { return target == core.ErrMaintenance }

// isUndefinedTable reports whether err says a table does not exist (an unmigrated database).
func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeUndefinedTable
}
