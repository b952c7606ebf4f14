package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

var _ ports.ErasureRepository = erasureRepository{}

// erasedSheba is the Sheba of an erased bank account: it passes the column's format CHECK,
// but check digits 00 make it no real number (ISO 13616), so bankAccountFromRow reads it as
// no Sheba. Erased accounts are deleted, so they never meet the one-active-Sheba index.
const erasedSheba = "IR000000000000000000000000"

// jobsDeleteByPhone deletes River's jobs, in any state, whose args name a phone (the one-time
// code messages). The containment test uses River's GIN index on args. River's tables come
// from River's own migrations, so sqlc cannot check this statement (see jobDepth).
const jobsDeleteByPhone = `DELETE FROM river_job WHERE args @> jsonb_build_object('phone', $1::text)`

// erasureRepository blanks a deleted account's personal data in one transaction. Each
// statement leaves rows without personal data untouched, so every method is idempotent.
type erasureRepository struct{ tx *tx }

// EraseUser replaces user's phone with tombstone, clears names, email, date of birth and
// password, and disables the user at now unless it was disabled before. It returns
// [core.ErrInvalidInput] for an empty tombstone, [core.ErrNotFound] when there is no such
// user, and [core.ErrPhoneTaken] when another user has the tombstone as its phone (a
// tombstone must be unique per account).
func (r erasureRepository) EraseUser(ctx context.Context, user core.UserID, tombstone string, now time.Time) error {
	if tombstone == "" {
		return fmt.Errorf("%w: postgres: erase user %d: empty phone tombstone", core.ErrInvalidInput, user)
	}
	n, err := r.tx.q().ErasureUser(ctx, r.tx, dbsqlc.ErasureUserParams{Tombstone: tombstone, Now: now, UserID: int64(user)})
	if err != nil {
		return fmt.Errorf("postgres: erase user %d: %w", user, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: erase user %d: %w", user, core.ErrNotFound)
	}
	return nil
}

// EraseNationalID clears the names, national id, birth date and rejection reason of user's
// KYC profile and keeps tombstone in kyc_erasures. It does nothing when the user has no
// profile; a tombstone kept by an earlier call stays, and an empty one keeps nothing.
func (r erasureRepository) EraseNationalID(ctx context.Context, user core.UserID, tombstone string, now time.Time) error {
	if tombstone != "" {
		err := r.tx.q().ErasureKYCHash(ctx, r.tx, dbsqlc.ErasureKYCHashParams{
			NationalIDHash: tombstone, Now: now, UserID: int64(user),
		})
		if err != nil {
			return fmt.Errorf("postgres: keep national id hash of user %d: %w", user, interpretError(err))
		}
	}
	if err := r.tx.q().ErasureKYCProfile(ctx, r.tx, dbsqlc.ErasureKYCProfileParams{Now: now, UserID: int64(user)}); err != nil {
		return fmt.Errorf("postgres: erase kyc profile of user %d: %w", user, interpretError(err))
	}
	return nil
}

// ForgetPhone deletes phone's one-time codes and River's jobs whose args have phone as
// "phone", and returns how many rows went.
func (r erasureRepository) ForgetPhone(ctx context.Context, phone string) (int64, error) {
	codes, err := r.tx.q().ErasureOTPs(ctx, r.tx, phone)
	if err != nil {
		return 0, fmt.Errorf("postgres: forget codes of a phone: %w", interpretError(err))
	}
	tag, err := r.tx.Exec(ctx, jobsDeleteByPhone, phone)
	if err != nil {
		return 0, fmt.Errorf("postgres: forget jobs of a phone: %w", interpretError(err))
	}
	return codes + tag.RowsAffected(), nil
}

// EraseBankAccounts blanks the numbers and holder of user's bank accounts (the Sheba becomes
// erasedSheba) and marks them deleted and not default.
func (r erasureRepository) EraseBankAccounts(ctx context.Context, user core.UserID, now time.Time) error {
	err := r.tx.q().ErasureBankAccounts(ctx, r.tx, dbsqlc.ErasureBankAccountsParams{
		ErasedSheba: erasedSheba, Now: now, UserID: int64(user),
	})
	if err != nil {
		return fmt.Errorf("postgres: erase bank accounts of user %d: %w", user, interpretError(err))
	}
	return nil
}

// EraseDeposits blanks the masked card, notes and receipt of user's deposits and returns the
// receipts' blob keys; a second call finds none.
func (r erasureRepository) EraseDeposits(ctx context.Context, user core.UserID, now time.Time) ([]string, error) {
	keys, err := r.tx.q().ErasureDeposits(ctx, r.tx, dbsqlc.ErasureDepositsParams{Now: now, UserID: int64(user)})
	if err != nil {
		return nil, fmt.Errorf("postgres: erase deposits of user %d: %w", user, interpretError(err))
	}
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k != "" {
			out = append(out, k)
		}
	}
	return out, nil
}

// EraseSessions blanks the client address and user agent of user's sessions.
func (r erasureRepository) EraseSessions(ctx context.Context, user core.UserID) error {
	if err := r.tx.q().ErasureSessions(ctx, r.tx, int64(user)); err != nil {
		return fmt.Errorf("postgres: erase sessions of user %d: %w", user, interpretError(err))
	}
	return nil
}

// ForgetIdempotency deletes the idempotency records of user's requests, those whose scope
// starts with [idempotencyScopePrefix] of user.
func (r erasureRepository) ForgetIdempotency(ctx context.Context, user core.UserID) (int64, error) {
	n, err := r.tx.q().ErasureIdempotency(ctx, r.tx, idempotencyScopePrefix(user))
	if err != nil {
		return 0, fmt.Errorf("postgres: forget idempotency records of user %d: %w", user, interpretError(err))
	}
	return n, nil
}

// idempotencyScopePrefix starts the scope of every idempotency key of user's requests:
// "user:42:" as in "user:42:place_order", the convention of core/idempotency's NewKey that
// the HTTP adapter's scopes follow.
func idempotencyScopePrefix(user core.UserID) string { return "user:" + user.String() + ":" }
