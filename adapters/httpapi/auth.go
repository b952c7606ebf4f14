package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/talabin/talabin/ports"
)

// MinCSRFKeyLen is the shortest accepted [AuthConfig.CSRFKey], in bytes: the size of an
// HMAC-SHA256 output.
const MinCSRFKeyLen = 32

// Cookie lifetimes used when neither the token pair nor [AuthConfig] gives one (API.md §1.5).
const (
	// DefaultAccessCookieTTL is the Max-Age of the access_token cookie: the access TTL.
	DefaultAccessCookieTTL = 60 * time.Minute
	// DefaultRefreshCookieTTL is the Max-Age of the refresh_token and csrftoken cookies: the
	// session lifetime.
	DefaultRefreshCookieTTL = 7 * 24 * time.Hour
)

// AuthLimits are the rate limits the HTTP layer applies (API.md §1.7 and §3.1). Limits the
// services apply themselves (verify-otp per IP and phone, change-password per user, failed
// logins per phone) are not here.
type AuthLimits struct {
	// Register limits POST register/ per client IP.
	Register ports.Limit
	// Login limits POST login/ per client IP.
	Login ports.Limit
	// SendOTP limits POST send-otp/ per client IP.
	SendOTP ports.Limit
	// Refresh limits POST token/refresh/ per client IP.
	Refresh ports.Limit
	// Logout limits POST logout/ per client IP.
	Logout ports.Limit
	// PasswordReset limits POST password-reset/ (and its alias) per client IP.
	PasswordReset ports.Limit
	// ProfileUpdate limits profile writes per user.
	ProfileUpdate ports.Limit
	// GlobalIP is the backstop on every route of [Auth.Public] and [Auth.User], per client IP.
	GlobalIP ports.Limit
	// GlobalUser is the backstop on every route of [Auth.User], per user.
	GlobalUser ports.Limit
}

// DefaultAuthLimits returns the limits of API.md §1.7 and §3.1: register 5/h, login 10/h,
// send-otp 3/5 min, token refresh 30/min, logout 30/min and password reset 5/h per IP;
// profile update 30/h per user; the global backstop 600/min per IP and 300/min per user.
func DefaultAuthLimits() AuthLimits {
	return AuthLimits{
		Register:      ports.PerPeriod("auth.register", 5, time.Hour),
		Login:         ports.PerPeriod("auth.login", 10, time.Hour),
		SendOTP:       ports.PerPeriod("auth.send_otp", 3, 5*time.Minute),
		Refresh:       ports.PerPeriod("auth.refresh", 30, time.Minute),
		Logout:        ports.PerPeriod("auth.logout", 30, time.Minute),
		PasswordReset: ports.PerPeriod("auth.password_reset", 5, time.Hour),
		ProfileUpdate: ports.PerPeriod("auth.profile_update", 30, time.Hour),
		GlobalIP:      ports.PerPeriod("global.ip", 600, time.Minute),
		GlobalUser:    ports.PerPeriod("global.user", 300, time.Minute),
	}
}

// withDefaults returns l with every unnamed limit taken from [DefaultAuthLimits].
func (l AuthLimits) withDefaults() AuthLimits {
	d := DefaultAuthLimits()
	for _, p := range []struct{ dst, def *ports.Limit }{
		{&l.Register, &d.Register}, {&l.Login, &d.Login}, {&l.SendOTP, &d.SendOTP},
		{&l.Refresh, &d.Refresh}, {&l.Logout, &d.Logout}, {&l.PasswordReset, &d.PasswordReset},
		{&l.ProfileUpdate, &d.ProfileUpdate}, {&l.GlobalIP, &d.GlobalIP}, {&l.GlobalUser, &d.GlobalUser},
	} {
		if p.dst.Name == "" {
			*p.dst = *p.def
		}
	}
	return l
}

// validate reports every invalid limit.
func (l AuthLimits) validate() error {
	var errs []error
	for _, lim := range []ports.Limit{
		l.Register, l.Login, l.SendOTP, l.Refresh, l.Logout, l.PasswordReset, l.ProfileUpdate, l.GlobalIP, l.GlobalUser,
	} {
		errs = append(errs, lim.Validate())
	}
	return errors.Join(errs...)
}

