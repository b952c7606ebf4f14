package identity_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

var successorKey = []byte("successor-key-for-tests-32-bytes")

// sessionBundle is a fresh session whose first refresh token is token.
type sessionBundle struct {
	token   string
	session *identity.Session
}

func setupSession(t *testing.T) sessionBundle {
	t.Helper()
	token, err := identity.NewRefreshToken(seeded(3))
	require.NoError(t, err)
	s, err := identity.NewSession("ses_test", 7, identity.HashRefreshToken(token), "Mozilla/5.0", "192.0.2.1", t0, 0)
	require.NoError(t, err)
	return sessionBundle{token: token, session: s}
}

// refresh performs the caller's side of a refresh with token: derive the successor, rotate.
func refresh(s *identity.Session, token string, now time.Time) (string, identity.RotateOutcome, error) {
	next := identity.SuccessorToken(successorKey, token)
	out, err := s.Rotate(identity.HashRefreshToken(token), identity.HashRefreshToken(next), now, 0)
	return next, out, err
}

func TestNewRefreshToken(t *testing.T) {
	t.Parallel()
	r := seeded(1)
	a, err := identity.NewRefreshToken(r)
	require.NoError(t, err)
	b, err := identity.NewRefreshToken(r)
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	require.Len(t, a, 43)
	raw, err := base64.RawURLEncoding.DecodeString(a)
	require.NoError(t, err)
	require.Len(t, raw, 32)

	_, err = identity.NewRefreshToken(failingReader{})
	require.Error(t, err)
	_, err = identity.NewRefreshToken(strings.NewReader("short"))
	require.Error(t, err)
}

func TestNewSessionID(t *testing.T) {
	t.Parallel()
	id, err := identity.NewSessionID(seeded(2))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(id, "ses_"))
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(id, "ses_"))
	require.NoError(t, err)
	require.Len(t, raw, 16)
	_, err = identity.NewSessionID(failingReader{})
	require.Error(t, err)
}

func TestHashRefreshToken(t *testing.T) {
	t.Parallel()
	require.Equal(t, sha256.Sum256([]byte("abc")), identity.HashRefreshToken("abc"))
	require.NotEqual(t, identity.HashRefreshToken("abc"), identity.HashRefreshToken("abd"))
}

func TestSuccessorToken(t *testing.T) {
	t.Parallel()
	a := identity.SuccessorToken(successorKey, "token-a")
	require.Equal(t, a, identity.SuccessorToken(successorKey, "token-a"), "deterministic")
	require.Len(t, a, 43)
	_, err := base64.RawURLEncoding.DecodeString(a)
	require.NoError(t, err)
	require.NotEqual(t, a, identity.SuccessorToken(successorKey, "token-b"))
	require.NotEqual(t, a, identity.SuccessorToken([]byte("another-key-for-tests-of-32bytes"), "token-a"))
	require.NotEqual(t, "token-a", a)
}

func TestNewSession(t *testing.T) {
	t.Parallel()
	hash := identity.HashRefreshToken("t")
	tests := []struct {
		name    string
		id      string
		user    core.UserID
		hash    [32]byte
		ua      string
		ip      string
		ttl     time.Duration
		wantTTL time.Duration
		wantUA  string
		wantIP  string
		wantErr bool
	}{
		{name: "Defaults", id: "ses_a", user: 1, hash: hash, ua: "curl/8", ip: "192.0.2.1", wantTTL: 7 * 24 * time.Hour, wantUA: "curl/8", wantIP: "192.0.2.1"},
		{name: "ExplicitTTL", id: "ses_a", user: 1, hash: hash, ttl: time.Hour, wantTTL: time.Hour},
		{name: "IPv6Canonical", id: "ses_a", user: 1, hash: hash, ip: "2001:DB8:0:0::1", wantTTL: 7 * 24 * time.Hour, wantIP: "2001:db8::1"},
		{name: "IPv4MappedUnmapped", id: "ses_a", user: 1, hash: hash, ip: "::ffff:192.0.2.7", wantTTL: 7 * 24 * time.Hour, wantIP: "192.0.2.7"},
		{name: "LongUserAgentCut", id: "ses_a", user: 1, hash: hash, ua: strings.Repeat("a", 600), wantTTL: 7 * 24 * time.Hour, wantUA: strings.Repeat("a", 512)},
		{name: "UserAgentCutAtRune", id: "ses_a", user: 1, hash: hash, ua: "a" + strings.Repeat("ی", 300), wantTTL: 7 * 24 * time.Hour, wantUA: "a" + strings.Repeat("ی", 255)},
		{name: "NoID", user: 1, hash: hash, wantErr: true},
		{name: "NoUser", id: "ses_a", hash: hash, wantErr: true},
		{name: "NegativeUser", id: "ses_a", user: -1, hash: hash, wantErr: true},
		{name: "NoHash", id: "ses_a", user: 1, wantErr: true},
		{name: "NegativeTTL", id: "ses_a", user: 1, hash: hash, ttl: -time.Second, wantErr: true},
		{name: "BadIP", id: "ses_a", user: 1, hash: hash, ip: "192.0.2.1:443", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := identity.NewSession(tt.id, tt.user, tt.hash, tt.ua, tt.ip, t0, tt.ttl)
			if tt.wantErr {
				require.Error(t, err)
				require.Nil(t, s)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.id, s.ID())
			require.Equal(t, tt.user, s.UserID())
			require.Equal(t, tt.hash, s.CurrentHash())
			_, rotated := s.PreviousHash()
			require.False(t, rotated)
			require.True(t, s.RotatedAt().IsZero())
			require.Equal(t, t0, s.CreatedAt())
			require.Equal(t, t0.Add(tt.wantTTL), s.ExpiresAt())
			require.Equal(t, tt.wantUA, s.UserAgent())
			require.Equal(t, tt.wantIP, s.IP())
			require.False(t, s.Revoked())
			require.NoError(t, s.CheckActive(t0))
		})
	}
}

