package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
)

// The session rules of API.md §1.5.
const (
	// DefaultRefreshTTL is how long a session (and so its refresh tokens) lives.
	DefaultRefreshTTL = 7 * 24 * time.Hour
	// DefaultRefreshGrace is how long a retired refresh token is still accepted after a
	// rotation, yielding the same successor (parallel tabs, retried requests).
	DefaultRefreshGrace = 30 * time.Second
	// MaxUserAgentLen is the longest user agent kept with a session, in bytes; longer ones
	// are cut at a character boundary.
	MaxUserAgentLen = 512
)

// refreshTokenBytes is the entropy of a refresh token: 256 bits.
const refreshTokenBytes = 32

// sessionIDBytes is the entropy of a session id: 128 bits.
const sessionIDBytes = 16

// sessionIDPrefix starts every session id.
const sessionIDPrefix = "ses_"

// successorLabel separates successor derivation from any other use of the same key.
const successorLabel = "talabin/refresh-successor/v1\x00"

// NewRefreshToken returns a new opaque refresh token: 256 random bits from r (a CSPRNG,
// crypto/rand.Reader in production), base64url without padding (43 characters).
func NewRefreshToken(r io.Reader) (string, error) {
	var b [refreshTokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("generate refresh token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// NewSessionID returns a new session id, "ses_" followed by 128 random bits from r in
// base64url without padding. It is the `sid` claim of access tokens.
func NewSessionID(r io.Reader) (string, error) {
	var b [sessionIDBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("generate session id: %w", err)
	}
	return sessionIDPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashRefreshToken returns the SHA-256 of token, the form in which refresh tokens are
// stored and looked up. A refresh token carries 256 random bits, so a fast hash suffices.
func HashRefreshToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// SuccessorToken returns the refresh token that replaces presented at rotation: the
// HMAC-SHA256 under key (a server secret of at least 32 random bytes) of presented,
// base64url without padding. Deriving it instead of drawing it makes a replay within the
// grace period yield the same successor, with no plaintext token stored.
func SuccessorToken(key []byte, presented string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(successorLabel))
	h.Write([]byte(presented))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// RevokeReason says why a session ended. The zero value is not a reason; use the declared
// values or [ParseRevokeReason].
type RevokeReason struct{ name string }

// The reasons a session is revoked.
var (
	// RevokeLogout is a logout.
	RevokeLogout = RevokeReason{"logout"}
	// RevokePasswordChange is a password change by the signed-in user (other sessions).
	RevokePasswordChange = RevokeReason{"password_change"}
	// RevokePasswordReset is a password reset by code (every session).
	RevokePasswordReset = RevokeReason{"password_reset"}
	// RevokeUserDisabled is staff disabling the account.
	RevokeUserDisabled = RevokeReason{"user_disabled"}
	// RevokeAccountDeleted is the account's deletion.
	RevokeAccountDeleted = RevokeReason{"account_deleted"}
	// RevokeReuse is a retired refresh token presented after its grace period: the token
	// may have been stolen, so the whole session ends.
	RevokeReuse = RevokeReason{"reuse"}
)

var revokeReasons = []RevokeReason{
	RevokeLogout, RevokePasswordChange, RevokePasswordReset, RevokeUserDisabled,
	RevokeAccountDeleted, RevokeReuse,
}

// ParseRevokeReason returns the reason named s (for example "logout"). An unknown name
// returns an error wrapping [core.ErrInvalidInput].
func ParseRevokeReason(s string) (RevokeReason, error) {
	for _, r := range revokeReasons {
		if r.name == s {
			return r, nil
		}
	}
	return RevokeReason{}, fmt.Errorf("%w: unknown session revoke reason %q", core.ErrInvalidInput, s)
}

// String returns the reason's stable name, or "" for the zero value.
func (r RevokeReason) String() string { return r.name }

// IsZero reports whether the reason is unset.
func (r RevokeReason) IsZero() bool { return r.name == "" }

// RotateOutcome says what a successful [Session.Rotate] did. Either way the caller answers
// with the successor pair: the refresh token [SuccessorToken] of the presented token and a
// new access token for the session.
type RotateOutcome struct{ name string }

var (
	// RotateRotated means the current token was presented: the session moved on to the
	// successor, and the presented token is now the retired one.
	RotateRotated = RotateOutcome{"rotated"}
	// RotateGraceReplay means the just-retired token was presented within the grace period:
	// nothing changed, and the caller repeats the same successor.
	RotateGraceReplay = RotateOutcome{"grace_replay"}
)

// String returns the outcome's name, or "" for the zero value.
func (o RotateOutcome) String() string { return o.name }

// IsZero reports whether the outcome is unset (the rotation failed).
func (o RotateOutcome) IsZero() bool { return o.name == "" }

// Session is one sign-in: the family of refresh tokens issued from one login, of which
// only the hashes of the current and the just-retired token are kept. Access tokens carry
// its id (`sid`) and die with it. Build new sessions with [NewSession]; stores rebuild them
// with [RehydrateSession].
type Session struct {
	id           string
	userID       core.UserID
	current      [32]byte
	previous     [32]byte
	rotatedAt    time.Time
	createdAt    time.Time
	expiresAt    time.Time
	revokedAt    time.Time
	revokeReason RevokeReason
	userAgent    string
	ip           string
}

// NewSession returns a session not yet stored for user, whose first refresh token hashes
// to refreshHash (see [HashRefreshToken]). id is normally from [NewSessionID]. The session
// expires ttl after now; a zero ttl means [DefaultRefreshTTL]. userAgent is cut to
// [MaxUserAgentLen] bytes; ip, when not empty, must be an IP address and is kept in
// canonical form.
func NewSession(id string, user core.UserID, refreshHash [32]byte, userAgent, ip string, now time.Time, ttl time.Duration) (*Session, error) {
	if ttl == 0 {
		ttl = DefaultRefreshTTL
	}
	switch {
	case id == "":
		return nil, errors.New("session id is required")
	case user <= 0:
		return nil, errors.New("session user id must be positive")
	case refreshHash == [32]byte{}:
		return nil, errors.New("session refresh token hash is required")
	case ttl < 0:
		return nil, fmt.Errorf("session ttl %s is negative", ttl)
	}
	if ip != "" {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return nil, fmt.Errorf("session ip: %w", err)
		}
		ip = addr.Unmap().String()
	}
	return &Session{
		id:        id,
		userID:    user,
		current:   refreshHash,
		createdAt: now,
		expiresAt: now.Add(ttl),
		userAgent: truncateUTF8(userAgent, MaxUserAgentLen),
		ip:        ip,
	}, nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// SessionRecord is the stored form of a [Session], for store adapters. Zero times mean
// "not happened"; PreviousHash is meaningful only when RotatedAt is set.
type SessionRecord struct {
	ID           string
	UserID       core.UserID
	CurrentHash  [32]byte
	PreviousHash [32]byte
	RotatedAt    time.Time
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    time.Time
	RevokeReason RevokeReason
	UserAgent    string
	IP           string
}

// RehydrateSession rebuilds a stored session; only store adapters call it.
func RehydrateSession(r SessionRecord) *Session {
	return &Session{
		id:           r.ID,
		userID:       r.UserID,
		current:      r.CurrentHash,
		previous:     r.PreviousHash,
		rotatedAt:    r.RotatedAt,
		createdAt:    r.CreatedAt,
		expiresAt:    r.ExpiresAt,
		revokedAt:    r.RevokedAt,
		revokeReason: r.RevokeReason,
		userAgent:    r.UserAgent,
		ip:           r.IP,
	}
}

// Record returns the session's stored form.
func (s *Session) Record() SessionRecord {
	return SessionRecord{
		ID:           s.id,
		UserID:       s.userID,
		CurrentHash:  s.current,
		PreviousHash: s.previous,
		RotatedAt:    s.rotatedAt,
		CreatedAt:    s.createdAt,
		ExpiresAt:    s.expiresAt,
		RevokedAt:    s.revokedAt,
		RevokeReason: s.revokeReason,
		UserAgent:    s.userAgent,
		IP:           s.ip,
	}
}

// Rotate applies a refresh at now. presented is the hash of the refresh token the client
// sent and successor the hash of its [SuccessorToken]; grace is the replay window (zero or
// less means [DefaultRefreshGrace]). The rules apply in this order:
//
//  1. a revoked session returns [core.ErrTokenRevoked];
//  2. at or after its expiry it returns [core.ErrTokenExpired];
//  3. presented is the current token: the session rotates (the current token is retired,
//     successor becomes current, the rotation time is now) and [RotateRotated] is returned;
//  4. presented is the retired token and at most grace has passed since the rotation:
//     nothing changes and [RotateGraceReplay] is returned, provided successor is the
//     current token (it is, when the caller derived it with the same key); otherwise
//     [core.ErrTokenInvalid];
//  5. presented is the retired token after the grace period: the session is revoked with
//     [RevokeReuse] and [core.ErrTokenReused] is returned;
//  6. any other token returns [core.ErrTokenInvalid] and changes nothing.
//
// Hashes are compared in constant time. The session keeps one retired token, so a token
// retired two rotations ago is unknown here (rule 6); stores that look sessions up by token
// hash will not find it at all. The expiry does not move: a session lives [DefaultRefreshTTL]
// (or its ttl) from sign-in. The store must persist s after rules 3 and 5.
func (s *Session) Rotate(presented, successor [32]byte, now time.Time, grace time.Duration) (RotateOutcome, error) {
	if grace <= 0 {
		grace = DefaultRefreshGrace
	}
	if successor == [32]byte{} || successor == presented {
		return RotateOutcome{}, errors.New("session rotate: successor hash must be set and differ from the presented one")
	}
	if err := s.CheckActive(now); err != nil {
		return RotateOutcome{}, err
	}
	switch {
	case equalHash(presented, s.current):
		s.previous = s.current
		s.current = successor
		s.rotatedAt = now
		return RotateRotated, nil
	case s.hasPrevious() && equalHash(presented, s.previous):
		if now.Sub(s.rotatedAt) > grace {
			s.revoke(now, RevokeReuse)
			return RotateOutcome{}, core.ErrTokenReused
		}
		if !equalHash(successor, s.current) {
			return RotateOutcome{}, core.ErrTokenInvalid
		}
		return RotateGraceReplay, nil
	default:
		return RotateOutcome{}, core.ErrTokenInvalid
	}
}

// CheckActive returns [core.ErrTokenRevoked] when s is revoked and [core.ErrTokenExpired]
// when now is at or after its expiry, else nil. Authentication by `sid` calls it.
func (s *Session) CheckActive(now time.Time) error {
	switch {
	case s.Revoked():
		return core.ErrTokenRevoked
	case !now.Before(s.expiresAt):
		return core.ErrTokenExpired
	}
	return nil
}

// Revoke ends s at now for reason. Revoking an already revoked session changes nothing
// (the first time and reason stand) and succeeds. A zero reason is an error.
func (s *Session) Revoke(now time.Time, reason RevokeReason) error {
	if reason.IsZero() {
		return errors.New("session revoke reason is required")
	}
	s.revoke(now, reason)
	return nil
}

func (s *Session) revoke(now time.Time, reason RevokeReason) {
	if s.Revoked() {
		return
	}
	s.revokedAt = now
	s.revokeReason = reason
}

func (s *Session) hasPrevious() bool { return !s.rotatedAt.IsZero() }

// equalHash compares two token hashes in constant time.
func equalHash(a, b [32]byte) bool { return subtle.ConstantTimeCompare(a[:], b[:]) == 1 }

// ID returns the session id (the `sid` claim).
func (s *Session) ID() string { return s.id }

// UserID returns the signed-in user.
func (s *Session) UserID() core.UserID { return s.userID }

// CurrentHash returns the hash of the refresh token that rotates the session next.
func (s *Session) CurrentHash() [32]byte { return s.current }

// PreviousHash returns the hash of the refresh token retired by the last rotation, and
// false when the session never rotated.
func (s *Session) PreviousHash() ([32]byte, bool) { return s.previous, s.hasPrevious() }

// RotatedAt returns when the session last rotated, or the zero time.
func (s *Session) RotatedAt() time.Time { return s.rotatedAt }

// CreatedAt returns when the user signed in.
func (s *Session) CreatedAt() time.Time { return s.createdAt }

// ExpiresAt returns the first instant at which the session is expired.
func (s *Session) ExpiresAt() time.Time { return s.expiresAt }

// Revoked reports whether the session was revoked.
func (s *Session) Revoked() bool { return !s.revokedAt.IsZero() }

// RevokedAt returns when the session was revoked, or the zero time.
func (s *Session) RevokedAt() time.Time { return s.revokedAt }

// RevokeReason returns why the session was revoked, or the zero reason.
func (s *Session) RevokeReason() RevokeReason { return s.revokeReason }

// UserAgent returns the client's user agent at sign-in.
func (s *Session) UserAgent() string { return s.userAgent }

// IP returns the client's IP address at sign-in, or "".
func (s *Session) IP() string { return s.ip }
