package accounts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// The access token rules of API.md §1.5.
const (
	// DefaultAccessTokenTTL is how long an access token lives when [AccessTokenConfig.TTL] is
	// zero: 60 minutes, because the web client never refreshes.
	DefaultAccessTokenTTL = 60 * time.Minute
	// MinAccessKeyLen is the shortest accepted access token key, in bytes: the size of an
	// HMAC-SHA256 output.
	MinAccessKeyLen = 32
)

const (
	// accessTokenType is the value of the `typ` claim of every access token.
	accessTokenType = "access"
	// maxAccessKeyIDLen is the longest accepted key id, in bytes.
	maxAccessKeyIDLen = 32
	// maxAccessTokenLen is the longest token Verify parses, in bytes; ours are about 400.
	maxAccessTokenLen = 4096
	// tokenIDBytes is the entropy of the `jti` claim: 128 bits.
	tokenIDBytes = 16
	// keyIDLabel separates derived key ids from any other use of the same key.
	keyIDLabel = "talabin/access-token-kid/v1"
)

// AccessKey is a key that verifies access tokens signed before a key rotation.
type AccessKey struct {
	// ID names the key in the `kid` header: 1–32 characters of A–Z, a–z, 0–9, '.', '_' or
	// '-'. Empty means an id derived from Secret (an HMAC of a fixed label under it), so the
	// same secret always gets the same id.
	ID string
	// Secret is the HMAC-SHA256 key, at least [MinAccessKeyLen] random bytes.
	Secret []byte
}

// AccessTokenConfig configures [NewAccessTokens].
type AccessTokenConfig struct {
	// Key signs new access tokens and verifies them: at least [MinAccessKeyLen] random
	// bytes. Derive it from SECRET_KEY with a purpose label rather than passing SECRET_KEY
	// itself, which also keys other MACs.
	Key []byte
	// KeyID names Key in the `kid` header, with the rules of [AccessKey.ID]; empty means
	// derived from Key.
	KeyID string
	// OlderKeys only verify: keep a retired key here for at least TTL after Key replaces
	// it, so that a key rotation does not sign everyone out. Ids must differ from KeyID and
	// from each other.
	OlderKeys []AccessKey
	// Issuer is the `iss` claim issued and required; it must not be empty.
	Issuer string
	// Audience is the `aud` claim issued and required; it must not be empty.
	Audience string
	// TTL is how long an access token lives; zero means [DefaultAccessTokenTTL].
	TTL time.Duration
	// Clock tells the time of issue and of verification; it is required.
	Clock ports.Clock
	// Rand is the source of token ids; nil means crypto/rand.Reader. It must be a CSPRNG.
	Rand io.Reader
}

// AccessClaims is what an access token says: who, in which session, with which role.
type AccessClaims struct {
	// UserID is the signed-in user (the `sub` claim, in decimal).
	UserID core.UserID
	// SessionID is the session the token belongs to (the `sid` claim); the token dies with
	// the session.
	SessionID string
	// Role is the user's role when the token was issued (the `role` claim).
	Role identity.Role
}

// AccessTokens issues and verifies access tokens: JWTs signed with HS256, the only
// algorithm accepted, carrying the claims sub, sid, jti, iat, exp, role, iss, aud and typ.
// The token type "access" is a claim (`typ`), not a header; the header holds alg, kid and
// the library's typ "JWT". It is safe for concurrent use. Build one with [NewAccessTokens].
type AccessTokens struct {
	signingKey   []byte
	signingKeyID string
	keys         map[string][]byte
	issuer       string
	audience     string
	ttl          time.Duration
	clock        ports.Clock
	rand         io.Reader
	parser       *jwt.Parser
	claimOptions []jwt.ParserOption
}

