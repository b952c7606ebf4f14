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

// refresh rotates token.
func (b *serviceBundle) refresh(t *testing.T, token string) (ports.Tokens, error) {
	t.Helper()
	return b.svc.Refresh(t.Context(), ports.RefreshInput{RefreshToken: token, Client: defaultClient})
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	user := b.signUp(t, phone)
	in := b.mustLogin(t, phone)

	b.advance(time.Minute)
	second, err := b.refresh(t, in.Tokens.Refresh)
	require.NoError(t, err)
	require.NotEqual(t, in.Tokens.Refresh, second.Refresh)
	require.NotEqual(t, in.Tokens.Access, second.Access)
	require.Equal(t, in.Tokens.SessionID, second.SessionID)
	require.Equal(t, identity.DefaultRefreshTTL-time.Minute, second.RefreshTTL, "the session's expiry does not move")
	p, err := b.svc.Authenticate(t.Context(), second.Access)
	require.NoError(t, err)
	require.Equal(t, ports.Principal{UserID: user.ID(), SessionID: in.Tokens.SessionID, Role: identity.RoleUser}, p)

	third, err := b.refresh(t, second.Refresh)
	require.NoError(t, err)
	require.NotEqual(t, second.Refresh, third.Refresh)
}

func TestRefreshGraceReplaySameSuccessor(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)

	first, err := b.refresh(t, in.Tokens.Refresh)
	require.NoError(t, err)
	b.advance(identity.DefaultRefreshGrace)
	replay, err := b.refresh(t, in.Tokens.Refresh)
	require.NoError(t, err)
	require.Equal(t, first.Refresh, replay.Refresh, "a replay within the grace period yields the same successor")
	_, err = b.refresh(t, replay.Refresh)
	require.NoError(t, err, "the successor rotates on")
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)
	_, err := b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.NoError(t, err)

	next, err := b.refresh(t, in.Tokens.Refresh)
	require.NoError(t, err)
	b.advance(identity.DefaultRefreshGrace + time.Second)
	_, err = b.refresh(t, in.Tokens.Refresh)
	require.ErrorIs(t, err, core.ErrTokenReused)
	_, err = b.refresh(t, next.Refresh)
	require.ErrorIs(t, err, core.ErrTokenRevoked, "the reuse revoked the whole session")
	_, err = b.svc.Authenticate(t.Context(), next.Access)
	require.ErrorIs(t, err, core.ErrTokenRevoked, "this instance forgets the session at once")
	requireLogged(t, b.security, `"event":"refresh_reuse"`, `"session_id":"`+in.Tokens.SessionID+`"`)
}

func TestRefreshErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   string
		wantErr error
	}{
		{"Unknown", "bm90LWEtdG9rZW4tdGhhdC1leGlzdHM", core.ErrTokenInvalid},
		{"TooLong", string(make([]byte, 1000)), core.ErrTokenInvalid},
		{"Empty", "", core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			_, err := b.refresh(t, tt.token)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestRefreshAfterSessionExpiry(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)
	b.advance(identity.DefaultRefreshTTL)
	_, err := b.refresh(t, in.Tokens.Refresh)
	require.ErrorIs(t, err, core.ErrTokenExpired)
}

func TestDisabledUserCannotRefresh(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)
	b.disable(t, phone)
	_, err := b.refresh(t, in.Tokens.Refresh)
	require.ErrorIs(t, err, core.ErrAccountDisabled)
}

