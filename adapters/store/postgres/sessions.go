package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

var _ ports.SessionRepository = sessionRepository{}

// sessionRepository stores sign-in sessions (the hashes of their refresh tokens) in one
// transaction.
type sessionRepository struct{ tx *tx }

// Create stores a new session. It returns a [*core.ConflictError] (matching
// [core.ErrConflict]) when the id or the refresh token hash exists, and [core.ErrNotFound]
// when the user does not.
func (r sessionRepository) Create(ctx context.Context, session *identity.Session) error {
	rec := session.Record()
	prev, rotatedAt := previousHash(rec)
	err := r.tx.q().SessionInsert(ctx, r.tx, dbsqlc.SessionInsertParams{
		ID:           rec.ID,
		UserID:       int64(rec.UserID),
		CurrentHash:  rec.CurrentHash[:],
		PreviousHash: prev,
		RotatedAt:    rotatedAt,
		CreatedAt:    rec.CreatedAt,
		ExpiresAt:    rec.ExpiresAt,
		RevokedAt:    nullTime(rec.RevokedAt),
		RevokeReason: rec.RevokeReason.String(),
		UserAgent:    rec.UserAgent,
		IP:           rec.IP,
	})
	if err != nil {
		return fmt.Errorf("postgres: create session: %w", interpretError(err))
	}
	return nil
}

// Get returns a session by id, or [core.ErrNotFound].
func (r sessionRepository) Get(ctx context.Context, id string) (*identity.Session, error) {
	row, err := r.tx.q().SessionGet(ctx, r.tx, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: get session: %w", interpretError(err))
	}
	return sessionFromRow(row)
}

// GetByRefreshHash returns the session whose current or previous refresh token hashes to
// hash, locked until the transaction ends, or [core.ErrNotFound]. Two refreshes with one
// token serialize on the lock, and the second sees the first's rotation. In a read-only
// transaction it reads without locking.
func (r sessionRepository) GetByRefreshHash(ctx context.Context, hash [32]byte) (*identity.Session, error) {
	get := r.tx.q().SessionGetByRefreshHashForUpdate
	if r.tx.mode.readOnly {
		get = r.tx.q().SessionGetByRefreshHash
	}
	row, err := get(ctx, r.tx, hash[:])
	if err != nil {
		return nil, fmt.Errorf("postgres: get session by refresh token: %w", interpretError(err))
	}
	return sessionFromRow(row)
}

// Save stores a session's refresh token hashes, rotation and revocation, or returns
// [core.ErrNotFound] when there is no such session.
func (r sessionRepository) Save(ctx context.Context, session *identity.Session) error {
	rec := session.Record()
	prev, rotatedAt := previousHash(rec)
	n, err := r.tx.q().SessionSave(ctx, r.tx, dbsqlc.SessionSaveParams{
		ID:           rec.ID,
		CurrentHash:  rec.CurrentHash[:],
		PreviousHash: prev,
		RotatedAt:    rotatedAt,
		RevokedAt:    nullTime(rec.RevokedAt),
		RevokeReason: rec.RevokeReason.String(),
	})
	if err != nil {
		return fmt.Errorf("postgres: save session: %w", interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save session: %w", core.ErrNotFound)
	}
	return nil
}

// ListByUser returns user's sessions that are neither revoked nor expired at now, newest
// first.
func (r sessionRepository) ListByUser(ctx context.Context, user core.UserID, now time.Time) ([]*identity.Session, error) {
	rows, err := r.tx.q().SessionListByUser(ctx, r.tx, dbsqlc.SessionListByUserParams{UserID: int64(user), Now: now})
	if err != nil {
		return nil, fmt.Errorf("postgres: list sessions of user %d: %w", user, interpretError(err))
	}
	out := make([]*identity.Session, 0, len(rows))
	for _, row := range rows {
		s, err := sessionFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// RevokeByUser revokes, at now and for reason, every session of user that is neither
// revoked nor expired at now, except the one with id except ("" for none), and returns how
// many it revoked. A zero reason returns an error wrapping [core.ErrInvalidInput].
func (r sessionRepository) RevokeByUser(ctx context.Context, user core.UserID, except string, now time.Time, reason identity.RevokeReason) (int64, error) {
	if reason.IsZero() {
		return 0, fmt.Errorf("%w: postgres: revoke sessions without a reason", core.ErrInvalidInput)
	}
	n, err := r.tx.q().SessionRevokeByUser(ctx, r.tx, dbsqlc.SessionRevokeByUserParams{
		UserID: int64(user), ExceptID: except, Now: now, Reason: reason.String(),
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: revoke sessions of user %d: %w", user, interpretError(err))
	}
	return n, nil
}

// previousHash returns the retired refresh token hash of rec and the time of its rotation,
// both NULL when the session never rotated.
func previousHash(rec identity.SessionRecord) ([]byte, pgtype.Timestamptz) {
	if rec.RotatedAt.IsZero() {
		return nil, pgtype.Timestamptz{}
	}
	return rec.PreviousHash[:], nullTime(rec.RotatedAt)
}

// sessionFromRow converts a sessions row; times are handed out in UTC. A malformed hash or
// an unknown revoke reason is an internal error.
func sessionFromRow(row dbsqlc.Session) (*identity.Session, error) {
	rec := identity.SessionRecord{
		ID:        row.ID,
		UserID:    core.UserID(row.UserID),
		RotatedAt: timeOf(row.RotatedAt),
		CreatedAt: row.CreatedAt.UTC(),
		ExpiresAt: row.ExpiresAt.UTC(),
		RevokedAt: timeOf(row.RevokedAt),
		UserAgent: row.UserAgent,
		IP:        row.IP,
	}
	if len(row.CurrentHash) != len(rec.CurrentHash) || (row.PreviousHash != nil && len(row.PreviousHash) != len(rec.PreviousHash)) {
		return nil, fmt.Errorf("%w: postgres: session has a malformed refresh token hash", core.ErrInternal)
	}
	copy(rec.CurrentHash[:], row.CurrentHash)
	copy(rec.PreviousHash[:], row.PreviousHash)
	if row.RevokeReason != "" {
		reason, err := identity.ParseRevokeReason(row.RevokeReason)
		if err != nil {
			return nil, fmt.Errorf("%w: postgres: session has unknown revoke reason %q", core.ErrInternal, row.RevokeReason)
		}
		rec.RevokeReason = reason
	}
	return identity.RehydrateSession(rec), nil
}
