package ghasedak

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
	// DefaultBaseURL is the root of Ghasedak's gateway web service (the current API, not the
	// legacy v2); there is no sandbox host.
	DefaultBaseURL = "https://gateway.ghasedak.me/rest/api/v1/WebService"
	// DefaultOTPParam is [Config.OTPParam]'s default.
	DefaultOTPParam = "Code"
	// DefaultTimeout bounds one call when [Config.Timeout] is zero.
	DefaultTimeout = 10 * time.Second
)

// Config configures a [Client]. Only app fills it, from its own configuration.
type Config struct {
	// BaseURL is the web service root, the methods' parent. Default [DefaultBaseURL]; tests
	// point it at a fake.
	BaseURL string
	// APIKey is the account's API key, sent in the ApiKey header. Required.
	APIKey string
	// LineNumber is the line texts are sent from (SendSingleSMS lineNumber). Required.
	LineNumber string
	// OTPTemplate is the name of the panel's OTP template (SendOtpSMS templateName).
	// Required.
	OTPTemplate string
	// OTPParam is the template input that carries the code. Default [DefaultOTPParam].
	OTPParam string
	// PurposeTemplates maps an OTP purpose (see [ports.SMSSender.SendOTP]) to another
	// template with the same input; purposes not listed use OTPTemplate.
	PurposeTemplates map[string]string
	// Timeout bounds one call, from dialling to reading the whole answer. Default
	// [DefaultTimeout]; must not be negative.
	Timeout time.Duration
	// Breaker configures the client's circuit breaker.
	Breaker BreakerConfig
	// Logger receives breaker state changes and refusals that read as unavailable, never
	// codes, texts, numbers or the key. Default: discard.
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
	case strings.ContainsAny(c.APIKey, " \t\r\n"):
		errs = append(errs, errors.New("api key contains white space"))
	}
	if strings.TrimSpace(c.LineNumber) == "" {
		errs = append(errs, errors.New("line number is required"))
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
		return fmt.Errorf("ghasedak: invalid config: %w", err)
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
	if c.OTPParam == "" {
		c.OTPParam = DefaultOTPParam
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
