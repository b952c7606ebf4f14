package app

import (
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/config"
	kycsvc "github.com/talabin/talabin/app/kyc"
	"github.com/talabin/talabin/app/notices"
	paymentsvc "github.com/talabin/talabin/app/payments"
	tradingsvc "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// Access tokens name this deployment: `iss` and `aud` are checked on every request, so a
// token from another system signed with a shared key is still refused.
const (
	accessTokenIssuer   = "talabin"
	accessTokenAudience = "talabin-api"
)

// systemClock is the wall clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// NewClock returns the wall clock every service reads the time from.
func NewClock() ports.Clock { return systemClock{} }

// NewSecurityLogger returns the security log stream: the app's JSON output, every line marked
// "log":"security", so that a log pipeline routes sign-ins, code sends, lockouts and
// revocations apart from the access log.
func NewSecurityLogger(logger *slog.Logger) accounts.SecurityLogger {
	return accounts.SecurityLogger{Logger: logger.With("log", "security")}
}

// NewAccessTokens returns the signer and verifier of access tokens, keyed by the key derived
// from SECRET_KEY (older keys from SECRET_KEY_FALLBACKS still verify).
func NewAccessTokens(cfg config.Config, keys Keys, clock ports.Clock) (*accounts.AccessTokens, error) {
	return accounts.NewAccessTokens(accounts.AccessTokenConfig{
		Key:       keys.AccessKey.Secret,
		KeyID:     keys.AccessKey.ID,
		OlderKeys: keys.OlderAccessKeys,
		Issuer:    accessTokenIssuer,
		Audience:  accessTokenAudience,
		TTL:       cfg.AccessTokenLifetime(),
		Clock:     clock,
	})
}

// NewPasswordHasher returns the argon2id hasher with its default parameters (m=64 MiB, t=3,
// p=2; see [accounts.PasswordConfig]).
func NewPasswordHasher() (*accounts.PasswordHasher, error) {
	return accounts.NewPasswordHasher(accounts.PasswordConfig{})
}

// AccountsConfig returns the accounts service's configuration: OTP lifetime, session
// lifetimes, the development switches and the SMS budget from cfg, secrets from keys, and
// the counters /metrics serves.
func AccountsConfig(cfg config.Config, keys Keys, metrics *accounts.Metrics) accounts.ServiceConfig {
	policy := identity.DefaultOTPPolicy()
	policy.TTL = cfg.OTPTTL
	if policy.ResendInterval > policy.TTL {
		policy.ResendInterval = policy.TTL
	}
	return accounts.ServiceConfig{
		OTPPolicy:      policy,
		CodeKeys:       keys.OTPCodeKeys,
		SuccessorKey:   keys.RefreshSuccessor,
		ResetTokenKey:  keys.ResetToken,
		SMSSealKey:     keys.SMSSeal,
		RefreshTTL:     cfg.RefreshTokenLifetime(),
		ExposeCodes:    cfg.OTPExposeCode,
		OTPSignup:      cfg.OTPSignup,
		TermsVersion:   cfg.TermsVersion,
		SMSDailyBudget: cfg.SMSDailyBudget,
		Metrics:        metrics,
	}
}

// NewAccounts returns the accounts service, the app's implementation of [ports.Accounts].
func NewAccounts(
	scfg accounts.ServiceConfig, store ports.Store, limiter ports.RateLimiter, clock ports.Clock,
	access *accounts.AccessTokens, hasher *accounts.PasswordHasher, security accounts.SecurityLogger,
	logger *slog.Logger,
) (ports.Accounts, error) {
	return accounts.NewService(scfg, store, limiter, clock, access, hasher, security, logger)
}

// NewWorkers returns the background workers: the SMS senders of one-time codes and of
// notices, the price refresh, the quote purge, the payment reconciler and the KYC inquiry
// retry.
func NewWorkers(scfg accounts.ServiceConfig, store ports.Store, sender ports.SMSSender, clock ports.Clock,
	logger *slog.Logger, trading *tradingsvc.Service, payments *paymentsvc.Service, kyc *kycsvc.Service,
) (*river.Workers, error) {
	otp, err := accounts.NewOTPSMSWorker(scfg, store, sender, clock, logger)
	if err != nil {
		return nil, err
	}
	notice, err := notices.NewWorker(store, sender, logger)
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	err = errors.Join(
		river.AddWorkerSafely(workers, otp),
		river.AddWorkerSafely(workers, notice),
		river.AddWorkerSafely(workers, &priceRefreshWorker{svc: trading}),
		river.AddWorkerSafely(workers, &quotePurgeWorker{svc: trading}),
		river.AddWorkerSafely(workers, &paymentReconcileWorker{svc: payments}),
		river.AddWorkerSafely(workers, &kycInquiryRetryWorker{svc: kyc}),
	)
	if err != nil {
		return nil, err
	}
	return workers, nil
}

// NewAuthConfig returns the HTTP identity layer's configuration: trusted proxies, the
// cookie-mode origins, cookie flags and lifetimes and the rate limits ([HTTPAuthLimits]) from
// cfg, the CSRF key from keys.
func NewAuthConfig(cfg config.Config, keys Keys, accts ports.Accounts, limiter ports.RateLimiter,
	security accounts.SecurityLogger, logger *slog.Logger, kyc *kycsvc.Service,
) httpapi.AuthConfig {
	ac := httpapi.AuthConfig{
		Accounts:       accts,
		Limiter:        limiter,
		Limits:         HTTPAuthLimits(cfg),
		TrustedProxies: cfg.TrustedProxies,
		AllowedOrigins: cfg.Origins(),
		CSRFKey:        keys.CSRF,
		CookieSecure:   cfg.CookieSecure,
		AccessTTL:      cfg.AccessTokenLifetime(),
		RefreshTTL:     cfg.RefreshTokenLifetime(),
		SecurityLogger: security.Logger,
		Logger:         logger,
	}
	if kyc != nil { // a typed nil would not read as "no KYC"
		ac.KYC = kyc
	}
	return ac
}
