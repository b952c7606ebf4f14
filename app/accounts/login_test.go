package accounts_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestLoginSucceeds(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	user := b.signUp(t, phone)
	// Any written form of the phone signs in (API.md §1.9).
	in, err := b.login(t, "09120000001", testPassword)
	require.NoError(t, err)
	require.Equal(t, user.ID(), in.User.ID())
	require.NotEmpty(t, in.Tokens.Access)
	require.NotEmpty(t, in.Tokens.Refresh)
	require.Equal(t, b.access.TTL(), in.Tokens.AccessTTL)
	require.Equal(t, identity.DefaultRefreshTTL, in.Tokens.RefreshTTL)
	p := b.principal(t, in)
	require.Equal(t, in.Tokens.SessionID, p.SessionID)
	requireLogged(t, b.security, `"event":"login_succeeded"`, `"user_id":"`+user.ID().String()+`"`,
		`"phone":"+98912***0001"`, `"ip":"203.0.113.7"`, `"request_id":"req-203.0.113.7"`)
}

func TestLoginUnknownPhoneSameErrorAndWork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		phone    string
		password string
	}{
		{"UnknownPhone", testPhone(2), testPassword},
		{"WrongPassword", testPhone(1), otherPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			b.signUp(t, testPhone(1))
			before := b.derivations.Load()
			_, err := b.login(t, tt.phone, tt.password)
			require.ErrorIs(t, err, core.ErrInvalidCredentials)
			require.Equal(t, int64(1), b.derivations.Load()-before, "one password derivation either way")
			requireLogged(t, b.security, `"event":"login_failed"`, `"reason":"invalid credentials"`)
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, b *serviceBundle, phone string)
		wantErr error
	}{
		{"PhoneNotVerified", func(t *testing.T, b *serviceBundle, phone string) { b.register(t, phone) }, core.ErrPhoneNotVerified},
		{"Disabled", func(t *testing.T, b *serviceBundle, phone string) {
			b.signUp(t, phone)
			b.disable(t, phone)
		}, core.ErrAccountDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			phone := testPhone(1)
			tt.prepare(t, b, phone)
			_, err := b.login(t, phone, testPassword)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestLoginAccountBackoff(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)

	// A success clears the attempts before it.
	for range 4 {
		_, err := b.login(t, phone, otherPassword)
		require.ErrorIs(t, err, core.ErrInvalidCredentials)
	}
	b.mustLogin(t, phone)
	for range 5 {
		_, err := b.login(t, phone, otherPassword)
		require.ErrorIs(t, err, core.ErrInvalidCredentials)
	}
	before := b.derivations.Load()
	_, err := b.login(t, phone, testPassword)
	requireRateLimited(t, err)
	require.Equal(t, before, b.derivations.Load(), "a locked attempt derives nothing")
	requireLogged(t, b.security, `"event":"login_locked"`)

	b.advance(15 * time.Minute / 5)
	b.mustLogin(t, phone)
}

func TestLoginValidation(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	_, err := b.svc.Login(t.Context(), ports.LoginInput{Phone: "not a phone"})
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Contains(t, ve.Fields, "phone_number")
	require.Contains(t, ve.Fields, "password")
}

func TestLoginRehashesOldParameters(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	old := b.user(t, phone).PasswordHash()

	stronger := cheapPasswords
	stronger.Time = 2
	hasher, err := accounts.NewPasswordHasher(stronger)
	require.NoError(t, err)
	b.hasher = hasher
	b.svc = b.newService(t)
	b.mustLogin(t, phone)
	got := b.user(t, phone).PasswordHash()
	require.NotEqual(t, old, got)
	require.Contains(t, got, ",t=2,")
	b.mustLogin(t, phone)
}
