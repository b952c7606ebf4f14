package accounts_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// changeInput changes testPassword to otherPassword.
var changeInput = ports.ChangePasswordInput{
	OldPassword: testPassword, NewPassword: otherPassword, NewPasswordConfirm: otherPassword,
}

func TestPasswordChangeRevokesOtherSessions(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	current := b.mustLogin(t, phone)
	other := b.mustLogin(t, phone)
	p := b.principal(t, current)
	_, err := b.svc.Authenticate(t.Context(), other.Tokens.Access)
	require.NoError(t, err)

	b.advance(time.Second)
	require.NoError(t, b.svc.ChangePassword(t.Context(), p, changeInput))
	_, err = b.svc.Authenticate(t.Context(), current.Tokens.Access)
	require.NoError(t, err, "the session that changed the password stays")
	_, err = b.svc.Authenticate(t.Context(), other.Tokens.Access)
	require.ErrorIs(t, err, core.ErrTokenRevoked)
	_, err = b.refresh(t, other.Tokens.Refresh)
	require.ErrorIs(t, err, core.ErrTokenRevoked)

	_, err = b.login(t, phone, testPassword)
	require.ErrorIs(t, err, core.ErrInvalidCredentials)
	_, err = b.login(t, phone, otherPassword)
	require.NoError(t, err)
	requireLogged(t, b.security, `"event":"password_changed"`, `"sessions_revoked":1`)
}

func TestPasswordChangeRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        ports.ChangePasswordInput
		wantErr   error
		wantField string
	}{
		{"WrongOld", ports.ChangePasswordInput{OldPassword: otherPassword, NewPassword: otherPassword, NewPasswordConfirm: otherPassword}, core.ErrWrongPassword, ""},
		{"NoOld", ports.ChangePasswordInput{NewPassword: otherPassword, NewPasswordConfirm: otherPassword}, core.ErrInvalidInput, "old_password"},
		{"WeakNew", ports.ChangePasswordInput{OldPassword: testPassword, NewPassword: "password", NewPasswordConfirm: "password"}, core.ErrInvalidInput, "new_password"},
		{"NewLikePhone", ports.ChangePasswordInput{OldPassword: testPassword, NewPassword: "x9120000001", NewPasswordConfirm: "x9120000001"}, core.ErrInvalidInput, "new_password"},
		{"Mismatch", ports.ChangePasswordInput{OldPassword: testPassword, NewPassword: otherPassword, NewPasswordConfirm: testPassword}, core.ErrInvalidInput, "new_password_confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			phone := testPhone(1)
			b.signUp(t, phone)
			p := b.principal(t, b.mustLogin(t, phone))
			err := b.svc.ChangePassword(t.Context(), p, tt.in)
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantField != "" {
				var ve *core.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Contains(t, ve.Fields, tt.wantField)
			}
			b.mustLogin(t, phone) // the password is unchanged
		})
	}
}

func TestPasswordChangeLimit(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	p := b.principal(t, b.mustLogin(t, phone))
	wrong := ports.ChangePasswordInput{OldPassword: otherPassword, NewPassword: otherPassword, NewPasswordConfirm: otherPassword}
	for range 5 {
		require.ErrorIs(t, b.svc.ChangePassword(t.Context(), p, wrong), core.ErrWrongPassword)
	}
	requireRateLimited(t, b.svc.ChangePassword(t.Context(), p, changeInput))
	requireLogged(t, b.security, `"event":"password_change_locked"`)
}

// resetToken runs the password_reset code flow for phone and returns the reset token.
func (b *serviceBundle) resetToken(t *testing.T, phone string) string {
	t.Helper()
	sent, err := b.sendOTP(t, phone, identity.PurposePasswordReset, defaultClient)
	require.NoError(t, err)
	res, err := b.verify(t, phone, sent.DebugCode, identity.PurposePasswordReset, defaultClient)
	require.NoError(t, err)
	require.NotEmpty(t, res.ResetToken)
	require.Equal(t, 10*time.Minute, res.ResetTokenTTL)
	return res.ResetToken
}

// resetInput sets otherPassword for phone with token or code.
func resetInput(phone, token, code string) ports.ResetPasswordInput {
	return ports.ResetPasswordInput{
		Phone: phone, ResetToken: token, Code: code,
		NewPassword: otherPassword, NewPasswordConfirm: otherPassword, Client: defaultClient,
	}
}

func TestPasswordResetRevokesAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		proof func(t *testing.T, b *serviceBundle, phone string) ports.ResetPasswordInput
	}{
		{"ByToken", func(t *testing.T, b *serviceBundle, phone string) ports.ResetPasswordInput {
			return resetInput(phone, b.resetToken(t, phone), "")
		}},
		{"ByCode", func(t *testing.T, b *serviceBundle, phone string) ports.ResetPasswordInput {
			sent, err := b.sendOTP(t, phone, identity.PurposePasswordReset, defaultClient)
			require.NoError(t, err)
			return resetInput(phone, "", sent.DebugCode)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			phone := testPhone(1)
			b.signUp(t, phone)
			sessions := []ports.SignIn{b.mustLogin(t, phone), b.mustLogin(t, phone)}
			for _, s := range sessions {
				_, err := b.svc.Authenticate(t.Context(), s.Tokens.Access)
				require.NoError(t, err)
			}
			in := tt.proof(t, b, phone)
			b.advance(time.Second)
			require.NoError(t, b.svc.ResetPassword(t.Context(), in))
			for _, s := range sessions {
				_, err := b.svc.Authenticate(t.Context(), s.Tokens.Access)
				require.ErrorIs(t, err, core.ErrTokenRevoked)
			}
			_, err := b.login(t, phone, otherPassword)
			require.NoError(t, err)
			requireLogged(t, b.security, `"event":"password_reset"`, `"sessions_revoked":2`)
		})
	}
}

func TestResetTokenSingleUse(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	token := b.resetToken(t, phone)
	b.advance(time.Second)
	require.NoError(t, b.svc.ResetPassword(t.Context(), resetInput(phone, token, "")))
	b.advance(time.Second)
	err := b.svc.ResetPassword(t.Context(), resetInput(phone, token, ""))
	require.ErrorIs(t, err, core.ErrOTPInvalid)
	requireLogged(t, b.security, `"event":"password_reset_failed"`)
}

func TestResetTokenRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mangle  func(t *testing.T, b *serviceBundle, token string) ports.ResetPasswordInput
		wantErr error
	}{
		{"Expired", func(t *testing.T, b *serviceBundle, token string) ports.ResetPasswordInput {
			b.advance(10 * time.Minute)
			return resetInput(testPhone(1), token, "")
		}, core.ErrOTPExpired},
		{"OtherPhone", func(_ *testing.T, _ *serviceBundle, token string) ports.ResetPasswordInput {
			return resetInput(testPhone(2), token, "")
		}, core.ErrOTPInvalid},
		{"Forged", func(_ *testing.T, _ *serviceBundle, token string) ports.ResetPasswordInput {
			return resetInput(testPhone(1), token[:len(token)-2]+"AA", "")
		}, core.ErrOTPInvalid},
		{"Garbage", func(_ *testing.T, _ *serviceBundle, _ string) ports.ResetPasswordInput {
			return resetInput(testPhone(1), "garbage", "")
		}, core.ErrOTPInvalid},
		{"PasswordChangedSince", func(t *testing.T, b *serviceBundle, token string) ports.ResetPasswordInput {
			// Changed and changed back: the same password, but no longer the same one.
			p := b.principal(t, b.mustLogin(t, testPhone(1)))
			require.NoError(t, b.svc.ChangePassword(t.Context(), p, changeInput))
			require.NoError(t, b.svc.ChangePassword(t.Context(), p, ports.ChangePasswordInput{
				OldPassword: otherPassword, NewPassword: testPassword, NewPasswordConfirm: testPassword,
			}))
			return resetInput(testPhone(1), token, "")
		}, core.ErrOTPInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			b.signUp(t, testPhone(1))
			b.signUp(t, testPhone(2))
			token := b.resetToken(t, testPhone(1))
			in := tt.mangle(t, b, token)
			before := b.derivations.Load()
			err := b.svc.ResetPassword(t.Context(), in)
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, before, b.derivations.Load(), "a bad token costs no hashing")
			b.mustLogin(t, testPhone(1))
		})
	}
}

func TestPasswordResetWrongCodeCounts(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	sent, err := b.sendOTP(t, phone, identity.PurposePasswordReset, defaultClient)
	require.NoError(t, err)
	err = b.svc.ResetPassword(t.Context(), resetInput(phone, "", wrongCode(sent.DebugCode)))
	require.ErrorIs(t, err, core.ErrOTPInvalid)
	otp, err := b.latestOTP(t, phone, identity.PurposePasswordReset)
	require.NoError(t, err)
	require.Equal(t, 1, otp.Attempts())
	b.mustLogin(t, phone)
}

func TestPasswordResetValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    ports.ResetPasswordInput
		field string
	}{
		{"NeitherProof", resetInput(testPhone(1), "", ""), core.NonFieldErrors},
		{"BothProofs", resetInput(testPhone(1), "t", "123456"), core.NonFieldErrors},
		{"BadPhone", resetInput("123", "t", ""), "phone_number"},
		{"Mismatch", ports.ResetPasswordInput{Phone: testPhone(1), Code: "123456", NewPassword: otherPassword, NewPasswordConfirm: "x"}, "new_password_confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			err := b.svc.ResetPassword(t.Context(), tt.in)
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Contains(t, ve.Fields, tt.field)
		})
	}
}
