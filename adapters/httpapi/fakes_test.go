package httpapi_test

import (
	"context"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// Fixture values of [newFakeAccounts].
const (
	fakeUserID      core.UserID = 42
	fakePhone                   = "+989121234567"
	fakeSessionID               = "ses_current"
	fakeOtherSID                = "ses_other"
	tokenGood                   = "access-good"
	tokenOther                  = "access-other" // a second session of the same user
	tokenExpired                = "access-expired"
	tokenRevoked                = "access-revoked"
	fakeAccessTTL               = time.Hour
	fakeRefreshTTL              = 7 * 24 * time.Hour
	fakeOTPTTL                  = 5 * time.Minute
	fakeResendAfter             = time.Minute
)

// fakeTermsVersion is the version of the terms in force for [newFakeAccounts].
const fakeTermsVersion = "2026-12"

// fakeCreatedAt is when the fixture user registered.
var fakeCreatedAt = time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)

// fakeUser returns the fixture user: verified phone, Persian names, no email.
func fakeUser() identity.User {
	return identity.RehydrateUserRecord(identity.UserRecord{
		ID:              fakeUserID,
		Phone:           fakePhone,
		FirstName:       "علی",
		LastName:        "رضایی",
		PhoneVerifiedAt: fakeCreatedAt,
		CreatedAt:       fakeCreatedAt,
	})
}

// fakeTokens returns a token pair of session sid.
func fakeTokens(sid string) ports.Tokens {
	return ports.Tokens{
		SessionID: sid, Access: "new-access-" + sid, Refresh: "new-refresh-" + sid,
		AccessTTL: fakeAccessTTL, RefreshTTL: fakeRefreshTTL,
	}
}

// fakeAccounts is a [ports.Accounts] whose methods call the func fields, which
// [newFakeAccounts] sets to answer with the fixture; a test replaces the ones it needs to
// observe or fail. It records the calls it received.
type fakeAccounts struct {
	RegisterFunc       func(context.Context, ports.RegisterInput) (ports.OTPSent, error)
	SendOTPFunc        func(context.Context, ports.SendOTPInput) (ports.OTPSent, error)
	VerifyOTPFunc      func(context.Context, ports.VerifyOTPInput) (ports.VerifyOTPResult, error)
	LoginFunc          func(context.Context, ports.LoginInput) (ports.SignIn, error)
	LogoutFunc         func(context.Context, ports.LogoutInput) error
	RefreshFunc        func(context.Context, ports.RefreshInput) (ports.Tokens, error)
	AuthenticateFunc   func(context.Context, string) (ports.Principal, error)
	MeFunc             func(context.Context, ports.Principal) (identity.User, error)
	UpdateProfileFunc  func(context.Context, ports.Principal, identity.ProfileUpdate) (identity.User, error)
	ChangePasswordFunc func(context.Context, ports.Principal, ports.ChangePasswordInput) error
	ResetPasswordFunc  func(context.Context, ports.ResetPasswordInput) error
	SessionsFunc       func(context.Context, ports.Principal) ([]ports.SessionInfo, error)
	RevokeSessionFunc  func(context.Context, ports.Principal, string, ports.Client) error
	ConsentsFunc       func(context.Context, ports.Principal) (ports.ConsentStatus, error)
	AcceptTermsFunc    func(context.Context, ports.Principal, string) (ports.ConsentStatus, error)

	mu    sync.Mutex
	calls []any // every input received, in order
}

var _ ports.Accounts = (*fakeAccounts)(nil)

