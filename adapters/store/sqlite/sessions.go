package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

type sessionRepository struct{ t *tx }

var _ ports.SessionRepository = sessionRepository{}

// errNoRevokeReason refuses RevokeByUser without a reason; the schema requires one for every
// revoked session.
var errNoRevokeReason = errors.New("sqlite: session revoke reason is required")

func (r sessionRepository) Create(ctx context.Context, session *identity.Session) error {
	rec := session.Record()
	prev, rotatedAt := previousHash(rec)
	err := r.t.q.SessionInsert(ctx, r.t.db, dbsqlc.SessionInsertParams{
		ID:           rec.ID,
		UserID:       int64(rec.UserID),
		CurrentHash:  rec.CurrentHash[:],
		PreviousHash: prev,
		RotatedAt:    rotatedAt,
		CreatedAt:    rec.CreatedAt.UnixMicro(),
		ExpiresAt:    rec.ExpiresAt.UnixMicro(),
		RevokedAt:    nullMicros(rec.RevokedAt),
		RevokeReason: rec.RevokeReason.String(),
		UserAgent:    rec.UserAgent,
		IP:           rec.IP,
	})
	if err != nil {
		return fmt.Errorf("create session: %w", interpretError(err))
	}
	return nil
}

func (r sessionRepository) Get(ctx context.Context, id string) (*identity.Session, error) {
	row, err := r.t.q.SessionGet(ctx, r.t.db, id)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, interpretError(err))
	}
	return sessionFromRow(row)
}

// GetByRefreshHash needs no row lock: a write transaction holds the database's write lock
// from its BEGIN IMMEDIATE until it ends.
func (r sessionRepository) GetByRefreshHash(ctx context.Context, hash [32]byte) (*identity.Session, error) {
	row, err := r.t.q.SessionGetByRefreshHash(ctx, r.t.db, hash[:])
	if err != nil {
		return nil, fmt.Errorf("session by refresh token: %w", interpretError(err))
	}
	return sessionFromRow(row)
}

func (r sessionRepository) Save(ctx context.Context, session *identity.Session) error {
	rec := session.Record()
	prev, rotatedAt := previousHash(rec)
	n, err := r.t.q.SessionSave(ctx, r.t.db, dbsqlc.SessionSaveParams{
		ID:           rec.ID,
		CurrentHash:  rec.CurrentHash[:],
		PreviousHash: prev,
		RotatedAt:    rotatedAt,
		RevokedAt:    nullMicros(rec.RevokedAt),
		RevokeReason: rec.RevokeReason.String(),
	})
	if err != nil {
		return fmt.Errorf("save session %s: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("save session %s: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

func (r sessionRepository) ListByUser(ctx context.Context, user core.UserID, now time.Time) ([]*identity.Session, error) {
	rows, err := r.t.q.SessionListActiveByUser(ctx, r.t.db, dbsqlc.SessionListActiveByUserParams{
		UserID: int64(user),
		Now:    now.UnixMicro(),
	})
	if err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", user, interpretError(err))
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

func (r sessionRepository) RevokeByUser(ctx context.Context, user core.UserID, except string, now time.Time, reason identity.RevokeReason) (int64, error) {
	if reason.IsZero() {
		return 0, errNoRevokeReason
	}
	at := now.UnixMicro()
	n, err := r.t.q.SessionRevokeByUser(ctx, r.t.db, dbsqlc.SessionRevokeByUserParams{
		Now:    &at,
		Reason: reason.String(),
		UserID: int64(user),
		Except: except,
	})
	if err != nil {
		return 0, fmt.Errorf("revoke sessions of user %d: %w", user, interpretError(err))
	}
	return n, nil
}

// previousHash is the stored form of a session's retired token: NULL, with no rotation time,
// until the session first rotated.
func previousHash(rec identity.SessionRecord) (hash []byte, rotatedAt *int64) {
	if rec.RotatedAt.IsZero() {
		return nil, nil
	}
	return rec.PreviousHash[:], nullMicros(rec.RotatedAt)
}

func sessionFromRow(row dbsqlc.Session) (*identity.Session, error) {
	current, err := hash32(row.CurrentHash)
	if err != nil {
		return nil, fmt.Errorf("sqlite: session %s: stored current hash: %w", row.ID, err)
	}
	var previous [32]byte
	if row.PreviousHash != nil {
		if previous, err = hash32(row.PreviousHash); err != nil {
			return nil, fmt.Errorf("sqlite: session %s: stored previous hash: %w", row.ID, err)
		}
	}
	var reason identity.RevokeReason
	if row.RevokeReason != "" {
		if reason, err = identity.ParseRevokeReason(row.RevokeReason); err != nil {
			return nil, fmt.Errorf("sqlite: session %s: stored revoke reason: %w", row.ID, err)
		}
	}
	return identity.RehydrateSession(identity.SessionRecord{
		ID:           row.ID,
		UserID:       core.UserID(row.UserID),
		CurrentHash:  current,
		PreviousHash: previous,
		RotatedAt:    timeFromNullMicros(row.RotatedAt),
		CreatedAt:    timeFromMicros(row.CreatedAt),
		ExpiresAt:    timeFromMicros(row.ExpiresAt),
		RevokedAt:    timeFromNullMicros(row.RevokedAt),
		RevokeReason: reason,
		UserAgent:    row.UserAgent,
		IP:           row.IP,
	}), nil
}

// hash32 turns a stored 32-byte hash into an array.
func hash32(b []byte) ([32]byte, error) {
	if len(b) != 32 {
		return [32]byte{}, fmt.Errorf("%d bytes, want 32", len(b))
	}
	return [32]byte(b), nil
}
