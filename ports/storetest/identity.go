package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

var testCodeKeys = func() identity.CodeKeys {
	keys, err := identity.NewCodeKeys(identity.CodeKey{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		panic(err)
	}
	return keys
}()

func (b *bundle) createOTP(t *testing.T, phone string, purpose identity.Purpose, code string, now time.Time) identity.OTPID {
	t.Helper()
	otp, err := identity.NewOTP(phone, purpose, code, testCodeKeys, now, 5*time.Minute)
	require.NoError(t, err)
	var id identity.OTPID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.OTPs().Create(ctx, otp)
		return err
	})
	require.Positive(t, int64(id))
	return id
}

// verifyOTP runs the service's verification step: load the latest code, verify, save.
func (b *bundle) verifyOTP(ctx context.Context, phone string, purpose identity.Purpose, code string, now time.Time) error {
	var verifyErr error
	err := b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		otp, err := tx.OTPs().Latest(ctx, phone, purpose)
		if err != nil {
			return err
		}
		verifyErr = otp.Verify(code, testCodeKeys, now)
		return tx.OTPs().Save(ctx, otp)
	})
	return errors.Join(err, verifyErr)
}

func identityCases() []testCase {
	return []testCase{
		{"UserRecordRoundTrip", func(t *testing.T, b *bundle) {
			u, err := identity.NewRegisteredUser("+989121111111", "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", "علی", "رضایی", b.now)
			require.NoError(t, err)
			var id core.UserID
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				id, err = tx.Users().Create(ctx, u)
				return err
			})
			later := b.now.Add(time.Hour)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				stored, err := tx.Users().GetForUpdate(ctx, id)
				require.NoError(t, err)
				require.NoError(t, stored.VerifyPhone(later))
				require.NoError(t, stored.SetPassword("$argon2id$new", later))
				email := "ali@example.com"
				dob := time.Date(1990, time.May, 12, 0, 0, 0, 0, time.UTC)
				require.NoError(t, stored.UpdateProfile(identity.ProfileUpdate{Email: &email, DateOfBirth: &dob}, later))
				require.NoError(t, stored.SetRole(identity.RoleOperator, later))
				return tx.Users().Update(ctx, stored)
			})
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				got, err := tx.Users().Get(ctx, id)
				require.NoError(t, err)
				want := u.Record()
				want.ID = id
				want.PasswordHash = "$argon2id$new"
				want.Email = "ali@example.com"
				want.DateOfBirth = time.Date(1990, time.May, 12, 0, 0, 0, 0, time.UTC)
				want.Role = identity.RoleOperator
				want.PhoneVerifiedAt = later
				want.PasswordChangedAt = later
				want.UpdatedAt = later
				requireSameUser(t, want, got.Record())
				return nil
			}))
		}},
		{"UserUpdateMissing", func(t *testing.T, b *bundle) {
			ghost := identity.RehydrateUserRecord(identity.UserRecord{
				ID: 987654, Phone: "+989121111112", Role: identity.RoleUser, CreatedAt: b.now, UpdatedAt: b.now,
			})
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Users().Update(ctx, ghost)
			})
			require.ErrorIs(t, err, core.ErrNotFound)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Users().GetForUpdate(ctx, 987654)
				return err
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"UserDateOfBirthRoundTrip", func(t *testing.T, b *bundle) {
			// The store keeps the calendar day, whatever its own time zone: 1900-01-01 is the
			// earliest date accepted, and 1370/06/31 (Jalali) is 1991-09-22.
			u, err := identity.NewRegisteredUser("+989121111119", "$argon2id$hash", "", "", b.now)
			require.NoError(t, err)
			first := time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)
			require.NoError(t, u.UpdateProfile(identity.ProfileUpdate{DateOfBirth: &first}, b.now))
			var id core.UserID
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				id, err = tx.Users().Create(ctx, u)
				return err
			})
			requireDateOfBirth := func(want time.Time) {
				t.Helper()
				require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					byID, err := tx.Users().Get(ctx, id)
					require.NoError(t, err)
					byPhone, err := tx.Users().GetByPhone(ctx, "+989121111119")
					require.NoError(t, err)
					for _, got := range []identity.User{byID, byPhone} {
						dob, known := got.DateOfBirth()
						require.Equal(t, !want.IsZero(), known)
						require.Equal(t, want, dob)
					}
					return nil
				}))
			}
			requireDateOfBirth(first)

			parsed, err := identity.ParseDateOfBirth("۱۳۷۰/۰۶/۳۱")
			require.NoError(t, err)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				stored, err := tx.Users().GetForUpdate(ctx, id)
				require.NoError(t, err)
				require.NoError(t, stored.UpdateProfile(identity.ProfileUpdate{DateOfBirth: &parsed}, b.now.Add(time.Hour)))
				return tx.Users().Update(ctx, stored)
			})
			requireDateOfBirth(time.Date(1991, time.September, 22, 0, 0, 0, 0, time.UTC))

			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				stored, err := tx.Users().GetForUpdate(ctx, id)
				require.NoError(t, err)
				require.NoError(t, stored.UpdateProfile(identity.ProfileUpdate{DateOfBirth: &time.Time{}}, b.now.Add(2*time.Hour)))
				return tx.Users().Update(ctx, stored)
			})
			requireDateOfBirth(time.Time{})
		}},
		{"OTPNewCodeVoidsOld", func(t *testing.T, b *bundle) {
			const phone = "+989121111113"
			first := b.createOTP(t, phone, identity.PurposeLogin, "111111", b.now)
			b.createOTP(t, phone, identity.PurposePasswordReset, "333333", b.now)
			second := b.createOTP(t, phone, identity.PurposeLogin, "222222", b.now.Add(time.Minute))
			require.NotEqual(t, first, second)
			require.ErrorIs(t, b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "111111", b.now.Add(2*time.Minute)), core.ErrOTPInvalid)
			require.NoError(t, b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "222222", b.now.Add(2*time.Minute)))
			require.ErrorIs(t, b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "222222", b.now.Add(2*time.Minute)), core.ErrNotFound,
				"a consumed code is gone")
			require.NoError(t, b.verifyOTP(t.Context(), phone, identity.PurposePasswordReset, "333333", b.now.Add(2*time.Minute)),
				"codes of another purpose stay usable")
		}},
		{"OTPAttemptsPersist", func(t *testing.T, b *bundle) {
			const phone = "+989121111114"
			b.createOTP(t, phone, identity.PurposeLogin, "123456", b.now)
			for range identity.MaxOTPAttempts {
				require.ErrorIs(t, b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "000000", b.now), core.ErrOTPInvalid)
			}
			require.ErrorIs(t, b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "123456", b.now), core.ErrOTPAttemptsExceeded,
				"wrong attempts are saved even though each verification failed")
		}},
		{"OTPSaveRefusesSecondConsumer", func(t *testing.T, b *bundle) {
			const phone = "+989121111115"
			b.createOTP(t, phone, identity.PurposeLogin, "123456", b.now)
			var stale *identity.OTP
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				var err error
				stale, err = tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
				return err
			}))
			require.NoError(t, b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "123456", b.now))
			require.NoError(t, stale.Verify("123456", testCodeKeys, b.now))
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.OTPs().Save(ctx, stale)
			})
			require.ErrorIs(t, err, core.ErrOTPInvalid)
		}},
		{"OTPCountAndExpiry", func(t *testing.T, b *bundle) {
			const phone = "+989121111116"
			for i := range 3 {
				b.createOTP(t, phone, identity.PurposeLogin, "123456", b.now.Add(time.Duration(i)*time.Minute))
			}
			b.createOTP(t, phone, identity.PurposeRegistration, "123456", b.now.Add(3*time.Minute))
			b.createOTP(t, "+989121111117", identity.PurposeLogin, "123456", b.now.Add(3*time.Minute))
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				n, err := tx.OTPs().CountSince(ctx, phone, identity.PurposeLogin, b.now.Add(time.Minute))
				require.NoError(t, err)
				require.Equal(t, 2, n)
				n, err = tx.OTPs().CountSince(ctx, phone, identity.Purpose{}, b.now)
				require.NoError(t, err)
				require.Equal(t, 4, n)
				return nil
			}))
			var deleted int64
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				deleted, err = tx.OTPs().DeleteExpired(ctx, b.now.Add(7*time.Minute))
				return err
			})
			require.EqualValues(t, 2, deleted, "the codes created at 0 and 1 min expired at 5 and 6 min")
		}},
		{"OTPParallelVerification", func(t *testing.T, b *bundle) {
			// 20 requests present the right code at once: exactly one may use it.
			const phone = "+989121111118"
			b.createOTP(t, phone, identity.PurposeLogin, "123456", b.now)
			wins := race(t, 20, func(int) error {
				return b.verifyOTP(t.Context(), phone, identity.PurposeLogin, "123456", b.now)
			}, core.ErrOTPInvalid, core.ErrNotFound)
			require.EqualValues(t, 1, wins)
		}},
		{"SessionLifecycle", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			t0 := identity.HashRefreshToken("refresh-0")
			s, err := identity.NewSession("ses_a", u, t0, "Firefox", "203.0.113.7", b.now, 7*24*time.Hour)
			require.NoError(t, err)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return tx.Sessions().Create(ctx, s) })
			require.ErrorIs(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Sessions().Create(ctx, s)
			}), core.ErrConflict)

			t1 := identity.HashRefreshToken("refresh-1")
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				got, err := tx.Sessions().GetByRefreshHash(ctx, t0)
				require.NoError(t, err)
				outcome, err := got.Rotate(t0, t1, b.now.Add(time.Minute), 30*time.Second)
				require.NoError(t, err)
				require.Equal(t, identity.RotateRotated, outcome)
				return tx.Sessions().Save(ctx, got)
			})
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				for _, h := range [][32]byte{t0, t1} {
					got, err := tx.Sessions().GetByRefreshHash(ctx, h)
					require.NoError(t, err)
					require.Equal(t, "ses_a", got.ID())
				}
				got, err := tx.Sessions().Get(ctx, "ses_a")
				require.NoError(t, err)
				want := s.Record()
				want.CurrentHash, want.PreviousHash, want.RotatedAt = t1, t0, b.now.Add(time.Minute)
				requireSameSession(t, want, got.Record())
				_, err = tx.Sessions().GetByRefreshHash(ctx, identity.HashRefreshToken("unknown"))
				require.ErrorIs(t, err, core.ErrNotFound)
				_, err = tx.Sessions().Get(ctx, "ses_missing")
				require.ErrorIs(t, err, core.ErrNotFound)
				return nil
			}))
		}},
		{"SessionsRevokeByUser", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			for i, id := range []string{"ses_1", "ses_2", "ses_3"} {
				s, err := identity.NewSession(id, u, identity.HashRefreshToken(id), "", "", b.now.Add(time.Duration(i)*time.Second), time.Hour)
				require.NoError(t, err)
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return tx.Sessions().Create(ctx, s) })
			}
			o, err := identity.NewSession("ses_other", other, identity.HashRefreshToken("o"), "", "", b.now, time.Hour)
			require.NoError(t, err)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return tx.Sessions().Create(ctx, o) })

			var revoked int64
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				revoked, err = tx.Sessions().RevokeByUser(ctx, u, "ses_2", b.now.Add(time.Minute), identity.RevokePasswordChange)
				return err
			})
			require.EqualValues(t, 2, revoked)
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				active, err := tx.Sessions().ListByUser(ctx, u, b.now.Add(time.Minute))
				require.NoError(t, err)
				require.Len(t, active, 1)
				require.Equal(t, "ses_2", active[0].ID())
				gone, err := tx.Sessions().Get(ctx, "ses_1")
				require.NoError(t, err)
				require.True(t, gone.Revoked())
				require.Equal(t, identity.RevokePasswordChange, gone.RevokeReason())
				others, err := tx.Sessions().ListByUser(ctx, other, b.now)
				require.NoError(t, err)
				require.Len(t, others, 1)
				expired, err := tx.Sessions().ListByUser(ctx, other, b.now.Add(2*time.Hour))
				require.NoError(t, err)
				require.Empty(t, expired)
				return nil
			}))
		}},
	}
}