// newFakeAccounts returns accounts that succeed with the fixture: codes are sent, every code
// verifies, every password signs in, tokenGood and tokenOther authenticate the fixture user
// (sessions fakeSessionID and fakeOtherSID), tokenExpired and tokenRevoked fail as named and
// any other token is invalid.
func newFakeAccounts() *fakeAccounts {
	sent := ports.OTPSent{Phone: fakePhone, ExpiresIn: fakeOTPTTL, ResendAfter: fakeResendAfter}
	f := &fakeAccounts{}
	f.RegisterFunc = func(context.Context, ports.RegisterInput) (ports.OTPSent, error) { return sent, nil }
	f.SendOTPFunc = func(context.Context, ports.SendOTPInput) (ports.OTPSent, error) { return sent, nil }
	f.VerifyOTPFunc = func(_ context.Context, in ports.VerifyOTPInput) (ports.VerifyOTPResult, error) {
		switch in.Purpose {
		case identity.PurposeLogin:
			return ports.VerifyOTPResult{SignIn: &ports.SignIn{User: fakeUser(), Tokens: fakeTokens("ses_new")}}, nil
		case identity.PurposePasswordReset:
			return ports.VerifyOTPResult{ResetToken: "reset-token", ResetTokenTTL: 10 * time.Minute}, nil
		default:
			return ports.VerifyOTPResult{PhoneVerified: true}, nil
		}
	}
	f.LoginFunc = func(context.Context, ports.LoginInput) (ports.SignIn, error) {
		return ports.SignIn{User: fakeUser(), Tokens: fakeTokens("ses_new")}, nil
	}
	f.LogoutFunc = func(_ context.Context, in ports.LogoutInput) error {
		if in.RefreshToken == "" && in.SessionID == "" {
			return core.FieldError("refresh", "This field is required.")
		}
		return nil
	}
	f.RefreshFunc = func(context.Context, ports.RefreshInput) (ports.Tokens, error) { return fakeTokens(fakeSessionID), nil }
	f.AuthenticateFunc = func(_ context.Context, token string) (ports.Principal, error) {
		switch token {
		case tokenGood:
			return ports.Principal{UserID: fakeUserID, SessionID: fakeSessionID, Role: identity.RoleUser}, nil
		case tokenOther:
			return ports.Principal{UserID: fakeUserID, SessionID: fakeOtherSID, Role: identity.RoleUser}, nil
		case tokenExpired:
			return ports.Principal{}, core.ErrTokenExpired
		case tokenRevoked:
			return ports.Principal{}, core.ErrTokenRevoked
		}
		return ports.Principal{}, core.ErrTokenInvalid
	}
	f.MeFunc = func(context.Context, ports.Principal) (identity.User, error) { return fakeUser(), nil }
	f.UpdateProfileFunc = func(_ context.Context, _ ports.Principal, p identity.ProfileUpdate) (identity.User, error) {
		u := fakeUser()
		if err := u.UpdateProfile(p, fakeCreatedAt); err != nil {
			return identity.User{}, err
		}
		return u, nil
	}
	f.ChangePasswordFunc = func(context.Context, ports.Principal, ports.ChangePasswordInput) error { return nil }
	f.ResetPasswordFunc = func(context.Context, ports.ResetPasswordInput) error { return nil }
	f.SessionsFunc = func(context.Context, ports.Principal) ([]ports.SessionInfo, error) {
		return []ports.SessionInfo{
			{ID: fakeSessionID, CreatedAt: fakeCreatedAt, LastUsedAt: fakeCreatedAt, ExpiresAt: fakeCreatedAt.Add(fakeRefreshTTL), UserAgent: "Firefox", IP: "203.0.113.7"},
			{ID: fakeOtherSID, CreatedAt: fakeCreatedAt, LastUsedAt: fakeCreatedAt, ExpiresAt: fakeCreatedAt.Add(fakeRefreshTTL)},
		}, nil
	}
	f.RevokeSessionFunc = func(_ context.Context, _ ports.Principal, id string, _ ports.Client) error {
		if id != fakeSessionID && id != fakeOtherSID {
			return core.ErrNotFound
		}
		return nil
	}
	f.ConsentsFunc = func(context.Context, ports.Principal) (ports.ConsentStatus, error) {
		return ports.ConsentStatus{CurrentVersion: fakeTermsVersion}, nil
	}
	f.AcceptTermsFunc = func(_ context.Context, _ ports.Principal, version string) (ports.ConsentStatus, error) {
		if version != fakeTermsVersion {
			return ports.ConsentStatus{}, core.FieldError("version", "This is not the current version of the terms.")
		}
		return ports.ConsentStatus{CurrentVersion: fakeTermsVersion, Accepted: true, Consents: []ports.Consent{
			{User: fakeUserID, Kind: "terms", Version: fakeTermsVersion, At: fakeCreatedAt},
		}}, nil
	}
	return f
}

// record keeps in as the latest call.
func (f *fakeAccounts) record(in any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, in)
}

// Calls returns the inputs received so far, in order: the method's input struct, the
// access token of Authenticate, a [principalCall] for the methods that take a principal.
func (f *fakeAccounts) Calls() []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]any(nil), f.calls...)
}

// principalCall records a call that took a principal and, when it has one, an input.
type principalCall struct {
	Method    string
	Principal ports.Principal
	Input     any
}

