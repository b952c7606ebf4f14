package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// erasedSheba is the Sheba of an erased bank account: it passes the column's format CHECK,
// but check digits 00 make it no real number (ISO 13616), so bankAccountFromRow reads it as
// no Sheba. Erased accounts are deleted, so they never meet the one-active-Sheba index.
const erasedSheba = "IR000000000000000000000000"

// erasureRepository blanks a deleted account's personal data. Each statement leaves rows
// without personal data untouched, so every method is idempotent.
type erasureRepository struct{ t *tx }

var _ ports.ErasureRepository = erasureRepository{}

// EraseUser replaces user's phone with tombstone, clears names, email, date of birth and
// password, and disables the user at now unless it was disabled before. It returns
// [core.ErrInvalidInput] for an empty tombstone, [core.ErrNotFound] when there is no such
// user, and [core.ErrPhoneTaken] when another user has the tombstone as its phone (a
// tombstone must be unique per account).
func (r erasureRepository) EraseUser(ctx context.Context, user core.UserID, tombstone string, now time.Time) error {
	if tombstone == "" {
		return fmt.Errorf("%w: erase user %d: empty phone tombstone", core.ErrInvalidInput, user)
	}
	n, err := r.t.q.ErasureUser(ctx, r.t.db, dbsqlc.ErasureUserParams{
		Tombstone: tombstone, Now: now.UnixMicro(), UserID: int64(user),
	})
	if err != nil {
		return fmt.Errorf("erase user %d: %w", user, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("erase user %d: %w", user, core.ErrNotFound)
	}
	return nil
}

// EraseNationalID clears the names, national id, birth date and rejection reason of user's
// KYC profile and keeps tombstone in kyc_erasures. It does nothing when the user has no
// profile; a tombstone kept by an earlier call stays, and an empty one keeps nothing.
func (r erasureRepository) EraseNationalID(ctx context.Context, user core.UserID, tombstone string, now time.Time) error {
	return r.t.atomically(ctx, func() error {
		if tombstone != "" {
			err := r.t.q.ErasureKYCHash(ctx, r.t.db, dbsqlc.ErasureKYCHashParams{
				NationalIDHash: tombstone, Now: now.UnixMicro(), UserID: int64(user),
			})
			if err != nil {
				return fmt.Errorf("keep national id hash of user %d: %w", user, interpretError(err))
			}
		}
		err := r.t.q.ErasureKYCProfile(ctx, r.t.db, dbsqlc.ErasureKYCProfileParams{Now: now.UnixMicro(), UserID: int64(user)})
		if err != nil {
			return fmt.Errorf("erase kyc profile of user %d: %w", user, interpretError(err))
		}
		return nil
	})
}

// ForgetPhone deletes phone's one-time codes and River's jobs whose args have phone as
// "phone", and returns how many rows went.
func (r erasureRepository) ForgetPhone(ctx context.Context, phone string) (int64, error) {
	var n int64
	err := r.t.atomically(ctx, func() error {
		codes, err := r.t.q.ErasureOTPs(ctx, r.t.db, phone)
		if err != nil {
			return fmt.Errorf("forget codes of a phone: %w", interpretError(err))
		}
		jobs, err := r.t.q.ErasureJobs(ctx, r.t.db, phone)
		if err != nil {
			return fmt.Errorf("forget jobs of a phone: %w", interpretError(err))
		}
		n = codes + jobs
		return nil
	})
	return n, err
}

// EraseBankAccounts blanks the numbers and holder of user's bank accounts (the Sheba becomes
// erasedSheba) and marks them deleted and not default.
func (r erasureRepository) EraseBankAccounts(ctx context.Context, user core.UserID, now time.Time) error {
	err := r.t.q.ErasureBankAccounts(ctx, r.t.db, dbsqlc.ErasureBankAccountsParams{
		ErasedSheba: erasedSheba, Now: now.UnixMicro(), UserID: int64(user),
	})
	if err != nil {
		return fmt.Errorf("erase bank accounts of user %d: %w", user, interpretError(err))
	}
	return nil
}

// EraseDeposits blanks the masked card, notes and receipt of user's deposits and returns the
// receipts' blob keys; a second call finds none. The write transaction holds the database to
// itself, so nothing changes between reading the keys and blanking them.
func (r erasureRepository) EraseDeposits(ctx context.Context, user core.UserID, now time.Time) ([]string, error) {
	keys, err := r.t.q.ErasureDepositReceipts(ctx, r.t.db, int64(user))
	if err != nil {
		return nil, fmt.Errorf("receipts of user %d: %w", user, interpretError(err))
	}
	if err := r.t.q.ErasureDeposits(ctx, r.t.db, dbsqlc.ErasureDepositsParams{Now: now.UnixMicro(), UserID: int64(user)}); err != nil {
		return nil, fmt.Errorf("erase deposits of user %d: %w", user, interpretError(err))
	}
	if keys == nil {
		keys = []string{}
	}
	return keys, nil
}

// EraseSessions blanks the client address and user agent of user's sessions.
func (r erasureRepository) EraseSessions(ctx context.Context, user core.UserID) error {
	if err := r.t.q.ErasureSessions(ctx, r.t.db, int64(user)); err != nil {
		return fmt.Errorf("erase sessions of user %d: %w", user, interpretError(err))
	}
	return nil
}

// ForgetIdempotency deletes the idempotency records of user's requests, those whose scope
// starts with [idempotencyScopePrefix] of user.
func (r erasureRepository) ForgetIdempotency(ctx context.Context, user core.UserID) (int64, error) {
	n, err := r.t.q.ErasureIdempotency(ctx, r.t.db, idempotencyScopePrefix(user))
	if err != nil {
		return 0, fmt.Errorf("forget idempotency records of user %d: %w", user, interpretError(err))
	}
	return n, nil
}

// idempotencyScopePrefix starts the scope of every idempotency key of user's requests:
// "user:42:" as in "user:42:place_order", the convention of core/idempotency's NewKey that
// the HTTP adapter's scopes follow.
func idempotencyScopePrefix(user core.UserID) string { return "user:" + user.String() + ":" }