// AuthConfig configures [NewAuth]. Accounts, Limiter and CSRFKey are required; every other
// field has a default.
type AuthConfig struct {
	// Accounts runs the identity use cases.
	Accounts ports.Accounts
	// KYC, when set, supplies the verification fields of every User answer (kyc_status,
	// kyc_level, verification_status, national_id) from the user's profile. Nil: every user
	// shows as never submitted, level 0.
	KYC ports.KYC
	// Limiter counts attempts under Limits. When it is unavailable requests are let through
	// and a warning is logged.
	Limiter ports.RateLimiter
	// Limits are the HTTP-level rate limits; a limit left zero (no Name) takes its value from
	// [DefaultAuthLimits].
	Limits AuthLimits
	// TrustedProxies are the networks of the reverse proxies whose X-Forwarded-For is
	// believed (API.md §1.7). Empty: the connection's peer is the client.
	TrustedProxies []netip.Prefix
	// AllowedOrigins are the exact origins ("https://app.example.com", scheme and host, no
	// path) that may use cookie mode; a request in cookie mode from any other origin fails
	// with 403 csrf_failed. Empty: cookie mode is refused.
	AllowedOrigins []string
	// CSRFKey keys the HMAC of CSRF tokens: at least [MinCSRFKeyLen] random bytes, derived
	// for this purpose only.
	CSRFKey []byte
	// CookieSecure marks every cookie Secure. True in production; false only for plain-HTTP
	// development, where browsers would drop Secure cookies.
	CookieSecure bool
	// AccessTTL is the access_token cookie's Max-Age when the token pair carries none; zero
	// means [DefaultAccessCookieTTL].
	AccessTTL time.Duration
	// RefreshTTL is the refresh_token and csrftoken cookies' Max-Age when the token pair
	// carries none; zero means [DefaultRefreshCookieTTL].
	RefreshTTL time.Duration
	// SecurityLogger receives the security events: CSRF failures, revoked and reused tokens,
	// rate-limit denials by this layer. Nil means Logger.
	SecurityLogger *slog.Logger
	// Logger receives operational warnings (limiter unavailable). Nil discards them;
	// [NewRouter] passes its own logger instead.
	Logger *slog.Logger
}

// Auth serves the identity endpoints of API.md §3.1 and holds the middleware every API route
// group shares: client IP from the trusted proxy chain, the global rate-limit backstop,
// authentication by bearer or cookie, the CSRF and Origin checks of cookie mode and the
// security log. Build it with [NewAuth]; register [Auth.Routes] on the router and wrap other
// route groups with [Auth.Public] or [Auth.User].
type Auth struct {
	accounts   ports.Accounts
	kyc        ports.KYC
	limiter    ports.RateLimiter
	limits     AuthLimits
	proxies    []netip.Prefix
	origins    originAllowlist
	csrf       csrfTokens
	secure     bool
	accessTTL  time.Duration
	refreshTTL time.Duration
	logger     *slog.Logger
	security   *slog.Logger
}