// NewAccessTokens returns the access token issuer and verifier configured by cfg. It
// returns an error when a key is shorter than [MinAccessKeyLen] bytes, a key id is invalid
// or used twice, the issuer, audience or clock is missing, or the TTL is negative. The keys
// are copied.
func NewAccessTokens(cfg AccessTokenConfig) (*AccessTokens, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("access tokens: issuer is required")
	case cfg.Audience == "":
		return nil, errors.New("access tokens: audience is required")
	case cfg.Clock == nil:
		return nil, errors.New("access tokens: clock is required")
	case cfg.TTL < 0:
		return nil, fmt.Errorf("access tokens: ttl %s is negative", cfg.TTL)
	}
	all := append([]AccessKey{{ID: cfg.KeyID, Secret: cfg.Key}}, cfg.OlderKeys...)
	keys := make(map[string][]byte, len(all))
	ids := make([]string, 0, len(all))
	for _, k := range all {
		id, err := accessKeyID(k)
		if err != nil {
			return nil, err
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("access tokens: key id %q used twice", id)
		}
		keys[id] = append([]byte(nil), k.Secret...)
		ids = append(ids, id)
	}
	a := &AccessTokens{
		signingKey:   keys[ids[0]],
		signingKeyID: ids[0],
		keys:         keys,
		issuer:       cfg.Issuer,
		audience:     cfg.Audience,
		ttl:          cfg.TTL,
		clock:        cfg.Clock,
		rand:         cfg.Rand,
	}
	if a.ttl == 0 {
		a.ttl = DefaultAccessTokenTTL
	}
	if a.rand == nil {
		a.rand = rand.Reader
	}
	a.claimOptions = []jwt.ParserOption{
		jwt.WithIssuer(a.issuer),
		jwt.WithAudience(a.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	}
	a.parser = jwt.NewParser(append([]jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(a.clock.Now),
	}, a.claimOptions...)...)
	return a, nil
}

// accessKeyID validates k and returns its id, derived from the secret when k.ID is empty.
func accessKeyID(k AccessKey) (string, error) {
	if len(k.Secret) < MinAccessKeyLen {
		return "", fmt.Errorf("access tokens: key %q is %d bytes, at least %d are required", k.ID, len(k.Secret), MinAccessKeyLen)
	}
	if k.ID == "" {
		h := hmac.New(sha256.New, k.Secret)
		h.Write([]byte(keyIDLabel))
		return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:8]), nil
	}
	if len(k.ID) > maxAccessKeyIDLen {
		return "", fmt.Errorf("access tokens: key id must be at most %d characters", maxAccessKeyIDLen)
	}
	for i := range len(k.ID) {
		c := k.ID[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-'
		if !ok {
			return "", fmt.Errorf("access tokens: key id %q has a character outside A-Z a-z 0-9 . _ -", k.ID)
		}
	}
	return k.ID, nil
}

// KeyID returns the id of the key that signs new tokens (the `kid` header), for logs.
func (a *AccessTokens) KeyID() string { return a.signingKeyID }

// TTL returns how long the tokens Issue returns live (the cookie Max-Age of API.md §1.5).
func (a *AccessTokens) TTL() time.Duration { return a.ttl }

// accessTokenClaims is the JSON payload of an access token.
type accessTokenClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid,omitempty"`
	Role      string `json:"role,omitempty"`
	Type      string `json:"typ,omitempty"`
}

// errClaim is wrapped by every claim rule of ours that a token breaks.
var errClaim = errors.New("invalid claim")

// Validate checks the claims the jwt library does not know; the parser calls it after the
// signature and the registered claims.
func (c accessTokenClaims) Validate() error {
	switch {
	case c.Type != accessTokenType:
		return fmt.Errorf("%w: typ is %q, want %q", errClaim, c.Type, accessTokenType)
	case c.SessionID == "":
		return fmt.Errorf("%w: sid is missing", errClaim)
	case c.ID == "":
		return fmt.Errorf("%w: jti is missing", errClaim)
	case c.IssuedAt == nil:
		return fmt.Errorf("%w: iat is missing", errClaim)
	}
	if _, err := parseSubject(c.Subject); err != nil {
		return err
	}
	if _, err := identity.ParseRole(c.Role); err != nil {
		return fmt.Errorf("%w: role %q is unknown", errClaim, c.Role)
	}
	return nil
}

// parseSubject returns the user id of a `sub` claim: a positive decimal in canonical form
// (no sign, no leading zeros, ASCII digits only).
func parseSubject(sub string) (core.UserID, error) {
	id, err := strconv.ParseInt(sub, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != sub {
		return 0, fmt.Errorf("%w: sub %q is not a user id", errClaim, sub)
	}
	return core.UserID(id), nil
}

// Issue returns a new access token for c, signed with the current key, and the time it
// expires: now (truncated to the second, as the iat claim) plus the TTL. c needs a
// positive user id, a session id and a role; their absence is a programming error.
func (a *AccessTokens) Issue(c AccessClaims) (token string, expiresAt time.Time, err error) {
	switch {
	case c.UserID <= 0:
		return "", time.Time{}, errors.New("issue access token: user id must be positive")
	case c.SessionID == "":
		return "", time.Time{}, errors.New("issue access token: session id is required")
	case c.Role.IsZero():
		return "", time.Time{}, errors.New("issue access token: role is required")
	}
	var jti [tokenIDBytes]byte
	if _, err := io.ReadFull(a.rand, jti[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("issue access token: generate token id: %w", err)
	}
	issuedAt := a.clock.Now().Truncate(time.Second)
	expiresAt = issuedAt.Add(a.ttl)
	claims := accessTokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    a.issuer,
			Subject:   c.UserID.String(),
			Audience:  jwt.ClaimStrings{a.audience},
			ExpiresAt: jwt.NewNumericDate(expiresAt),
			IssuedAt:  jwt.NewNumericDate(issuedAt),
			ID:        base64.RawURLEncoding.EncodeToString(jti[:]),
		},
		SessionID: c.SessionID,
		Role:      c.Role.String(),
		Type:      accessTokenType,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = a.signingKeyID
	token, err = t.SignedString(a.signingKey)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue access token: %w", err)
	}
	return token, expiresAt, nil
}

