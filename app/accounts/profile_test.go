package accounts_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

func TestMeAndUpdateProfile(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	p := b.principal(t, b.mustLogin(t, phone))

	first, email := "Sara", "Sara@Example.COM"
	got, err := b.svc.UpdateProfile(t.Context(), p, identity.ProfileUpdate{FirstName: &first, Email: &email})
	require.NoError(t, err)
	require.Equal(t, "Sara", got.FirstName())
	require.Equal(t, "Sara@example.com", got.Email())
	me, err := b.svc.Me(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, got.Record(), me.Record())

	bad := "not an email"
	_, err = b.svc.UpdateProfile(t.Context(), p, identity.ProfileUpdate{Email: &bad})
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Contains(t, ve.Fields, "email")
}

func TestDisabledUserProfile(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	p := b.principal(t, b.mustLogin(t, phone))
	b.disable(t, phone)
	_, err := b.svc.Me(t.Context(), p)
	require.ErrorIs(t, err, core.ErrAccountDisabled)
	name := "X"
	_, err = b.svc.UpdateProfile(t.Context(), p, identity.ProfileUpdate{FirstName: &name})
	require.ErrorIs(t, err, core.ErrAccountDisabled)
	require.ErrorIs(t, b.svc.ChangePassword(t.Context(), p, changeInput), core.ErrAccountDisabled)
}