func TestLogoutRevokes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   func(ports.SignIn) ports.LogoutInput
	}{
		{"ByRefreshToken", func(s ports.SignIn) ports.LogoutInput { return ports.LogoutInput{RefreshToken: s.Tokens.Refresh} }},
		{"BySessionID", func(s ports.SignIn) ports.LogoutInput { return ports.LogoutInput{SessionID: s.Tokens.SessionID} }},
		{"ByBoth", func(s ports.SignIn) ports.LogoutInput {
			return ports.LogoutInput{RefreshToken: s.Tokens.Refresh, SessionID: s.Tokens.SessionID}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			phone := testPhone(1)
			b.signUp(t, phone)
			in := b.mustLogin(t, phone)
			other := b.newService(t) // a second app instance
			_, err := other.Authenticate(t.Context(), in.Tokens.Access)
			require.NoError(t, err, "the other instance now remembers the session as active")

			require.NoError(t, b.svc.Logout(t.Context(), tt.in(in)))
			_, err = b.svc.Authenticate(t.Context(), in.Tokens.Access)
			require.ErrorIs(t, err, core.ErrTokenRevoked, "the instance that logged out knows at once")
			_, err = b.refresh(t, in.Tokens.Refresh)
			require.ErrorIs(t, err, core.ErrTokenRevoked)

			_, err = other.Authenticate(t.Context(), in.Tokens.Access)
			require.NoError(t, err, "within the revocation cache TTL the other instance may still accept it")
			b.advance(ports.RevocationCacheTTL)
			_, err = other.Authenticate(t.Context(), in.Tokens.Access)
			require.ErrorIs(t, err, core.ErrTokenRevoked, "after the cache TTL every instance refuses it")

			require.NoError(t, b.svc.Logout(t.Context(), tt.in(in)), "logging out twice is fine")
			requireLogged(t, b.security, `"event":"logout"`, `"session_id":"`+in.Tokens.SessionID+`"`)
		})
	}
}

func TestLogoutNeedsASession(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	err := b.svc.Logout(t.Context(), ports.LogoutInput{})
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Contains(t, ve.Fields, "refresh")
	require.NoError(t, b.svc.Logout(t.Context(), ports.LogoutInput{RefreshToken: "unknown", SessionID: "ses_unknown"}))
}

func TestAuthenticateErrors(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)

	_, err := b.svc.Authenticate(t.Context(), "not-a-token")
	require.ErrorIs(t, err, core.ErrTokenInvalid)
	b.advance(b.access.TTL())
	_, err = b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.ErrorIs(t, err, core.ErrTokenExpired)
}

func TestAuthenticateSessionExpired(t *testing.T) {
	t.Parallel()
	b := setupService(t, func(c *accounts.ServiceConfig) { c.RefreshTTL = 10 * time.Minute })
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)
	b.advance(9*time.Minute + 58*time.Second)
	_, err := b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.NoError(t, err)
	b.advance(2 * time.Second) // within the cache TTL, but the session ends
	_, err = b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.ErrorIs(t, err, core.ErrTokenRevoked)
}

func TestSessionsListAndRevoke(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	first := b.mustLogin(t, phone)
	b.advance(time.Minute)
	second := b.mustLogin(t, phone)
	p := b.principal(t, second)

	list, err := b.svc.Sessions(t.Context(), p)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, second.Tokens.SessionID, list[0].ID, "newest first")
	require.True(t, list[0].Current)
	require.False(t, list[1].Current)
	require.Equal(t, "test-agent/1.0", list[1].UserAgent)
	require.Equal(t, "203.0.113.7", list[1].IP)
	require.Equal(t, list[1].CreatedAt, list[1].LastUsedAt)

	require.NoError(t, b.svc.RevokeSession(t.Context(), p, first.Tokens.SessionID, defaultClient))
	_, err = b.svc.Authenticate(t.Context(), first.Tokens.Access)
	require.ErrorIs(t, err, core.ErrTokenRevoked)
	list, err = b.svc.Sessions(t.Context(), p)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.NoError(t, b.svc.RevokeSession(t.Context(), p, first.Tokens.SessionID, defaultClient), "revoking twice is fine")
	requireLogged(t, b.security, `"event":"session_revoked"`)
}

func TestRevokeSessionOfAnotherUser(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	b.signUp(t, testPhone(1))
	b.signUp(t, testPhone(2))
	mine := b.mustLogin(t, testPhone(1))
	theirs := b.mustLogin(t, testPhone(2))
	p := b.principal(t, mine)

	require.ErrorIs(t, b.svc.RevokeSession(t.Context(), p, theirs.Tokens.SessionID, defaultClient), core.ErrNotFound)
	require.ErrorIs(t, b.svc.RevokeSession(t.Context(), p, "ses_unknown", defaultClient), core.ErrNotFound)
	_, err := b.svc.Authenticate(t.Context(), theirs.Tokens.Access)
	require.NoError(t, err, "the other user's session is untouched")
}