// Verify checks token and returns its claims. A token whose only fault is being at or past
// its expiry returns an error wrapping [core.ErrTokenExpired]; every other fault returns
// one wrapping [core.ErrTokenInvalid]: malformed input, an algorithm other than HS256
// (including "none"), a missing or unknown `kid`, a bad signature, a wrong issuer,
// audience or `typ`, an `iat` in the future, or a missing or malformed sub, sid, jti, iat,
// exp or role. The error text gives the cause, for logs only; clients get the code. The
// session behind `sid` is not checked here: that is the caller's next step.
func (a *AccessTokens) Verify(token string) (AccessClaims, error) {
	if err := checkTokenSyntax(token); err != nil {
		return AccessClaims{}, tokenError(core.ErrTokenInvalid, err)
	}
	var c accessTokenClaims
	if _, err := a.parser.ParseWithClaims(token, &c, a.verificationKey); err != nil {
		if a.onlyExpired(err, &c) {
			return AccessClaims{}, tokenError(core.ErrTokenExpired, err)
		}
		return AccessClaims{}, tokenError(core.ErrTokenInvalid, err)
	}
	userID, err := parseSubject(c.Subject)
	if err != nil {
		return AccessClaims{}, tokenError(core.ErrTokenInvalid, err)
	}
	role, err := identity.ParseRole(c.Role)
	if err != nil {
		return AccessClaims{}, tokenError(core.ErrTokenInvalid, err)
	}
	return AccessClaims{UserID: userID, SessionID: c.SessionID, Role: role}, nil
}

// tokenError returns sentinel with the text of cause appended for logs. Only the text: the
// cause's own error values (the jwt library's, ParseRole's) stay out of the chain, so that
// errors.Is finds exactly one of core's token errors.
func tokenError(sentinel, cause error) error {
	return fmt.Errorf("%w: %s", sentinel, cause.Error())
}

// onlyExpired reports whether err, returned by the parser for claims c, means that the
// token is genuine and valid except for its expiry. The parser joins every claim fault into
// one error, so the claims are validated again at the last instant before the expiry: if
// they pass then, expiry was the only fault.
func (a *AccessTokens) onlyExpired(err error, c *accessTokenClaims) bool {
	if !errors.Is(err, jwt.ErrTokenInvalidClaims) || !errors.Is(err, jwt.ErrTokenExpired) || c.ExpiresAt == nil {
		return false
	}
	justBefore := c.ExpiresAt.Add(-time.Nanosecond)
	v := jwt.NewValidator(append([]jwt.ParserOption{
		jwt.WithTimeFunc(func() time.Time { return justBefore }),
	}, a.claimOptions...)...)
	return v.Validate(c) == nil
}

// verificationKey is the parser's key function: it accepts only HS256 and returns the key
// named by the `kid` header.
func (a *AccessTokens) verificationKey(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("signing method %q is not accepted", t.Method.Alg())
	}
	kid, ok := t.Header["kid"].(string)
	if !ok || kid == "" {
		return nil, errors.New("kid header is missing")
	}
	key, ok := a.keys[kid]
	if !ok {
		return nil, fmt.Errorf("key id %q is unknown", kid)
	}
	return key, nil
}

// checkTokenSyntax refuses input that cannot be one of our tokens before it is decoded: too
// long, or with a character outside base64url and '.'. The second rule also closes the
// decoder's tolerance of line breaks, so that only the exact issued string verifies.
func checkTokenSyntax(token string) error {
	if len(token) > maxAccessTokenLen {
		return fmt.Errorf("token is %d bytes, longer than %d", len(token), maxAccessTokenLen)
	}
	for i := range len(token) {
		c := token[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.'
		if !ok {
			return fmt.Errorf("token has a character outside base64url at byte %d", i)
		}
	}
	return nil
}