func requireSameUser(t *testing.T, want, got identity.UserRecord) {
	t.Helper()
	for _, p := range []struct {
		name       string
		want, have time.Time
	}{
		{"PhoneVerifiedAt", want.PhoneVerifiedAt, got.PhoneVerifiedAt},
		{"DisabledAt", want.DisabledAt, got.DisabledAt},
		{"PasswordChangedAt", want.PasswordChangedAt, got.PasswordChangedAt},
		{"CreatedAt", want.CreatedAt, got.CreatedAt},
		{"UpdatedAt", want.UpdatedAt, got.UpdatedAt},
	} {
		require.True(t, p.want.Equal(p.have), "%s: want %s, got %s", p.name, p.want, p.have)
	}
	want.PhoneVerifiedAt, want.DisabledAt, want.PasswordChangedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	got.PhoneVerifiedAt, got.DisabledAt, got.PasswordChangedAt, got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	require.Equal(t, want, got)
}

func requireSameSession(t *testing.T, want, got identity.SessionRecord) {
	t.Helper()
	for _, p := range []struct {
		name       string
		want, have time.Time
	}{
		{"RotatedAt", want.RotatedAt, got.RotatedAt},
		{"CreatedAt", want.CreatedAt, got.CreatedAt},
		{"ExpiresAt", want.ExpiresAt, got.ExpiresAt},
		{"RevokedAt", want.RevokedAt, got.RevokedAt},
	} {
		require.True(t, p.want.Equal(p.have), "%s: want %s, got %s", p.name, p.want, p.have)
	}
	want.RotatedAt, want.CreatedAt, want.ExpiresAt, want.RevokedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	got.RotatedAt, got.CreatedAt, got.ExpiresAt, got.RevokedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	require.Equal(t, want, got)
}
