package accounts_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

func TestOTPSixDigitsFromCSPRNG(t *testing.T) {
	t.Parallel()
	rec := &recordingReader{}
	b := setupService(t, func(c *accounts.ServiceConfig) { c.Rand = rec })
	phone := testPhone(1)
	code := b.register(t, phone)

	require.Regexp(t, `^[0-9]{6}$`, code)
	// The code is the first draw of the service's random source.
	want, err := identity.GenerateCode(bytes.NewReader(rec.bytes()))
	require.NoError(t, err)
	require.Equal(t, want, code)
	// The store keeps the code's MAC under the current key, not the code.
	otp, err := b.latestOTP(t, phone, identity.PurposeRegistration)
	require.NoError(t, err)
	require.Equal(t, codeKey.ID, otp.KeyID())
	require.Equal(t, identity.CodeMAC(codeKey.Secret, phone, identity.PurposeRegistration, code), otp.MAC())
	require.NotContains(t, string(otp.MAC()), code)
}

func TestOTPExpiresAfterTTL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		wait    time.Duration
		wantErr error
	}{
		{"JustBefore", identity.DefaultOTPTTL - time.Second, nil},
		{"AtExpiry", identity.DefaultOTPTTL, core.ErrOTPExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			phone := testPhone(1)
			code := b.register(t, phone)
			b.advance(tt.wait)
			_, err := b.verify(t, phone, code, identity.PurposeRegistration, defaultClient)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestOTPSingleUse(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	code := b.register(t, phone)
	_, err := b.verify(t, phone, code, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	_, err = b.verify(t, phone, code, identity.PurposeRegistration, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid)
}

func TestOTPNewCodeVoidsPrevious(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	first := b.register(t, phone)
	b.advance(identity.DefaultOTPResendInterval)
	sent, err := b.sendOTP(t, phone, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	second := sent.DebugCode
	require.NotEqual(t, first, second, "two draws of a million codes collided")

	_, err = b.verify(t, phone, first, identity.PurposeRegistration, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid)
	res, err := b.verify(t, phone, second, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	require.True(t, res.PhoneVerified)
}

func TestOTPBoundToPhoneAndPurpose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		phone   string
		purpose identity.Purpose
	}{
		{"OtherPurpose", testPhone(1), identity.PurposePhoneVerification},
		{"OtherPhone", testPhone(2), identity.PurposeRegistration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			b.register(t, testPhone(2))
			code := b.register(t, testPhone(1))
			_, err := b.verify(t, tt.phone, code, tt.purpose, defaultClient)
			require.ErrorIs(t, err, core.ErrOTPInvalid)
			_, err = b.verify(t, testPhone(1), code, identity.PurposeRegistration, defaultClient)
			require.NoError(t, err, "the code still works for its own phone and purpose")
		})
	}
}

func TestOTPLoginCodeDoesNotResetPassword(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	sent, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	_, err = b.verify(t, phone, sent.DebugCode, identity.PurposePasswordReset, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid)
}

func TestOTPFiveWrongTriesKillCode(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	code := b.register(t, phone)
	for range identity.MaxOTPAttempts {
		_, err := b.verify(t, phone, wrongCode(code), identity.PurposeRegistration, client("198.51.100.1"))
		require.ErrorIs(t, err, core.ErrOTPInvalid)
	}
	// From another address, past the per-IP limit: the code itself is dead.
	_, err := b.verify(t, phone, code, identity.PurposeRegistration, client("198.51.100.2"))
	require.ErrorIs(t, err, core.ErrOTPAttemptsExceeded)
	requireLogged(t, b.security, `"event":"otp_failed"`, `"reason":"otp attempts exceeded"`)
}

func TestOTPVerifyLimitPerIPAndPhone(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.register(t, phone)
	for range 5 {
		_, err := b.verify(t, phone, "000000", identity.PurposeLogin, defaultClient)
		require.ErrorIs(t, err, core.ErrOTPInvalid)
	}
	_, err := b.verify(t, phone, "000000", identity.PurposeLogin, defaultClient)
	requireRateLimited(t, err)
	_, err = b.verify(t, testPhone(2), "000000", identity.PurposeLogin, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid, "another phone from the same address has its own budget")
}

func TestOTPTwentyFailuresPerPhonePerHour(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	code := b.register(t, phone)
	ips := []string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"}
	for i := range identity.DefaultOTPMaxFailedPerPhonePerHour {
		_, err := b.verify(t, phone, wrongCode(code), identity.PurposeRegistration, client(ips[i/5]))
		require.Error(t, err)
		require.NotErrorIs(t, err, core.ErrRateLimited, "attempt %d", i+1)
	}
	_, err := b.verify(t, phone, code, identity.PurposeRegistration, client("198.51.100.5"))
	requireRateLimited(t, err)
	requireLogged(t, b.security, `"event":"otp_verify_locked"`, `"limit":"otp.verify.phone"`, `"phone":"+98912***0001"`)

	b.advance(time.Hour)
	_, err = b.verify(t, phone, code, identity.PurposeRegistration, client("198.51.100.5"))
	require.ErrorIs(t, err, core.ErrOTPExpired, "an hour later the code is checked again")
}

func TestOTPResendInterval(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	_, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	b.advance(identity.DefaultOTPResendInterval - time.Second)
	_, err = b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	requireRateLimited(t, err)
	requireLogged(t, b.security, `"event":"otp_send_limited"`, `"limit":"otp.send.phone_purpose.interval"`)
	b.advance(time.Second)
	_, err = b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
}

func TestOTPFivePerHourPerPhone(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	for range identity.DefaultOTPMaxPerHour {
		_, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
		require.NoError(t, err)
		b.advance(identity.DefaultOTPResendInterval)
	}
	_, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	requireRateLimited(t, err)
	requireLogged(t, b.security, `"limit":"otp.send.phone_purpose"`)
	_, err = b.sendOTP(t, phone, identity.PurposePasswordReset, defaultClient)
	require.NoError(t, err, "another purpose has its own hourly budget")
}

func TestOTPTenPerDayPerPhone(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	purposes := []identity.Purpose{
		identity.PurposeLogin, identity.PurposePasswordReset, identity.PurposeRegistration,
		identity.PurposePhoneVerification,
	}
	for i := range identity.DefaultOTPMaxPerDay {
		if i > 0 && i%len(purposes) == 0 {
			b.advance(identity.DefaultOTPResendInterval)
		}
		_, err := b.sendOTP(t, phone, purposes[i%len(purposes)], defaultClient)
		require.NoError(t, err, "send %d", i+1)
	}
	_, err := b.sendOTP(t, phone, purposes[identity.DefaultOTPMaxPerDay%len(purposes)], defaultClient)
	requireRateLimited(t, err)
	requireLogged(t, b.security, `"limit":"otp.send.phone"`)
	_, err = b.sendOTP(t, testPhone(2), identity.PurposeLogin, defaultClient)
	require.NoError(t, err, "another phone has its own daily budget")
}

func TestOTPTwentyPerHourPerIP(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	for i := range identity.DefaultOTPMaxPerIPPerHour {
		_, err := b.sendOTP(t, testPhone(i), identity.PurposeLogin, defaultClient)
		require.NoError(t, err)
	}
	phone := testPhone(identity.DefaultOTPMaxPerIPPerHour)
	_, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	requireRateLimited(t, err)
	requireLogged(t, b.security, `"limit":"otp.send.ip"`)
	_, err = b.sendOTP(t, phone, identity.PurposeLogin, client("198.51.100.9"))
	require.NoError(t, err, "a denial by IP spends none of the phone's budgets")
}

func TestOTPGlobalDailyBudget(t *testing.T) {
	t.Parallel()
	const budget = 3
	b := setupService(t, func(c *accounts.ServiceConfig) { c.SMSDailyBudget = budget })
	for i := range budget {
		_, err := b.sendOTP(t, testPhone(i), identity.PurposeLogin, defaultClient)
		require.NoError(t, err)
	}
	_, err := b.sendOTP(t, testPhone(budget), identity.PurposeLogin, defaultClient)
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	require.NotErrorIs(t, err, core.ErrRateLimited)
	requireLogged(t, b.main, `"level":"ERROR"`, `alarm`, `sms.budget`)

	b.advance(24 * time.Hour)
	_, err = b.sendOTP(t, testPhone(budget), identity.PurposeLogin, defaultClient)
	require.NoError(t, err, "the budget refills")
}

func TestSendOTPSameAnswerForUnknownPhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		purpose identity.Purpose
	}{
		{"Login", identity.PurposeLogin},
		{"PasswordReset", identity.PurposePasswordReset},
		{"RegistrationOfVerifiedPhone", identity.PurposeRegistration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			known, unknown := testPhone(1), testPhone(2)
			b.signUp(t, known)
			b.cfg.ExposeCodes = false // as in production
			b.svc = b.newService(t)
			b.advance(identity.DefaultOTPResendInterval) // past the sign-up's own code
			jobsBefore := len(b.store.Jobs(accounts.OTPSMSKind))

			gotKnown, err := b.sendOTP(t, known, tt.purpose, defaultClient)
			require.NoError(t, err)
			gotUnknown, err := b.sendOTP(t, unknown, tt.purpose, defaultClient)
			require.NoError(t, err)
			require.Empty(t, gotKnown.DebugCode)
			gotKnown.Phone, gotUnknown.Phone = "", ""
			require.Equal(t, gotKnown, gotUnknown)
			require.Equal(t, ports.OTPSent{ExpiresIn: identity.DefaultOTPTTL, ResendAfter: identity.DefaultOTPResendInterval}, gotUnknown)

			sent := 0
			if tt.purpose != identity.PurposeRegistration {
				sent = 1
			}
			require.Len(t, b.store.Jobs(accounts.OTPSMSKind), jobsBefore+sent, "only an eligible phone gets a message")
			// Both spent the same budgets.
			_, errKnown := b.sendOTP(t, known, tt.purpose, defaultClient)
			_, errUnknown := b.sendOTP(t, unknown, tt.purpose, defaultClient)
			requireRateLimited(t, errKnown)
			requireRateLimited(t, errUnknown)
		})
	}
}

func TestSendOTPPurposeRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		verified bool
		disabled bool
		purpose  identity.Purpose
		wantSent bool
	}{
		{"RegistrationUnverified", false, false, identity.PurposeRegistration, true},
		{"PhoneVerificationUnverified", false, false, identity.PurposePhoneVerification, true},
		{"PhoneVerificationVerified", true, false, identity.PurposePhoneVerification, false},
		{"LoginUnverified", false, false, identity.PurposeLogin, false},
		{"LoginVerified", true, false, identity.PurposeLogin, true},
		{"LoginDisabled", true, true, identity.PurposeLogin, false},
		{"PasswordResetVerified", true, false, identity.PurposePasswordReset, true},
		{"ZeroPurposeIsLogin", true, false, identity.Purpose{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			phone := testPhone(1)
			if tt.verified {
				b.signUp(t, phone)
			} else {
				b.register(t, phone)
			}
			if tt.disabled {
				b.disable(t, phone)
			}
			b.advance(identity.DefaultOTPResendInterval)
			before := len(b.store.Jobs(accounts.OTPSMSKind))
			sent, err := b.sendOTP(t, phone, tt.purpose, defaultClient)
			require.NoError(t, err)
			require.Equal(t, tt.wantSent, sent.DebugCode != "")
			require.Len(t, b.store.Jobs(accounts.OTPSMSKind), before+map[bool]int{true: 1}[tt.wantSent])
		})
	}
}

