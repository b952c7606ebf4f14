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
	rec := user.Record()
	id, err := r.t.q.UserInsert(ctx, r.t.db, dbsqlc.UserInsertParams{
		Phone:             rec.Phone,
		PasswordHash:      rec.PasswordHash,
		FirstName:         rec.FirstName,
		LastName:          rec.LastName,
		Email:             rec.Email,
		DateOfBirth:       nullDate(rec.DateOfBirth),
		Role:              rec.Role.String(),
		PhoneVerifiedAt:   nullMicros(rec.PhoneVerifiedAt),
		DisabledAt:        nullMicros(rec.DisabledAt),
		PasswordChangedAt: nullMicros(rec.PasswordChangedAt),
		CreatedAt:         rec.CreatedAt.UnixMicro(),
		UpdatedAt:         rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return 0, fmt.Errorf("create user: %w", interpretError(err))
	}
	return core.UserID(id), nil
}

func (r userRepository) Update(ctx context.Context, user identity.User) error {
	rec := user.Record()
	n, err := r.t.q.UserUpdate(ctx, r.t.db, dbsqlc.UserUpdateParams{
		ID:                int64(rec.ID),
		PasswordHash:      rec.PasswordHash,
		FirstName:         rec.FirstName,
		LastName:          rec.LastName,
		Email:             rec.Email,
		DateOfBirth:       nullDate(rec.DateOfBirth),
		Role:              rec.Role.String(),
		PhoneVerifiedAt:   nullMicros(rec.PhoneVerifiedAt),
		DisabledAt:        nullMicros(rec.DisabledAt),
		PasswordChangedAt: nullMicros(rec.PasswordChangedAt),
		UpdatedAt:         rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return fmt.Errorf("update user %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("update user %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// GetForUpdate is Get: a write transaction holds the database's write lock from its BEGIN
// IMMEDIATE, so no other transaction can change the user before this one ends.
func (r userRepository) GetForUpdate(ctx context.Context, id core.UserID) (identity.User, error) {
	return r.Get(ctx, id)
}

func (r userRepository) Get(ctx context.Context, id core.UserID) (identity.User, error) {
	row, err := r.t.q.UserGet(ctx, r.t.db, int64(id))
	if err != nil {
		return identity.User{}, fmt.Errorf("user %d: %w", id, interpretError(err))
	}
	return userFromRow(row)
}

func (r userRepository) GetByPhone(ctx context.Context, phone string) (identity.User, error) {
	row, err := r.t.q.UserGetByPhone(ctx, r.t.db, phone)
	if err != nil {
		return identity.User{}, fmt.Errorf("user by phone: %w", interpretError(err))
	}
	return userFromRow(row)
}

func userFromRow(row dbsqlc.User) (identity.User, error) {
	role, err := identity.ParseRole(row.Role)
	if err != nil {
		return identity.User{}, fmt.Errorf("sqlite: user %d: stored role: %w", row.ID, err)
	}
	dob, err := dateFromNullText(row.DateOfBirth)
	if err != nil {
		return identity.User{}, fmt.Errorf("%w: sqlite: user %d: stored date of birth: %w", core.ErrInternal, row.ID, err)
	}
	return identity.RehydrateUserRecord(identity.UserRecord{
		ID:                core.UserID(row.ID),
		Phone:             row.Phone,
		PasswordHash:      row.PasswordHash,
		FirstName:         row.FirstName,
		LastName:          row.LastName,
		Email:             row.Email,
		DateOfBirth:       dob,
		Role:              role,
		PhoneVerifiedAt:   timeFromNullMicros(row.PhoneVerifiedAt),
		DisabledAt:        timeFromNullMicros(row.DisabledAt),
		PasswordChangedAt: timeFromNullMicros(row.PasswordChangedAt),
		CreatedAt:         timeFromMicros(row.CreatedAt),
		UpdatedAt:         timeFromMicros(row.UpdatedAt),
	}), nil
}

// timeFromMicros turns a stored timestamp (Unix microseconds) into a UTC time.
func timeFromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// timeFromNullMicros turns a nullable stored timestamp into a UTC time; NULL is the zero
// time ("not happened").
func timeFromNullMicros(us *int64) time.Time {
	if us == nil {
		return time.Time{}
	}
	return timeFromMicros(*us)
}

// nullMicros is the stored form of a time that may be zero: NULL for the zero time, else
// its Unix microseconds.
func nullMicros(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	us := t.UnixMicro()
	return &us
}

// nullDate is the stored form of a civil date that may be zero: NULL for the zero time
// ("unknown"), else its calendar day as TEXT 'YYYY-MM-DD' (see
// migrations/sqlite/00003_user_date_of_birth.sql).
func nullDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// dateFromNullText reads a stored 'YYYY-MM-DD' date at midnight UTC; NULL is the zero time.
func dateFromNullText(s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, *s)
}
