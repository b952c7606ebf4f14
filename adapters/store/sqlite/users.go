package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

type userRepository struct{ t *tx }

var _ ports.UserRepository = userRepository{}

func (r userRepository) Create(ctx context.Context, user identity.User) (core.UserID, error) {
	id, err := r.t.q.UserInsert(ctx, r.t.db, dbsqlc.UserInsertParams{
		Phone:     user.Phone(),
		CreatedAt: user.CreatedAt().UnixMicro(),
	})
	if err != nil {
		return 0, fmt.Errorf("create user: %w", interpretError(err))
	}
	return core.UserID(id), nil
}

func (r userRepository) Get(ctx context.Context, id core.UserID) (identity.User, error) {
	row, err := r.t.q.UserGet(ctx, r.t.db, int64(id))
	if err != nil {
		return identity.User{}, fmt.Errorf("user %d: %w", id, interpretError(err))
	}
	return userFromRow(row), nil
}

func (r userRepository) GetByPhone(ctx context.Context, phone string) (identity.User, error) {
	row, err := r.t.q.UserGetByPhone(ctx, r.t.db, phone)
	if err != nil {
		return identity.User{}, fmt.Errorf("user by phone: %w", interpretError(err))
	}
	return userFromRow(row), nil
}

func userFromRow(row dbsqlc.User) identity.User {
	return identity.RehydrateUser(core.UserID(row.ID), row.Phone, timeFromMicros(row.CreatedAt))
}

// timeFromMicros turns a stored timestamp (Unix microseconds) into a UTC time.
func timeFromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