// NewAuth validates cfg and returns the identity endpoints and middleware it configures.
func NewAuth(cfg AuthConfig) (*Auth, error) {
	var errs []error
	if cfg.Accounts == nil {
		errs = append(errs, errors.New("accounts is required"))
	}
	if cfg.Limiter == nil {
		errs = append(errs, errors.New("rate limiter is required"))
	}
	if len(cfg.CSRFKey) < MinCSRFKeyLen {
		errs = append(errs, fmt.Errorf("csrf key must be at least %d bytes", MinCSRFKeyLen))
	}
	if cfg.AccessTTL < 0 || cfg.RefreshTTL < 0 {
		errs = append(errs, errors.New("cookie ttls must not be negative"))
	}
	limits := cfg.Limits.withDefaults()
	if err := limits.validate(); err != nil {
		errs = append(errs, err)
	}
	origins, err := newOriginAllowlist(cfg.AllowedOrigins)
	if err != nil {
		errs = append(errs, err)
	}
	for _, p := range cfg.TrustedProxies {
		if !p.IsValid() {
			errs = append(errs, fmt.Errorf("trusted proxy %q is not a valid prefix", p))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("httpapi: auth config: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	security := cfg.SecurityLogger
	if security == nil {
		security = logger
	}
	proxies := make([]netip.Prefix, len(cfg.TrustedProxies))
	for i, p := range cfg.TrustedProxies {
		proxies[i] = p.Masked()
	}
	return &Auth{
		accounts:   cfg.Accounts,
		kyc:        cfg.KYC,
		limiter:    cfg.Limiter,
		limits:     limits,
		proxies:    proxies,
		origins:    origins,
		csrf:       csrfTokens{key: append([]byte(nil), cfg.CSRFKey...)},
		secure:     cfg.CookieSecure,
		accessTTL:  cmp.Or(cfg.AccessTTL, DefaultAccessCookieTTL),
		refreshTTL: cmp.Or(cfg.RefreshTTL, DefaultRefreshCookieTTL),
		logger:     logger,
		security:   security,
	}, nil
}

// Public returns rt with the middleware of every API route: the client IP ([ClientIP]), the
// security log, the global per-IP backstop and, for writes in cookie mode, the Origin check
// (403 csrf_failed). Bearer headers are not read: public endpoints proceed anonymously
// whatever Authorization says (API.md §1.5).
func (a *Auth) Public(rt Routes) Routes {
	return rt.With(a.clientIP, a.securityEvents, a.limitBy(a.limits.GlobalIP, KeyByIP), a.checkOrigin)
}

// User returns rt with the middleware of [Auth.Public], then authentication: a bearer
// access token, else the access_token cookie, whose writes also need the CSRF token. No
// credentials answer 401 not_authenticated, a bad token 401 token_expired, token_invalid or
// token_revoked. Then the global per-user backstop. Handlers read the caller with
// [PrincipalOf]; responses carry Cache-Control: no-store.
func (a *Auth) User(rt Routes) Routes {
	return a.Public(rt).With(a.authenticate(true), a.limitBy(a.limits.GlobalUser, KeyByUser))
}

// optionalUser is [Auth.Public] plus authentication that never fails: a missing or bad token
// leaves the request anonymous (logout, csrf).
func (a *Auth) optionalUser(rt Routes) Routes {
	return a.Public(rt).With(a.authenticate(false))
}

// Routes registers the endpoints of API.md §3.1 under /api/auth/, with their aliases and
// rate limits. Every answer carries Cache-Control: no-store.
func (a *Auth) Routes(rt Routes) {
	rt = rt.With(noStore)
	a.Public(rt).Route("/api/auth", func(rt Routes) {
		rt.With(a.limitBy(a.limits.Register, KeyByIP)).Post("/register/", a.register)
		rt.With(a.limitBy(a.limits.Login, KeyByIP)).Post("/login/", a.login)
		rt.With(a.limitBy(a.limits.SendOTP, KeyByIP)).Post("/send-otp/", a.sendOTP)
		rt.Post("/verify-otp/", a.verifyOTP)
		rt.With(a.limitBy(a.limits.Refresh, KeyByIP)).Post("/token/refresh/", a.refresh)
		reset := rt.With(a.limitBy(a.limits.PasswordReset, KeyByIP))
		reset.Post("/password-reset/", a.resetPassword)
		reset.Post("/reset-password/", a.resetPassword)
	})
	a.optionalUser(rt).Route("/api/auth", func(rt Routes) {
		rt.With(a.limitBy(a.limits.Logout, KeyByIP)).Post("/logout/", a.logout)
		rt.Get("/csrf/", a.csrfToken)
	})
	a.User(rt).Route("/api/auth", func(rt Routes) {
		rt.Get("/me/", a.me)
		rt.Get("/profile/", a.me)
		update := rt.With(a.limitBy(a.limits.ProfileUpdate, KeyByUser))
		for _, p := range []string{"/profile/update/", "/profile/", "/update-profile/"} {
			update.Put(p, a.updateProfile)
			update.Patch(p, a.updateProfile)
		}
		rt.Post("/profile/change-password/", a.changePassword)
		rt.Post("/change-password/", a.changePassword)
		rt.Get("/sessions/", a.sessions)
		rt.Delete("/sessions/{id}/", a.revokeSession)
		rt.Post("/sessions/{id}/revoke/", a.revokeSession)
		rt.Get("/consents/", a.consents)
		rt.Post("/consents/", a.acceptTerms)
	})
}

// limitBy is [RateLimit] with a's limiter and logger.
func (a *Auth) limitBy(limit ports.Limit, key KeyFunc) func(http.Handler) http.Handler {
	return RateLimit(a.limiter, limit, key, a.logger)
}

// noStore marks every response of the route uncacheable: identity answers carry tokens and
// personal data.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
