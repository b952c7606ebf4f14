package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

// Accounts is the inbound port of the accounts use cases (API.md §1.5 and §3.1): sign-up with
// phone and password, one-time codes, sign-in, sessions with rotating refresh tokens, profile
// and password. The HTTP adapter calls it; app/accounts implements it.
//
// Errors are core sentinels or typed errors (validation, rate limits), which the HTTP adapter
// maps through its one table. Methods that take a [Client] use its IP for the rate limits of
// API.md §1.7 and its IP, user agent and request id for the security log.
type Accounts interface {
	// Register signs a phone up with a password and sends it the registration code. A phone
	// that exists but is not verified is registered again (password and names replaced, a
	// fresh code). Errors: [core.ValidationError], [core.ErrPhoneTaken] (phone verified),
	// [core.ErrRateLimited], [core.ErrSMSUnavailable].
	Register(ctx context.Context, in RegisterInput) (OTPSent, error)
	// SendOTP sends a code for in.Purpose. The answer is the same whether or not a message
	// left (unknown phone, verified phone), so it never tells whether a phone is registered.
	// Errors: [core.ValidationError], [core.ErrRateLimited], [core.ErrSMSUnavailable].
	SendOTP(ctx context.Context, in SendOTPInput) (OTPSent, error)
	// VerifyOTP checks a code. Registration and phone verification mark the phone verified;
	// login signs in; password reset returns a reset token. Errors: [core.ValidationError],
	// [core.ErrOTPInvalid], [core.ErrOTPExpired], [core.ErrOTPAttemptsExceeded],
	// [core.ErrRateLimited], [core.ErrAccountDisabled].
	VerifyOTP(ctx context.Context, in VerifyOTPInput) (VerifyOTPResult, error)
	// Login signs in with phone and password. An unknown phone and a wrong password take the
	// same time and return [core.ErrInvalidCredentials]. Other errors:
	// [core.ErrAccountDisabled], [core.ErrPhoneNotVerified], [core.ErrRateLimited] (per-IP or
	// per-account backoff).
	Login(ctx context.Context, in LoginInput) (SignIn, error)
	// Logout revokes the session of in.RefreshToken and the session in.SessionID; an unknown
	// or already revoked session is not an error. Neither given returns a
	// [core.ValidationError] on "refresh".
	Logout(ctx context.Context, in LogoutInput) error
	// Refresh rotates a refresh token (API.md §1.5): the current token or, within the grace
	// window, the just-retired one yields the successor pair. Errors: [core.ErrTokenInvalid],
	// [core.ErrTokenExpired], [core.ErrTokenRevoked], [core.ErrTokenReused] (the session is
	// revoked), [core.ErrAccountDisabled].
	Refresh(ctx context.Context, in RefreshInput) (Tokens, error)
	// Authenticate checks an access token and that its session is still active (a revocation
	// shows within [RevocationCacheTTL]). Errors: [core.ErrTokenInvalid],
	// [core.ErrTokenExpired], [core.ErrTokenRevoked].
	Authenticate(ctx context.Context, accessToken string) (Principal, error)
	// Me returns the signed-in user. Errors: [core.ErrAccountDisabled].
	Me(ctx context.Context, p Principal) (identity.User, error)
	// UpdateProfile applies a partial profile change. Errors: [core.ValidationError],
	// [core.ErrAccountDisabled], [core.ErrKYCLocked].
	UpdateProfile(ctx context.Context, p Principal, in identity.ProfileUpdate) (identity.User, error)
	// ChangePassword replaces the password after checking the old one and revokes every
	// other session of the user. Errors: [core.ValidationError], [core.ErrWrongPassword],
	// [core.ErrAccountDisabled], [core.ErrRateLimited].
	ChangePassword(ctx context.Context, p Principal, in ChangePasswordInput) error
	// ResetPassword sets a new password proven by a reset token or a password-reset code and
	// revokes every session of the user. Errors: [core.ValidationError], [core.ErrOTPInvalid],
	// [core.ErrOTPExpired], [core.ErrOTPAttemptsExceeded], [core.ErrRateLimited].
	ResetPassword(ctx context.Context, in ResetPasswordInput) error
	// Sessions lists the user's active sessions, newest first.
	Sessions(ctx context.Context, p Principal) ([]SessionInfo, error)
	// RevokeSession revokes one of the user's own sessions; another user's session or an
	// unknown id returns [core.ErrNotFound].
	RevokeSession(ctx context.Context, p Principal, sessionID string, c Client) error
	// Consents returns where p's user stands with the terms. Errors:
	// [core.ErrAccountDisabled].
	Consents(ctx context.Context, p Principal) (ConsentStatus, error)
	// AcceptTerms records that p's user accepts the terms of version, which must be the
	// current one, from p's client address. Idempotent: accepting the version the user's
	// latest acceptance names records nothing more. Errors: [core.ValidationError] on
	// "version", [core.ErrAccountDisabled].
	AcceptTerms(ctx context.Context, p Principal, version string) (ConsentStatus, error)
}

