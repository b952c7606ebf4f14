package ippanel

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
	// DefaultBaseURL is the root of IPPanel's Edge API (not the legacy api2 or rest hosts);
	// there is no sandbox host.
	DefaultBaseURL = "https://edge.ippanel.com/v1"
	// DefaultPatternParam is [Config.PatternParam]'s default.
	DefaultPatternParam = "code"
	// DefaultTimeout bounds one call when [Config.Timeout] is zero.
	DefaultTimeout = 10 * time.Second
)

// Config configures a [Client]. Only app fills it, from its own configuration.
type Config struct {
	// BaseURL is the API root, the parent of /api. Default [DefaultBaseURL]; tests point it
	// at a fake.
	BaseURL string
	// APIKey is the panel's access key (or a login token), sent verbatim in the
	// Authorization header. Required.
	APIKey string
	// FromNumber is the line messages are sent from, in E.164 form ("+983000505"). Required.
	FromNumber string
	// PatternCode is the code of the approved pattern that carries the OTP. Required.
	PatternCode string
	// PatternParam is the pattern placeholder that carries the code. Default
	// [DefaultPatternParam].
	PatternParam string
	// PurposePatterns maps an OTP purpose (see [ports.SMSSender.SendOTP]) to another pattern
	// code with the same placeholder; purposes not listed use PatternCode.
	PurposePatterns map[string]string
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
	if !strings.HasPrefix(c.FromNumber, "+") || len(c.FromNumber) < 4 || strings.TrimLeft(c.FromNumber[1:], "0123456789") != "" {
		errs = append(errs, errors.New("from number must be a line number in e.164 form"))
	}
	if strings.TrimSpace(c.PatternCode) == "" {
		errs = append(errs, errors.New("pattern code is required"))
	}
	for purpose, code := range c.PurposePatterns {
		if strings.TrimSpace(code) == "" {
			errs = append(errs, fmt.Errorf("pattern for purpose %q is empty", purpose))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := c.Breaker.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ippanel: invalid config: %w", err)
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
	if c.PatternParam == "" {
		c.PatternParam = DefaultPatternParam
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
