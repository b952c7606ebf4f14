package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// Service implements [ports.Accounts]: the accounts use cases of API.md §3.1 over a
// [ports.Store], a [ports.RateLimiter] and a [ports.Clock], with the access tokens and
// password hashing of this package. It is safe for concurrent use. Build it with
// [NewService].
type Service struct {
	cfg      ServiceConfig
	store    ports.Store
	limiter  ports.RateLimiter
	clock    ports.Clock
	access   *AccessTokens
	hasher   *PasswordHasher
	security *slog.Logger
	logger   *slog.Logger
	rand     io.Reader
	sealer   codeSealer
	resets   resetTokens
	sessions *sessionCache
	metrics  *Metrics
}

var _ ports.Accounts = (*Service)(nil)

// NewService returns the accounts service configured by cfg (zero fields take their
// defaults, see [ServiceConfig]). Security events go to security, everything else (the SMS
// budget alarm, fail-open limiter errors) to logger; nil loggers discard. It returns an
// error when a secret is missing or short, the OTP policy or a limit is invalid, or a
// dependency is nil.
func NewService(cfg ServiceConfig, store ports.Store, limiter ports.RateLimiter, clock ports.Clock,
	access *AccessTokens, hasher *PasswordHasher, security SecurityLogger, logger *slog.Logger,
) (*Service, error) {
	switch {
	case store == nil, limiter == nil, clock == nil, access == nil, hasher == nil:
		return nil, errors.New("accounts: store, limiter, clock, access tokens and password hasher are required")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	sealer, err := newCodeSealer(cfg.SMSSealKey, cfg.Rand)
	if err != nil {
		return nil, err
	}
	s := &Service{
		cfg:      cfg,
		store:    store,
		limiter:  limiter,
		clock:    clock,
		access:   access,
		hasher:   hasher,
		security: orDiscard(security.Logger),
		logger:   orDiscard(logger),
		rand:     cfg.Rand,
		sealer:   sealer,
		resets:   resetTokens{key: append([]byte(nil), cfg.ResetTokenKey...), ttl: cfg.ResetTokenTTL},
		sessions: newSessionCache(cfg.SessionCacheSize, ports.RevocationCacheTTL),
		metrics:  cfg.Metrics,
	}
	return s, nil
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// now reads the clock.
func (s *Service) now() time.Time { return s.clock.Now() }

// Field messages of the input rules, in the style of the original API's validators.
const (
	msgRequired         = "This field is required."
	msgMobileInvalid    = "Enter a valid Iranian mobile number."
	msgPasswordMismatch = "The two password fields didn't match."
	msgPurposeInvalid   = "Select a valid OTP type."
	msgOneProof         = "Provide either reset_token or code, not both."
)

// parsePhone returns the mobile number in s, or a [core.ValidationError] on field.
func parsePhone(field, s string) (iran.Mobile, error) {
	if s == "" {
		return iran.Mobile{}, core.FieldError(field, msgRequired)
	}
	m, err := iran.ParseMobile(s)
	if err != nil {
		return iran.Mobile{}, core.FieldError(field, msgMobileInvalid)
	}
	return m, nil
}

// mergeValidation adds the fields of err, a [core.ValidationError], to ve and returns nil;
// any other non-nil error is returned as it is.
func mergeValidation(ve *core.ValidationError, err error) error {
	if err == nil {
		return nil
	}
	var v *core.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	for _, f := range v.FieldNames() {
		for _, msg := range v.Fields[f] {
			ve.Add(f, msg)
		}
	}
	return nil
}

// sessionIP returns the client IP in the form a session keeps, or "" when it is not an IP
// address (the HTTP layer passes what the proxy chain gave).
func sessionIP(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	return addr.Unmap().String()
}

// limitKeyIP returns the rate limit key of a client IP; an unknown IP shares one key.
func limitKeyIP(ip string) string {
	if ip == "" {
		return "unknown"
	}
	return ip
}

// failOpen reports whether a limiter error may be ignored: the backend is down. It logs the
// failure; any other error (a bad limit, a cancelled context) is not ignored.
func (s *Service) failOpen(ctx context.Context, limit ports.Limit, err error) bool {
	if !errors.Is(err, ports.ErrLimiterUnavailable) {
		return false
	}
	s.logger.ErrorContext(ctx, "rate limiter unavailable, failing open", slog.String("limit", limit.Name), slog.Any("error", err))
	return true
}

// allowOpen consumes one attempt of limit for key. It returns a [*core.RateLimitedError]
// when denied, nil when allowed or when the limiter is down (failing open), and other
// limiter errors wrapped.
func (s *Service) allowOpen(ctx context.Context, limit ports.Limit, key string) error {
	d, err := s.limiter.Allow(ctx, key, limit)
	if err != nil {
		if s.failOpen(ctx, limit, err) {
			return nil
		}
		return fmt.Errorf("rate limit %s: %w", limit.Name, err)
	}
	return d.Err()
}
