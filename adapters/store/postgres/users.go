package postgres

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

var _ ports.UserRepository = userRepository{}

// userRepository stores users in one transaction.
type userRepository struct{ tx *tx }

// Create stores a new user and returns its id, or an error matching [core.ErrPhoneTaken]
// (and [core.ErrConflict]) when the phone number is registered already. PostgreSQL stores
// CreatedAt to the microsecond.
func (r userRepository) Create(ctx context.Context, user identity.User) (core.UserID, error) {
	id, err := r.tx.q().UserInsert(ctx, r.tx, dbsqlc.UserInsertParams{
		Phone:     user.Phone(),
		CreatedAt: user.CreatedAt(),
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create user: %w", interpretError(err))
	}
	return core.UserID(id), nil
}

// Get returns a user by id, or [core.ErrNotFound].
func (r userRepository) Get(ctx context.Context, id core.UserID) (identity.User, error) {
	row, err := r.tx.q().UserGet(ctx, r.tx, int64(id))
	if err != nil {
		return identity.User{}, fmt.Errorf("postgres: get user %d: %w", id, interpretError(err))
	}
	return userFromRow(row), nil
}

// GetByPhone returns a user by E.164 phone number, or [core.ErrNotFound].
func (r userRepository) GetByPhone(ctx context.Context, phone string) (identity.User, error) {
	row, err := r.tx.q().UserGetByPhone(ctx, r.tx, phone)
	if err != nil {
		return identity.User{}, fmt.Errorf("postgres: get user by phone: %w", interpretError(err))
	}
	return userFromRow(row), nil
}

// userFromRow converts a users row; times are handed out in UTC.
func userFromRow(row dbsqlc.User) identity.User {
	return identity.RehydrateUser(core.UserID(row.ID), row.Phone, row.CreatedAt.UTC())
}
