package sqlite

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

var testNow = time.Date(2026, 3, 21, 9, 0, 0, 123_456_000, time.UTC)

func testOTP(t *testing.T, phone string, now time.Time) *identity.OTP {
	t.Helper()
	keys, err := identity.NewCodeKeys(identity.CodeKey{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	require.NoError(t, err)
	otp, err := identity.NewOTP(phone, identity.PurposeLogin, "123456", keys, now, time.Minute)
	require.NoError(t, err)
	return otp
}

func TestIdentityMigrationKeepsExistingUsers(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), MemoryPath, Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	p, err := s.migrationProvider()
	require.NoError(t, err)
	_, err = p.UpTo(t.Context(), 1)
	require.NoError(t, err)
	_, err = s.write.ExecContext(t.Context(), "INSERT INTO users (phone, created_at) VALUES (?, ?)",
		"+989121111111", testNow.UnixMicro())
	require.NoError(t, err)

	require.NoError(t, s.Migrate(t.Context()))
	want := identity.RehydrateUser(1, "+989121111111", testNow).Record()
	getUser := func() identity.UserRecord {
		var got identity.User
		require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			got, err = tx.Users().Get(ctx, 1)
			return err
		}))
		return got.Record()
	}
	require.Equal(t, want, getUser(), "updated_at is backfilled with created_at, the rest is empty")

	_, err = p.DownTo(t.Context(), 1)
	require.NoError(t, err, "the identity migration rolls back")
	require.NoError(t, s.Migrate(t.Context()))
	require.Equal(t, want, getUser())
}

func TestIdentityStoresZeroTimesAsNull(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var user core.UserID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		if user, err = tx.Users().Create(ctx, identity.NewUser("+989121111111", testNow)); err != nil {
			return err
		}
		s, err := identity.NewSession("ses_a", user, identity.HashRefreshToken("r"), "", "", testNow, time.Hour)
		if err != nil {
			return err
		}
		if err := tx.Sessions().Create(ctx, s); err != nil {
			return err
		}
		_, err = tx.OTPs().Create(ctx, testOTP(t, "+989121111111", testNow))
		return err
	}))

	tests := []struct {
		name  string
		query string
	}{
		{"User", "SELECT phone_verified_at IS NULL AND disabled_at IS NULL AND password_changed_at IS NULL" +
			" AND created_at = ?1 AND updated_at = ?1 FROM users"},
		{"Session", "SELECT previous_hash IS NULL AND rotated_at IS NULL AND revoked_at IS NULL" +
			" AND revoke_reason = '' AND created_at = ?1 FROM sessions"},
		{"OTP", "SELECT consumed_at IS NULL AND voided_at IS NULL AND created_at = ?1 FROM otp_codes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ok bool
			require.NoError(t, b.store.read.QueryRowContext(t.Context(), tt.query, testNow.UnixMicro()).Scan(&ok))
			require.True(t, ok, "zero times are NULL and set times are Unix microseconds")
		})
	}
}

func TestOTPCreateFailureKeepsEarlierCode(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const phone = "+989121111111"
	var first identity.OTPID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		first, err = tx.OTPs().Create(ctx, testOTP(t, phone, testNow))
		return err
	}))
	// A code the schema refuses (negative attempts) fails after the earlier code was voided:
	// the savepoint undoes the voiding, and the transaction goes on and commits.
	rec := testOTP(t, phone, testNow.Add(time.Second)).Record()
	rec.Attempts = -1
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.OTPs().Create(ctx, identity.RehydrateOTP(rec))
		require.ErrorContains(t, err, "CHECK constraint failed")
		latest, err := tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
		require.NoError(t, err)
		require.Equal(t, first, latest.ID())
		return nil
	}))
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		latest, err := tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
		require.NoError(t, err)
		require.Equal(t, first, latest.ID())
		require.False(t, latest.Voided())
		return nil
	}))
}

func TestSessionErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	user := b.newUser(t)
	taken := identity.HashRefreshToken("taken")
	existing, err := identity.NewSession("ses_taken", user, taken, "", "", testNow, time.Hour)
	require.NoError(t, err)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		return tx.Sessions().Create(ctx, existing)
	}))

	tests := []struct {
		name string
		run  func(ctx context.Context, tx ports.Tx) error
		want error
	}{
		{"SaveMissing", func(ctx context.Context, tx ports.Tx) error {
			s, err := identity.NewSession("ses_missing", user, identity.HashRefreshToken("m"), "", "", testNow, time.Hour)
			require.NoError(t, err)
			return tx.Sessions().Save(ctx, s)
		}, core.ErrNotFound},
		{"CreateForMissingUser", func(ctx context.Context, tx ports.Tx) error {
			s, err := identity.NewSession("ses_ghost", 987654, identity.HashRefreshToken("g"), "", "", testNow, time.Hour)
			require.NoError(t, err)
			return tx.Sessions().Create(ctx, s)
		}, core.ErrNotFound},
		{"CreateWithTakenRefreshHash", func(ctx context.Context, tx ports.Tx) error {
			s, err := identity.NewSession("ses_other", user, taken, "", "", testNow, time.Hour)
			require.NoError(t, err)
			return tx.Sessions().Create(ctx, s)
		}, core.ErrConflict},
		{"RevokeWithoutReason", func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Sessions().RevokeByUser(ctx, user, "", testNow, identity.RevokeReason{})
			return err
		}, errNoRevokeReason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, b.store.InTx(t.Context(), tt.run), tt.want)
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				got, err := tx.Sessions().Get(ctx, "ses_taken")
				require.NoError(t, err)
				require.Equal(t, existing.Record(), got.Record(), "the failed call changed nothing")
				active, err := tx.Sessions().ListByUser(ctx, user, testNow)
				require.NoError(t, err)
				require.Len(t, active, 1)
				return nil
			}))
		})
	}
}
