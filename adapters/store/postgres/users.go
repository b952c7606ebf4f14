package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

var _ ports.UserRepository = userRepository{}

// userRepository stores users in one transaction.
type userRepository struct{ tx *tx }

// Create stores a new user with every field of its record but the id and returns its id, or
// an error matching [core.ErrPhoneTaken] (and [core.ErrConflict]) when the phone number is
// registered already. PostgreSQL stores times to the microsecond.
func (r userRepository) Create(ctx context.Context, user identity.User) (core.UserID, error) {
	rec := user.Record()
	id, err := r.tx.q().UserInsert(ctx, r.tx, dbsqlc.UserInsertParams{
		Phone:             rec.Phone,
		PasswordHash:      rec.PasswordHash,
		FirstName:         rec.FirstName,
		LastName:          rec.LastName,
		Email:             rec.Email,
		DateOfBirth:       nullDate(rec.DateOfBirth),
		Role:              rec.Role.String(),
		PhoneVerifiedAt:   nullTime(rec.PhoneVerifiedAt),
		DisabledAt:        nullTime(rec.DisabledAt),
		PasswordChangedAt: nullTime(rec.PasswordChangedAt),
		CreatedAt:         rec.CreatedAt,
		UpdatedAt:         rec.UpdatedAt,
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create user: %w", interpretError(err))
	}
	return core.UserID(id), nil
}

// Update saves every mutable field of a stored user (all but the phone and the creation
// time), or returns [core.ErrNotFound] when there is no such user.
func (r userRepository) Update(ctx context.Context, user identity.User) error {
	rec := user.Record()
	n, err := r.tx.q().UserUpdate(ctx, r.tx, dbsqlc.UserUpdateParams{
		ID:                int64(rec.ID),
		PasswordHash:      rec.PasswordHash,
		FirstName:         rec.FirstName,
		LastName:          rec.LastName,
		Email:             rec.Email,
		DateOfBirth:       nullDate(rec.DateOfBirth),
		Role:              rec.Role.String(),
		PhoneVerifiedAt:   nullTime(rec.PhoneVerifiedAt),
		DisabledAt:        nullTime(rec.DisabledAt),
		PasswordChangedAt: nullTime(rec.PasswordChangedAt),
		UpdatedAt:         rec.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("postgres: update user %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: update user %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// GetForUpdate returns a user by id, or [core.ErrNotFound], and locks it until the
// transaction ends (FOR NO KEY UPDATE: see UserGetForUpdate in queries/postgres/users.sql).
// In a read-only transaction it reads without locking.
func (r userRepository) GetForUpdate(ctx context.Context, id core.UserID) (identity.User, error) {
	get := r.tx.q().UserGetForUpdate
	if r.tx.mode.readOnly {
		get = r.tx.q().UserGet
	}
	row, err := get(ctx, r.tx, int64(id))
	if err != nil {
		return identity.User{}, fmt.Errorf("postgres: get user %d for update: %w", id, interpretError(err))
	}
	return userFromRow(row)
}

// Get returns a user by id, or [core.ErrNotFound].
func (r userRepository) Get(ctx context.Context, id core.UserID) (identity.User, error) {
	row, err := r.tx.q().UserGet(ctx, r.tx, int64(id))
	if err != nil {
		return identity.User{}, fmt.Errorf("postgres: get user %d: %w", id, interpretError(err))
	}
	return userFromRow(row)
}

// GetByPhone returns a user by E.164 phone number, or [core.ErrNotFound].
func (r userRepository) GetByPhone(ctx context.Context, phone string) (identity.User, error) {
	row, err := r.tx.q().UserGetByPhone(ctx, r.tx, phone)
	if err != nil {
		return identity.User{}, fmt.Errorf("postgres: get user by phone: %w", interpretError(err))
	}
	return userFromRow(row)
}

// Search returns one page of the users matching f, newest first (ties by id descending), and
// how many match. The query matches the id it names when it is all digits, else a
// case-insensitive substring (ILIKE) of the phone, the names or the email; a negative offset
// or limit returns an error wrapping [core.ErrInvalidInput].
func (r userRepository) Search(ctx context.Context, f ports.UserFilter, offset, limit int) ([]identity.User, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	id, pattern := searchTerms(f.Query)
	count := dbsqlc.UserSearchCountParams{Pattern: pattern, MatchID: id, Disabled: f.Disabled}
	rows, err := r.tx.q().UserSearch(ctx, r.tx, dbsqlc.UserSearchParams{
		Pattern:    count.Pattern,
		MatchID:    count.MatchID,
		Disabled:   count.Disabled,
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: search users: %w", interpretError(err))
	}
	n, err := r.tx.q().UserSearchCount(ctx, r.tx, count)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count users: %w", interpretError(err))
	}
	users := make([]identity.User, 0, len(rows))
	for _, row := range rows {
		u, err := userFromRow(row)
		if err != nil {
			return nil, 0, err
		}
		users = append(users, u)
	}
	return users, int(n), nil
}

// searchTerms reads the query of a [ports.UserFilter]. A query that is all digits after
// [core.NormalizeDigits] names an id: id is it (-1, which no user has, when it cannot be one)
// and pattern is "". Any other query is a LIKE pattern of a substring, with LIKE's wildcards
// and escape character escaped so that the staff's text matches literally, and id is 0. No
// query is (0, "").
func searchTerms(query string) (id int64, pattern string) {
	text := strings.TrimSpace(query)
	if text == "" {
		return 0, ""
	}
	if digits := core.NormalizeDigits(text); digits != "" && isDigits(digits) {
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n <= 0 {
			return -1, ""
		}
		return n, ""
	}
	return 0, "%" + likeEscaper.Replace(text) + "%"
}

// likeEscaper escapes LIKE's wildcards and its escape character, the backslash (ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// isDigits reports whether s has only ASCII digits.
func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// userFromRow converts a users row; times are handed out in UTC, the date of birth at
// midnight UTC. A role the core does not know is an internal error.
func userFromRow(row dbsqlc.User) (identity.User, error) {
	role, err := identity.ParseRole(row.Role)
	if err != nil {
		return identity.User{}, fmt.Errorf("%w: postgres: user %d has unknown role %q", core.ErrInternal, row.ID, row.Role)
	}
	return identity.RehydrateUserRecord(identity.UserRecord{
		ID:                core.UserID(row.ID),
		Phone:             row.Phone,
		PasswordHash:      row.PasswordHash,
		FirstName:         row.FirstName,
		LastName:          row.LastName,
		Email:             row.Email,
		DateOfBirth:       dateOf(row.DateOfBirth),
		Role:              role,
		PhoneVerifiedAt:   timeOf(row.PhoneVerifiedAt),
		DisabledAt:        timeOf(row.DisabledAt),
		PasswordChangedAt: timeOf(row.PasswordChangedAt),
		CreatedAt:         row.CreatedAt.UTC(),
		UpdatedAt:         row.UpdatedAt.UTC(),
	}), nil
}

// nullDate returns a civil date (a time whose calendar day counts) as a nullable date: NULL
// for the zero time, which the core uses for "unknown". pgx writes the calendar day of the
// time in its own location.
func nullDate(t time.Time) pgtype.Date {
	if t.IsZero() {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: t, Valid: true}
}

// dateOf returns a nullable date at midnight UTC, or the zero time for NULL. The column holds
// no infinite dates: only nullDate writes it.
func dateOf(d pgtype.Date) time.Time {
	if !d.Valid {
		return time.Time{}
	}
	y, m, day := d.Time.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}