func TestSessionRotate(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	at := t0.Add(time.Hour)

	next, out, err := refresh(b.session, b.token, at)
	require.NoError(t, err)
	require.Equal(t, identity.RotateRotated, out)
	require.Equal(t, "rotated", out.String())
	require.Equal(t, identity.HashRefreshToken(next), b.session.CurrentHash())
	prev, rotated := b.session.PreviousHash()
	require.True(t, rotated)
	require.Equal(t, identity.HashRefreshToken(b.token), prev)
	require.Equal(t, at, b.session.RotatedAt())

	// The successor rotates in turn.
	later := at.Add(time.Hour)
	third, out, err := refresh(b.session, next, later)
	require.NoError(t, err)
	require.Equal(t, identity.RotateRotated, out)
	require.Equal(t, identity.HashRefreshToken(third), b.session.CurrentHash())
	require.Equal(t, later, b.session.RotatedAt())
	require.Equal(t, t0.Add(7*24*time.Hour), b.session.ExpiresAt(), "rotation does not extend the session")
}

func TestSessionGraceReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		delay time.Duration
		grace time.Duration
	}{
		{name: "Immediately", delay: 0},
		{name: "AtDefaultGrace", delay: 30 * time.Second},
		{name: "WithinCustomGrace", delay: 50 * time.Second, grace: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupSession(t)
			next, _, err := refresh(b.session, b.token, t0)
			require.NoError(t, err)
			before := b.session.Record()

			// A parallel tab presents the retired token: it derives the same successor.
			replayed := identity.SuccessorToken(successorKey, b.token)
			require.Equal(t, next, replayed)
			out, err := b.session.Rotate(identity.HashRefreshToken(b.token), identity.HashRefreshToken(replayed), t0.Add(tt.delay), tt.grace)
			require.NoError(t, err)
			require.Equal(t, identity.RotateGraceReplay, out)
			require.Equal(t, before, b.session.Record(), "a replay changes nothing")

			// The successor still rotates normally afterwards.
			_, out, err = refresh(b.session, next, t0.Add(tt.delay))
			require.NoError(t, err)
			require.Equal(t, identity.RotateRotated, out)
		})
	}
}

func TestSessionGraceReplayWithOtherSuccessorIsInvalid(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	_, _, err := refresh(b.session, b.token, t0)
	require.NoError(t, err)
	before := b.session.Record()
	other := identity.SuccessorToken([]byte("rotated-successor-key-32-bytes!!"), b.token)
	_, err = b.session.Rotate(identity.HashRefreshToken(b.token), identity.HashRefreshToken(other), t0.Add(time.Second), 0)
	require.ErrorIs(t, err, core.ErrTokenInvalid)
	require.Equal(t, before, b.session.Record())
}

func TestSessionReuseAfterGraceRevokes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		delay time.Duration
		grace time.Duration
	}{
		{name: "JustAfterDefaultGrace", delay: 30*time.Second + time.Nanosecond},
		{name: "DaysLater", delay: 48 * time.Hour},
		{name: "AfterCustomGrace", delay: 6 * time.Second, grace: 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupSession(t)
			next, _, err := refresh(b.session, b.token, t0)
			require.NoError(t, err)

			reusedAt := t0.Add(tt.delay)
			out, err := b.session.Rotate(identity.HashRefreshToken(b.token), identity.HashRefreshToken(next), reusedAt, tt.grace)
			require.ErrorIs(t, err, core.ErrTokenReused)
			require.True(t, out.IsZero())
			require.True(t, b.session.Revoked())
			require.Equal(t, reusedAt, b.session.RevokedAt())
			require.Equal(t, identity.RevokeReuse, b.session.RevokeReason())

			// The whole family is dead: the legitimate successor fails too.
			_, _, err = refresh(b.session, next, reusedAt.Add(time.Second))
			require.ErrorIs(t, err, core.ErrTokenRevoked)
			require.ErrorIs(t, b.session.CheckActive(reusedAt), core.ErrTokenRevoked)
		})
	}
}

func TestSessionRotateRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, b sessionBundle) (token string, at time.Time)
		wantErr error
	}{
		{
			name: "Revoked",
			prepare: func(t *testing.T, b sessionBundle) (string, time.Time) {
				require.NoError(t, b.session.Revoke(t0, identity.RevokeLogout))
				return b.token, t0.Add(time.Second)
			},
			wantErr: core.ErrTokenRevoked,
		},
		{
			name: "RevokedBeatsExpired",
			prepare: func(t *testing.T, b sessionBundle) (string, time.Time) {
				require.NoError(t, b.session.Revoke(t0, identity.RevokeLogout))
				return b.token, t0.Add(30 * 24 * time.Hour)
			},
			wantErr: core.ErrTokenRevoked,
		},
		{
			name: "AtExpiry",
			prepare: func(*testing.T, sessionBundle) (string, time.Time) {
				return "", t0.Add(7 * 24 * time.Hour)
			},
			wantErr: core.ErrTokenExpired,
		},
		{
			name: "UnknownToken",
			prepare: func(*testing.T, sessionBundle) (string, time.Time) {
				return "not-a-token-of-this-session", t0
			},
			wantErr: core.ErrTokenInvalid,
		},
		{
			name: "TokenRetiredTwoRotationsAgo",
			prepare: func(t *testing.T, b sessionBundle) (string, time.Time) {
				next, _, err := refresh(b.session, b.token, t0)
				require.NoError(t, err)
				_, _, err = refresh(b.session, next, t0.Add(time.Second))
				require.NoError(t, err)
				return b.token, t0.Add(2 * time.Second)
			},
			wantErr: core.ErrTokenInvalid,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupSession(t)
			token, at := tt.prepare(t, b)
			if token == "" {
				token = b.token
			}
			before := b.session.Record()
			_, out, err := refresh(b.session, token, at)
			require.ErrorIs(t, err, tt.wantErr)
			require.True(t, out.IsZero())
			require.Equal(t, before, b.session.Record(), "a refused rotation changes nothing")
		})
	}
}

func TestSessionRotateJustBeforeExpiry(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	_, out, err := refresh(b.session, b.token, t0.Add(7*24*time.Hour-time.Nanosecond))
	require.NoError(t, err)
	require.Equal(t, identity.RotateRotated, out)
}

func TestSessionRotateNeedsSuccessor(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	h := identity.HashRefreshToken(b.token)
	_, err := b.session.Rotate(h, [32]byte{}, t0, 0)
	require.Error(t, err)
	_, err = b.session.Rotate(h, h, t0, 0)
	require.Error(t, err)
	require.Equal(t, h, b.session.CurrentHash())
}

func TestSessionRevoke(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	require.Error(t, b.session.Revoke(t0, identity.RevokeReason{}))
	require.False(t, b.session.Revoked())

	require.NoError(t, b.session.Revoke(t0.Add(time.Minute), identity.RevokePasswordChange))
	require.NoError(t, b.session.Revoke(t0.Add(time.Hour), identity.RevokeLogout), "revoking again succeeds")
	require.Equal(t, t0.Add(time.Minute), b.session.RevokedAt(), "the first revocation stands")
	require.Equal(t, identity.RevokePasswordChange, b.session.RevokeReason())
	require.ErrorIs(t, b.session.CheckActive(t0.Add(time.Hour)), core.ErrTokenRevoked)
}

func TestSessionCheckActive(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	require.NoError(t, b.session.CheckActive(t0.Add(7*24*time.Hour-time.Nanosecond)))
	require.ErrorIs(t, b.session.CheckActive(t0.Add(7*24*time.Hour)), core.ErrTokenExpired)
}

func TestSessionRecordRoundTrip(t *testing.T) {
	t.Parallel()
	b := setupSession(t)
	_, _, err := refresh(b.session, b.token, t0.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, b.session.Revoke(t0.Add(time.Hour), identity.RevokeUserDisabled))
	back := identity.RehydrateSession(b.session.Record())
	require.Equal(t, b.session, back)
}

func TestParseRevokeReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want identity.RevokeReason
		ok   bool
	}{
		{name: "Logout", in: "logout", want: identity.RevokeLogout, ok: true},
		{name: "PasswordChange", in: "password_change", want: identity.RevokePasswordChange, ok: true},
		{name: "PasswordReset", in: "password_reset", want: identity.RevokePasswordReset, ok: true},
		{name: "UserDisabled", in: "user_disabled", want: identity.RevokeUserDisabled, ok: true},
		{name: "AccountDeleted", in: "account_deleted", want: identity.RevokeAccountDeleted, ok: true},
		{name: "Reuse", in: "reuse", want: identity.RevokeReuse, ok: true},
		{name: "Empty", in: ""},
		{name: "Unknown", in: "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := identity.ParseRevokeReason(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, r.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, r)
			require.Equal(t, tt.in, r.String())
		})
	}
}
