package privacy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// MinTombstoneKeyLen is the shortest accepted [Config.TombstoneKey], in bytes.
const MinTombstoneKeyLen = 32

// PasswordChecker checks a user's password without changing anything (app/accounts' Service
// implements it). It reads in its own snapshot, so it is called outside any transaction.
type PasswordChecker interface {
	// CheckPassword returns nil when password is user's and [core.ErrWrongPassword] when it
	// is not or the account has none.
	CheckPassword(ctx context.Context, user core.UserID, password string) error
}

// StepUp redeems a fresh one-time code of a purpose inside the caller's transaction
// (app/accounts' Service implements it). The attempt is saved in tx, so tx must commit even
// when the code is wrong.
type StepUp interface {
	RedeemStepUp(ctx context.Context, tx ports.Tx, user core.UserID, purpose identity.Purpose, code string) error
}

// SessionRevoker hears of the sessions a deletion revoked in the store, so that the
// authentication cache of this instance (app/accounts) refuses them at once instead of
// within [ports.RevocationCacheTTL], the bound that holds for the other instances anyway.
// app/accounts' Service implements it.
type SessionRevoker interface {
	// SessionsRevoked tells that every session of user was revoked for reason, n of them,
	// in a transaction that committed.
	SessionsRevoked(user core.UserID, reason identity.RevokeReason, n int64)
}

// Config configures [NewService].
type Config struct {
	// Blobs keeps the identity documents and receipts a deletion removes.
	Blobs ports.BlobStore
	// TombstoneKey keys the hashes that replace a deleted user's phone and national id, so
	// fraud and AML checks can still match them while nobody can read them back; at least
	// [MinTombstoneKeyLen] random bytes, kept for as long as the records are (changing it
	// breaks the matching of earlier tombstones).
	TombstoneKey []byte
	// Passwords checks the password that confirms a deletion.
	Passwords PasswordChecker
	// StepUp redeems the account_deletion code that confirms a deletion instead.
	StepUp StepUp
	// Revoker hears of the sessions a deletion revoked.
	Revoker SessionRevoker
	// IdempotencyRetention is how long a stored response answers replays; zero means
	// [idempotency.Retention].
	IdempotencyRetention time.Duration
}

func (c Config) withDefaults() Config {
	if c.IdempotencyRetention == 0 {
		c.IdempotencyRetention = idempotency.Retention
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.Blobs == nil || c.Passwords == nil || c.StepUp == nil || c.Revoker == nil {
		errs = append(errs, errors.New("blob store, password checker, step-up and session revoker are required"))
	}
	if len(c.TombstoneKey) < MinTombstoneKeyLen {
		errs = append(errs, fmt.Errorf("tombstone key must be at least %d bytes", MinTombstoneKeyLen))
	}
	if c.IdempotencyRetention < 0 {
		errs = append(errs, errors.New("idempotency retention must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("privacy: config: %w", err)
	}
	return nil
}