// lastCall returns the latest input of type T, and false when none was received.
func lastCall[T any](f *fakeAccounts) (T, bool) {
	calls := f.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if v, ok := calls[i].(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func (f *fakeAccounts) Register(ctx context.Context, in ports.RegisterInput) (ports.OTPSent, error) {
	f.record(in)
	return f.RegisterFunc(ctx, in)
}

func (f *fakeAccounts) SendOTP(ctx context.Context, in ports.SendOTPInput) (ports.OTPSent, error) {
	f.record(in)
	return f.SendOTPFunc(ctx, in)
}

func (f *fakeAccounts) VerifyOTP(ctx context.Context, in ports.VerifyOTPInput) (ports.VerifyOTPResult, error) {
	f.record(in)
	return f.VerifyOTPFunc(ctx, in)
}

func (f *fakeAccounts) Login(ctx context.Context, in ports.LoginInput) (ports.SignIn, error) {
	f.record(in)
	return f.LoginFunc(ctx, in)
}

func (f *fakeAccounts) Logout(ctx context.Context, in ports.LogoutInput) error {
	f.record(in)
	return f.LogoutFunc(ctx, in)
}

func (f *fakeAccounts) Refresh(ctx context.Context, in ports.RefreshInput) (ports.Tokens, error) {
	f.record(in)
	return f.RefreshFunc(ctx, in)
}

func (f *fakeAccounts) Authenticate(ctx context.Context, token string) (ports.Principal, error) {
	f.record(token)
	return f.AuthenticateFunc(ctx, token)
}

func (f *fakeAccounts) Me(ctx context.Context, p ports.Principal) (identity.User, error) {
	f.record(principalCall{Method: "Me", Principal: p})
	return f.MeFunc(ctx, p)
}

func (f *fakeAccounts) UpdateProfile(ctx context.Context, p ports.Principal, in identity.ProfileUpdate) (identity.User, error) {
	f.record(principalCall{Method: "UpdateProfile", Principal: p, Input: in})
	return f.UpdateProfileFunc(ctx, p, in)
}

func (f *fakeAccounts) ChangePassword(ctx context.Context, p ports.Principal, in ports.ChangePasswordInput) error {
	f.record(principalCall{Method: "ChangePassword", Principal: p, Input: in})
	return f.ChangePasswordFunc(ctx, p, in)
}

func (f *fakeAccounts) ResetPassword(ctx context.Context, in ports.ResetPasswordInput) error {
	f.record(in)
	return f.ResetPasswordFunc(ctx, in)
}

func (f *fakeAccounts) Sessions(ctx context.Context, p ports.Principal) ([]ports.SessionInfo, error) {
	f.record(principalCall{Method: "Sessions", Principal: p})
	return f.SessionsFunc(ctx, p)
}

func (f *fakeAccounts) RevokeSession(ctx context.Context, p ports.Principal, id string, c ports.Client) error {
	f.record(principalCall{Method: "RevokeSession", Principal: p, Input: id})
	return f.RevokeSessionFunc(ctx, p, id, c)
}

func (f *fakeAccounts) Consents(ctx context.Context, p ports.Principal) (ports.ConsentStatus, error) {
	f.record(principalCall{Method: "Consents", Principal: p})
	return f.ConsentsFunc(ctx, p)
}

func (f *fakeAccounts) AcceptTerms(ctx context.Context, p ports.Principal, version string) (ports.ConsentStatus, error) {
	f.record(principalCall{Method: "AcceptTerms", Principal: p, Input: version})
	return f.AcceptTermsFunc(ctx, p, version)
}

// countingLimiter is a [ports.RateLimiter] for tests: each (limit name, key) allows the
// limit's burst of attempts and then denies, with RetryAfter one emission interval; time
// never passes. Down makes every call fail as unavailable.
type countingLimiter struct {
	mu   sync.Mutex
	used map[string]int
	down bool
}

var _ ports.RateLimiter = (*countingLimiter)(nil)

func newCountingLimiter() *countingLimiter {
	return &countingLimiter{used: map[string]int{}}
}

// SetDown switches the unavailable mode.
func (l *countingLimiter) SetDown(down bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down = down
}

// Used returns how many units were consumed under limit name for key.
func (l *countingLimiter) Used(name, key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.used[name+":"+key]
}

func (l *countingLimiter) Allow(ctx context.Context, key string, limit ports.Limit) (ports.Decision, error) {
	return l.AllowN(ctx, key, limit, 1)
}

func (l *countingLimiter) AllowN(_ context.Context, key string, limit ports.Limit, n int) (ports.Decision, error) {
	if err := limit.ValidateAllow(key, n); err != nil {
		return ports.Decision{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return ports.Decision{}, ports.ErrLimiterUnavailable
	}
	burst, k := limit.EffectiveBurst(), limit.StateKey(key)
	used := l.used[k]
	if used+n > burst {
		return ports.Decision{
			Limit: burst, RetryAfter: limit.Interval(), ResetAfter: time.Duration(used) * limit.Interval(),
		}, nil
	}
	l.used[k] = used + n
	return ports.Decision{
		Allowed: true, Limit: burst, Remaining: burst - used - n, ResetAfter: time.Duration(used+n) * limit.Interval(),
	}, nil
}

func (l *countingLimiter) Reset(_ context.Context, key string, limit ports.Limit) error {
	if err := limit.ValidateReset(key); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.used, limit.StateKey(key))
	return nil
}
