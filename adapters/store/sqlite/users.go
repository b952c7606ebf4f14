package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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

// Search returns one page of the users matching f, newest first (ties by id descending), and
// how many match. The query matches the id it names when it is all digits, else a substring of
// the phone, the names or the email (LIKE, which ignores ASCII case: names in other scripts
// have no case to ignore); a negative offset or limit returns an error wrapping
// [core.ErrInvalidInput].
func (r userRepository) Search(ctx context.Context, f ports.UserFilter, offset, limit int) ([]identity.User, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	id, pattern := searchTerms(f.Query)
	count := dbsqlc.UserSearchCountParams{Pattern: pattern, MatchID: id}
	if f.Disabled != nil {
		count.FilterDisabled = 1
		if *f.Disabled {
			count.Disabled = 1
		}
	}
	rows, err := r.t.q.UserSearch(ctx, r.t.db, dbsqlc.UserSearchParams{
		Pattern:        count.Pattern,
		MatchID:        count.MatchID,
		FilterDisabled: count.FilterDisabled,
		Disabled:       count.Disabled,
		PageOffset:     int64(offset),
		PageLimit:      int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search users: %w", interpretError(err))
	}
	n, err := r.t.q.UserSearchCount(ctx, r.t.db, count)
	if err != nil {
		return nil, 0, fmt.Errorf("count users: %w", interpretError(err))
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
