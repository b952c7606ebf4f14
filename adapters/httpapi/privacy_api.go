package httpapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/ports"
)

// PrivacyLimits are the per-user rate limits of the personal-data endpoints (API.md §3.12).
type PrivacyLimits struct {
	// Export limits GET auth/me/export/ per user: each one reads the user's whole history.
	Export ports.Limit
	// DeleteAccount limits DELETE auth/me/ and POST auth/me/delete/ per user, together:
	// every attempt, refused or not, since each one checks a password or a code.
	DeleteAccount ports.Limit
}

// DefaultPrivacyLimits returns the limits of API.md §3.12: export and account deletion 3 per
// day per user each.
func DefaultPrivacyLimits() PrivacyLimits {
	return PrivacyLimits{
		Export:        ports.PerPeriod("privacy.export", 3, 24*time.Hour),
		DeleteAccount: ports.PerPeriod("privacy.delete_account", 3, 24*time.Hour),
	}
}

// withDefaults returns l with every unnamed limit taken from [DefaultPrivacyLimits].
func (l PrivacyLimits) withDefaults() PrivacyLimits {
	d := DefaultPrivacyLimits()
	for _, p := range []struct{ dst, def *ports.Limit }{
		{&l.Export, &d.Export}, {&l.DeleteAccount, &d.DeleteAccount},
	} {
		if p.dst.Name == "" {
			*p.dst = *p.def
		}
	}
	return l
}

// validate reports every invalid limit.
func (l PrivacyLimits) validate() error {
	return errors.Join(l.Export.Validate(), l.DeleteAccount.Validate())
}

// PrivacyConfig configures [NewPrivacy]: the personal-data endpoints of API.md §3.12.
// Privacy is required; app/privacy's Service implements it.
type PrivacyConfig struct {
	Privacy ports.Privacy
	// Limits are the per-user rate limits; a limit left zero (no Name) takes its value from
	// [DefaultPrivacyLimits].
	Limits PrivacyLimits
	// IdempotencyRequired makes the Idempotency-Key header mandatory on the deletion
	// (IDEMPOTENCY_REQUIRED), as [PaymentsConfig.IdempotencyRequired] does for payments.
	IdempotencyRequired bool
}

// Privacy serves the export of the caller's personal data and the deletion of their account.
// Build it with [NewPrivacy] and register [Privacy.Routes], or pass [WithPrivacy] to
// [NewRouter].
type Privacy struct {
	auth     *Auth
	privacy  ports.Privacy
	limits   PrivacyLimits
	required bool
}

// NewPrivacy validates cfg and returns the endpoints it configures, behind auth's middleware
// (client IP, backstop limits, authentication) and rate limiter.
func NewPrivacy(auth *Auth, cfg PrivacyConfig) (*Privacy, error) {
	var errs []error
	if auth == nil {
		errs = append(errs, errors.New("auth is required"))
	}
	if cfg.Privacy == nil {
		errs = append(errs, errors.New("privacy is required"))
	}
	limits := cfg.Limits.withDefaults()
	errs = append(errs, limits.validate())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("httpapi: privacy config: %w", err)
	}
	return &Privacy{auth: auth, privacy: cfg.Privacy, limits: limits, required: cfg.IdempotencyRequired}, nil
}

// WithPrivacy adds the personal-data endpoints configured by cfg (see [NewPrivacy]).
func WithPrivacy(cfg PrivacyConfig) RouterOption {
	return func(a *Auth) (func(rt Routes), error) {
		p, err := NewPrivacy(a, cfg)
		if err != nil {
			return nil, err
		}
		return p.Routes, nil
	}
}

// Routes registers the endpoints, each for the signed-in user: GET /api/auth/me/export/ (a
// JSON attachment), and the account deletion as DELETE /api/auth/me/ and, for clients that
// cannot send a body with DELETE, POST /api/auth/me/delete/ (one operation for the
// Idempotency-Key and one rate limit).
func (p *Privacy) Routes(rt Routes) {
	a := p.auth
	user := a.User(rt)
	user.With(a.limitBy(p.limits.Export, KeyByUser)).Get("/api/auth/me/export/", p.export)
	del := user.With(a.limitBy(p.limits.DeleteAccount, KeyByUser))
	del.Delete("/api/auth/me/", p.deleteAccount)
	del.Post("/api/auth/me/delete/", p.deleteAccount)
}
