package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestRegisterAnswers(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	sent, err := b.svc.Register(t.Context(), ports.RegisterInput{
		Phone: "09120000001", Password: testPassword, PasswordConfirm: testPassword,
		FirstName: " علي ", LastName: "رضايي", Client: defaultClient,
	})
	require.NoError(t, err)
	require.Equal(t, testPhone(1), sent.Phone)
	require.Equal(t, identity.DefaultOTPTTL, sent.ExpiresIn)
	require.Equal(t, identity.DefaultOTPResendInterval, sent.ResendAfter)
	u := b.user(t, testPhone(1))
	require.False(t, u.PhoneVerified())
	require.Equal(t, "علی", u.FirstName(), "names are normalised")
	require.Len(t, b.store.Jobs(accounts.OTPSMSKind), 1)
	requireLogged(t, b.security, `"event":"registered"`, `"phone":"+98912***0001"`)
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     ports.RegisterInput
		fields []string
	}{
		{"Empty", ports.RegisterInput{}, []string{"phone_number", "password"}},
		{"BadPhone", ports.RegisterInput{Phone: "0212345678", Password: testPassword, PasswordConfirm: testPassword}, []string{"phone_number"}},
		{"CommonPassword", ports.RegisterInput{Phone: testPhone(1), Password: "password123", PasswordConfirm: "password123"}, []string{"password"}},
		{"PasswordIsPhone", ports.RegisterInput{Phone: testPhone(1), Password: "09120000001", PasswordConfirm: "09120000001"}, []string{"password"}},
		{"Mismatch", ports.RegisterInput{Phone: testPhone(1), Password: testPassword, PasswordConfirm: otherPassword}, []string{"password_confirm"}},
		{"LongName", ports.RegisterInput{Phone: testPhone(1), Password: testPassword, PasswordConfirm: testPassword, LastName: strings.Repeat("x", 101)}, []string{"last_name"}},
		{"Everything", ports.RegisterInput{Phone: "x", Password: "short", PasswordConfirm: "other", FirstName: strings.Repeat("x", 101)},
			[]string{"phone_number", "password", "password_confirm", "first_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			_, err := b.svc.Register(t.Context(), tt.in)
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.ElementsMatch(t, tt.fields, ve.FieldNames())
			require.Zero(t, b.derivations.Load(), "invalid input is not hashed")
			require.Empty(t, b.store.Jobs(accounts.OTPSMSKind))
		})
	}
}

func TestRegisterPhoneTaken(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	b.advance(time.Hour)
	_, err := b.svc.Register(t.Context(), ports.RegisterInput{
		Phone: phone, Password: otherPassword, PasswordConfirm: otherPassword, Client: defaultClient,
	})
	require.ErrorIs(t, err, core.ErrPhoneTaken)
	b.mustLogin(t, phone)
	// No send budget was spent on the refusal.
	_, err = b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
}

func TestRegisterAgainReplacesPassword(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	first := b.register(t, phone)
	id := b.user(t, phone).ID()
	b.advance(identity.DefaultOTPResendInterval)
	sent, err := b.svc.Register(t.Context(), ports.RegisterInput{
		Phone: phone, Password: otherPassword, PasswordConfirm: otherPassword, FirstName: "Sara", Client: defaultClient,
	})
	require.NoError(t, err)
	u := b.user(t, phone)
	require.Equal(t, id, u.ID(), "the same account")
	require.Equal(t, "Sara", u.FirstName())
	_, err = b.verify(t, phone, first, identity.PurposeRegistration, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid, "the fresh code voids the first")
	_, err = b.verify(t, phone, sent.DebugCode, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	_, err = b.login(t, phone, otherPassword)
	require.NoError(t, err)
}

func TestSMSJobEnqueuedInSameTx(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	errBoom := errors.New("boom")
	b.store.FailNextTx(errBoom)
	_, err := b.svc.Register(t.Context(), ports.RegisterInput{
		Phone: phone, Password: testPassword, PasswordConfirm: testPassword, Client: defaultClient,
	})
	require.ErrorIs(t, err, errBoom)
	require.Zero(t, b.store.Depth(t, accounts.OTPSMSKind), "a failed transaction enqueues nothing")
	_, err = b.latestOTP(t, phone, identity.PurposeRegistration)
	require.ErrorIs(t, err, core.ErrNotFound, "and stores no code")

	b.advance(identity.DefaultOTPResendInterval)
	b.register(t, phone)
	require.Equal(t, 1, b.store.Depth(t, accounts.OTPSMSKind), "a committed one enqueues its message")
	jobs := b.store.Jobs(accounts.OTPSMSKind)
	require.Len(t, jobs, 1)
	require.Equal(t, accounts.DefaultSMSJobMaxAttempts, jobs[0].MaxAttempts)
}

func TestRegisterRecordsConsent(t *testing.T) {
	t.Parallel()
	b := setupService(t, func(c *accounts.ServiceConfig) { c.TermsVersion = "2026-12" })
	phone := testPhone(7)
	b.register(t, phone)
	user := b.user(t, phone)

	var consents []ports.Consent
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		consents, err = tx.Consents().List(ctx, user.ID())
		return err
	}))
	require.Len(t, consents, 1)
	require.Equal(t, accounts.ConsentTerms, consents[0].Kind)
	require.Equal(t, "2026-12", consents[0].Version)
	require.Equal(t, defaultClient.IP, consents[0].IP)
}
