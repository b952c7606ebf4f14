package kavenegar

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound"
)

// Defaults of [Config].
const (
	// DefaultBaseURL is Kavenegar's API root; there is no sandbox host.
	DefaultBaseURL = "https://api.kavenegar.com"
	// DefaultTimeout bounds one call when [Config.Timeout] is zero.
	DefaultTimeout = 10 * time.Second
)

// Config configures a [Client]. Only app fills it, from its own configuration.
type Config struct {
	// BaseURL is the API root, without /v1. Default [DefaultBaseURL]; tests point it at a
	// fake.
	BaseURL string
	// APIKey is the account's API key (KAVENEGAR_API_KEY). Required. Kavenegar takes it as a
	// URL path segment, so the client keeps URLs out of its errors and logs.
	APIKey string
	// Sender is the line number texts are sent from (SMS_SENDER); empty sends from the
	// account's default line. OTPs go through verify/lookup, where Kavenegar picks the line.
	Sender string
	// OTPTemplate is the name of the approved verify/lookup template that carries the code as
	// %token. Required.
	OTPTemplate string
	// PurposeTemplates maps an OTP purpose (see [ports.SMSSender.SendOTP]) to another approved
	// template; purposes not listed use OTPTemplate.
	PurposeTemplates map[string]string
	// Timeout bounds one call, from dialling to reading the whole answer. Default
	// [DefaultTimeout]; must not be negative.
	Timeout time.Duration
	// Breaker configures the client's circuit breaker.
	Breaker BreakerConfig
	// Logger receives breaker state changes and account-level refusals (bad key, no credit),
	// never codes, texts, numbers or the key. Default: discard.
	Logger *slog.Logger
}

// BreakerConfig configures the client's circuit breaker: ConsecutiveFailures failures in a
// row (default 5) open it, and after OpenTimeout (default 30 s, not negative) it lets one
// trial call through. Zero fields take the defaults. Refusals of a recipient or a message and
// the caller's own cancellation do not count as failures.
type BreakerConfig = outbound.BreakerConfig

// Validate reports every problem with c, or nil. Zero optional fields are valid: [New]
// fills them with their defaults.
func (c Config) Validate() error {
	var errs []error
	if c.BaseURL != "" {
		if err := outbound.ValidateBaseURL(c.BaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case c.APIKey == "":
		errs = append(errs, errors.New("api key is required"))
	case strings.ContainsAny(c.APIKey, "/?#% \t\r\n"):
		errs = append(errs, errors.New("api key contains characters that cannot be a path segment"))
	}
	if strings.TrimSpace(c.OTPTemplate) == "" {
		errs = append(errs, errors.New("otp template is required"))
	}
	for purpose, name := range c.PurposeTemplates {
		if strings.TrimSpace(name) == "" {
			errs = append(errs, fmt.Errorf("template for purpose %q is empty", purpose))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := c.Breaker.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("kavenegar: invalid config: %w", err)
	}
	return nil
}

// withDefaults returns c with its zero optional fields filled in; [outbound.NewBreaker]
// fills the breaker's.
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