// RevocationCacheTTL bounds how long a revoked session's access tokens may still pass
// [Accounts.Authenticate] on an instance that saw the session active (API.md §1.5).
const RevocationCacheTTL = 5 * time.Second

// Client describes who sent a request, for rate limits and the security log.
type Client struct {
	// IP is the client's address as taken from the trusted proxy chain.
	IP string
	// UserAgent is the User-Agent header, kept with sessions.
	UserAgent string
	// RequestID is the request's id, written with every security event.
	RequestID string
}

// Principal is the authenticated caller of a request: who, in which session, with which role.
type Principal struct {
	UserID    core.UserID
	SessionID string
	Role      identity.Role
	Client    Client
}

// RegisterInput is a sign-up.
type RegisterInput struct {
	Phone, Password, PasswordConfirm string
	FirstName, LastName              string
	Client                           Client
}

// SendOTPInput asks for a code.
type SendOTPInput struct {
	Phone   string
	Purpose identity.Purpose
	Client  Client
}

// OTPSent is the answer to a code request: how long the code lives and how long until
// another may be requested. DebugCode is the code itself, set only when the development
// switch that exposes codes is on (never in production).
type OTPSent struct {
	Phone       string
	ExpiresIn   time.Duration
	ResendAfter time.Duration
	DebugCode   string
}

// VerifyOTPInput is a code check.
type VerifyOTPInput struct {
	Phone   string
	Code    string
	Purpose identity.Purpose
	Client  Client
}

// VerifyOTPResult is what a verified code proves: PhoneVerified for registration and phone
// verification, SignIn for login, ResetToken (valid ResetTokenTTL) for password reset.
type VerifyOTPResult struct {
	PhoneVerified bool
	SignIn        *SignIn
	ResetToken    string
	ResetTokenTTL time.Duration
}

// LoginInput is a sign-in by password.
type LoginInput struct {
	Phone, Password string
	Client          Client
}

// SignIn is a new session: the user and its first token pair.
type SignIn struct {
	User   identity.User
	Tokens Tokens
}

// Tokens is an access and refresh token pair with their lifetimes.
type Tokens struct {
	SessionID  string
	Access     string
	Refresh    string
	AccessTTL  time.Duration
	RefreshTTL time.Duration
}

// LogoutInput names the sessions to end: the one of a refresh token, the one of an access
// token's `sid`, or both.
type LogoutInput struct {
	RefreshToken string
	SessionID    string
	Client       Client
}

// RefreshInput is a refresh-token rotation.
type RefreshInput struct {
	RefreshToken string
	Client       Client
}

// ChangePasswordInput is a password change by the signed-in user.
type ChangePasswordInput struct {
	OldPassword, NewPassword, NewPasswordConfirm string
}

// ResetPasswordInput is a password reset proven by ResetToken or by Code (a password_reset
// code); exactly one of them is set.
type ResetPasswordInput struct {
	Phone                           string
	ResetToken, Code                string
	NewPassword, NewPasswordConfirm string
	Client                          Client
}

// SessionInfo describes one active session for its owner.
type SessionInfo struct {
	ID         string
	Current    bool
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	UserAgent  string
	IP         string
}

// ConsentStatus is where a user stands with the terms: the version in force, whether the
// user's latest acceptance of the terms is of that version (false after the terms change,
// until the user accepts again), and every consent the user gave, oldest first.
type ConsentStatus struct {
	CurrentVersion string
	Accepted       bool
	Consents       []Consent
}
