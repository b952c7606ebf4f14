package idpay

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound"
)

// Defaults of [Config].
const (
	// DefaultBaseURL is IDPay's web service v1.1 root (PROVIDERS.md §5.1); the sandbox is the
	// same host with [Config.Sandbox].
	DefaultBaseURL = "https://api.idpay.ir/v1.1"
	// DefaultTimeout bounds one call when [Config.Timeout] is zero.
	DefaultTimeout = 10 * time.Second
)

var apiKeyPattern = regexp.MustCompile(`^[0-9a-zA-Z-]{36}$`)

// Config configures a [Client]. Only app fills it.
type Config struct {
	// BaseURL is the API root holding payment, payment/verify and payment/inquiry. Default
	// [DefaultBaseURL].
	BaseURL string
	// APIKey is the web service's 36-character key, sent as X-API-KEY. Required.
	APIKey string
	// Sandbox sends X-SANDBOX: 1, under which IDPay simulates every payment and skips its
	// domain and IP checks. Never in production.
	Sandbox bool
	// Timeout bounds one call. Default [DefaultTimeout]; must not be negative.
	Timeout time.Duration
	// Breaker configures the client's circuit breaker.
	Breaker outbound.BreakerConfig
	// Logger receives breaker state changes, merchant-level refusals and mismatches. Default:
	// discard.
	Logger *slog.Logger
}

// Validate reports every problem with c, or nil.
func (c Config) Validate() error {
	var errs []error
	if c.BaseURL != "" {
		if err := outbound.ValidateBaseURL(c.BaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if !apiKeyPattern.MatchString(c.APIKey) {
		errs = append(errs, errors.New("api key must be 36 characters"))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := c.Breaker.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("idpay: invalid config: %w", err)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