func TestOTPSignup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		signup bool
	}{
		{"Off", false},
		{"On", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t, func(c *accounts.ServiceConfig) { c.OTPSignup = tt.signup })
			phone := testPhone(1)
			sent, err := b.sendOTP(t, phone, identity.PurposeRegistration, defaultClient)
			require.NoError(t, err)
			if !tt.signup {
				require.Empty(t, sent.DebugCode)
				require.Empty(t, b.store.Jobs(accounts.OTPSMSKind))
				return
			}
			res, err := b.verify(t, phone, sent.DebugCode, identity.PurposeRegistration, defaultClient)
			require.NoError(t, err)
			require.True(t, res.PhoneVerified)
			u := b.user(t, phone)
			require.True(t, u.PhoneVerified())
			require.False(t, u.HasPassword())
			_, err = b.login(t, phone, testPassword)
			require.ErrorIs(t, err, core.ErrInvalidCredentials, "a passwordless account cannot sign in by password")
		})
	}
}

func TestVerifyOTPLoginSignsIn(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	user := b.signUp(t, phone)
	sent, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	res, err := b.verify(t, phone, sent.DebugCode, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	require.NotNil(t, res.SignIn)
	require.Equal(t, user.ID(), res.SignIn.User.ID())
	p := b.principal(t, *res.SignIn)
	require.Equal(t, user.ID(), p.UserID)
	requireLogged(t, b.security, `"event":"login_succeeded"`, `"method":"otp"`)
}

func TestVerifyOTPDisabledUserKeepsCodeUsed(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	sent, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	b.disable(t, phone)
	_, err = b.verify(t, phone, sent.DebugCode, identity.PurposeLogin, defaultClient)
	require.ErrorIs(t, err, core.ErrAccountDisabled)
	_, err = b.latestOTP(t, phone, identity.PurposeLogin)
	require.ErrorIs(t, err, core.ErrNotFound, "the right code was used although sign-in was refused")
}

func TestVerifyOpensLedgerAccounts(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	code := b.register(t, phone)
	id := b.user(t, phone).ID()
	require.ErrorIs(t, b.balance(t, id), core.ErrNotFound, "no wallet before the phone is verified")
	_, err := b.verify(t, phone, code, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	require.NoError(t, b.balance(t, id))
}

func TestOTPWrongAttemptIsSaved(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	code := b.register(t, phone)
	_, err := b.verify(t, phone, wrongCode(code), identity.PurposeRegistration, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid)
	otp, err := b.latestOTP(t, phone, identity.PurposeRegistration)
	require.NoError(t, err)
	require.Equal(t, 1, otp.Attempts(), "the refused attempt was committed")
}

func TestVerifyOTPValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    ports.VerifyOTPInput
		field string
	}{
		{"NoPhone", ports.VerifyOTPInput{Code: "123456"}, "phone_number"},
		{"BadPhone", ports.VerifyOTPInput{Phone: "12345", Code: "123456"}, "phone_number"},
		{"NoCode", ports.VerifyOTPInput{Phone: testPhone(1)}, "code"},
		{"BadPurpose", ports.VerifyOTPInput{Phone: testPhone(1), Code: "123456", Purpose: identity.PurposeBankAccount}, "otp_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			_, err := b.svc.VerifyOTP(t.Context(), tt.in)
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Contains(t, ve.Fields, tt.field)
		})
	}
}

// balance reports whether user's IRR account is open.
func (b *serviceBundle) balance(t *testing.T, user core.UserID) error {
	t.Helper()
	return b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Balance(ctx, ledger.UserAccount(user, ledger.IRR))
		return err
	})
}
