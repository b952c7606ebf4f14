package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// TestDateOfBirthStoredAsText checks the stored form of a date of birth, 'YYYY-MM-DD', and
// that the column's CHECK refuses anything else, as PostgreSQL's date type would.
func TestDateOfBirthStoredAsText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := identity.NewUser("+989121111111", testNow)
	dob := time.Date(2000, time.February, 29, 0, 0, 0, 0, time.UTC)
	require.NoError(t, u.UpdateProfile(identity.ProfileUpdate{DateOfBirth: &dob}, testNow))
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Users().Create(ctx, u)
		return err
	}))
	var stored string
	require.NoError(t, b.store.read.QueryRowContext(t.Context(), "SELECT date_of_birth FROM users").Scan(&stored))
	require.Equal(t, "2000-02-29", stored)

	tests := []struct {
		name  string
		value any
	}{
		{"NoSuchDay", "2001-02-29"},
		{"WithTime", "2000-02-29 00:00:00"},
		{"OneDigitMonth", "2000-2-29"},
		{"Jalali", "1378/12/10"},
		{"UnixMicros", testNow.UnixMicro()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := b.store.write.ExecContext(t.Context(), "UPDATE users SET date_of_birth = ?", tt.value)
			require.ErrorContains(t, err, "CHECK constraint failed")
		})
	}
}
