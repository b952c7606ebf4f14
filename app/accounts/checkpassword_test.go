package accounts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	user := b.signUp(t, testPhone(1))
	passwordless := b.createUser(t, testPhone(2), "")
	disabledPhone := testPhone(3)
	disabled := b.signUp(t, disabledPhone)
	b.disable(t, disabledPhone)

	tests := []struct {
		name     string
		user     core.UserID
		password string
		want     error
	}{
		{name: "Match", user: user.ID(), password: testPassword},
		{name: "Wrong", user: user.ID(), password: otherPassword, want: core.ErrWrongPassword},
		{name: "Empty", user: user.ID(), password: "", want: core.ErrWrongPassword},
		{name: "NoPassword", user: passwordless, password: testPassword, want: core.ErrWrongPassword},
		{name: "UnknownUser", user: 9999, password: testPassword, want: core.ErrNotAuthenticated},
		{name: "Disabled", user: disabled.ID(), password: testPassword, want: core.ErrAccountDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: each case counts the derivations of the shared hasher.
			before := b.derivations.Load()

			err := b.svc.CheckPassword(t.Context(), tt.user, tt.password)

			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
			require.Equal(t, int64(1), b.derivations.Load()-before, "one derivation whatever the answer")
		})
	}
	requireLogged(t, b.security, `"event":"password_check_failed"`, `"user_id":"`+user.ID().String()+`"`, `"phone":"+98912***0001"`)
}

func TestCheckPasswordChangesNothing(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	// A hash made with other parameters than the service's: Login would replace it.
	older, err := accounts.NewPasswordHasher(accounts.PasswordConfig{Memory: 128, Time: 2, Threads: 1})
	require.NoError(t, err)
	hash, err := older.Hash(testPassword)
	require.NoError(t, err)
	id := b.createUser(t, phone, hash)
	before := b.user(t, phone)
	b.advance(identity.DefaultOTPResendInterval)

	require.NoError(t, b.svc.CheckPassword(t.Context(), id, testPassword))
	require.ErrorIs(t, b.svc.CheckPassword(t.Context(), id, otherPassword), core.ErrWrongPassword)

	require.Equal(t, before.Record(), b.user(t, phone).Record(), "neither a rehash nor any other change")
}

// createUser stores a phone-verified user of phone with the password hash hash ("" for
// none, as a code sign-up leaves it) and returns its id.
func (b *serviceBundle) createUser(t *testing.T, phone, hash string) core.UserID {
	t.Helper()
	var id core.UserID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser(phone, b.clock.Now())
		if err := u.VerifyPhone(b.clock.Now()); err != nil {
			return err
		}
		if hash != "" {
			if err := u.SetPassword(hash, b.clock.Now()); err != nil {
				return err
			}
		}
		var err error
		id, err = tx.Users().Create(ctx, u)
		return err
	}))
	return id
}
