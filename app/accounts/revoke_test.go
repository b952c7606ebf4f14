package accounts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestSessionsRevokedForgetsCachedSessions(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	user := b.signUp(t, phone)
	in := b.mustLogin(t, phone)
	_, err := b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.NoError(t, err, "the instance now remembers the session as active")

	var revoked int64
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		revoked, err = tx.Sessions().RevokeByUser(ctx, user.ID(), "", b.clock.Now(), identity.RevokeUserDisabled)
		return err
	}))
	require.Equal(t, int64(1), revoked)
	_, err = b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.NoError(t, err, "revoked behind the service's back, the session is still cached")

	b.svc.SessionsRevoked(user.ID(), identity.RevokeUserDisabled, revoked)
	_, err = b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.ErrorIs(t, err, core.ErrTokenRevoked, "told of the revocation, the instance refuses at once")
}
