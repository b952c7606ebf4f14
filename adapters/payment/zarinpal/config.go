package zarinpal

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
	// DefaultBaseURL is ZarinPal's production API root (PROVIDERS.md §4.1).
	DefaultBaseURL = "https://payment.zarinpal.com/pg/v4/payment"
	// DefaultStartPayURL is the production payment page; the authority is appended.
	DefaultStartPayURL = "https://payment.zarinpal.com/pg/StartPay/"
	// SandboxBaseURL and SandboxStartPayURL are the sandbox's.
	SandboxBaseURL     = "https://sandbox.zarinpal.com/pg/v4/payment"
	SandboxStartPayURL = "https://sandbox.zarinpal.com/pg/StartPay/"
	// DefaultTimeout bounds one call when [Config.Timeout] is zero.
	DefaultTimeout = 10 * time.Second
	// DefaultDescription is sent when a request has none; ZarinPal requires one.
	DefaultDescription = "Talabin deposit"
)

// Currencies ZarinPal takes amounts in.
const (
	// CurrencyRial sends amounts in rials (ZarinPal's default).
	CurrencyRial = "IRR"
	// CurrencyToman sends amounts in tomans: rials / 10; amounts not divisible by 10 are
	// refused before any request.
	CurrencyToman = "IRT"
)

var merchantPattern = regexp.MustCompile(`^[0-9a-zA-Z-]{36}$`)

// Config configures a [Client]. Only app fills it.
type Config struct {
	// BaseURL is the API root holding request.json etc. Default [DefaultBaseURL].
	BaseURL string
	// StartPayURL is the payment page prefix the authority is appended to. Default
	// [DefaultStartPayURL].
	StartPayURL string
	// MerchantID is the terminal's 36-character merchant id. Required.
	MerchantID string
	// Currency is [CurrencyRial] (default) or [CurrencyToman].
	Currency string
	// Timeout bounds one call. Default [DefaultTimeout]; must not be negative.
	Timeout time.Duration
	// Breaker configures the client's circuit breaker.
	Breaker outbound.BreakerConfig
	// Logger receives breaker state changes and merchant-level refusals. Default: discard.
	Logger *slog.Logger
}

// Validate reports every problem with c, or nil.
func (c Config) Validate() error {
	var errs []error
	for _, u := range []string{c.BaseURL, c.StartPayURL} {
		if u != "" {
			if err := outbound.ValidateBaseURL(u); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if !merchantPattern.MatchString(c.MerchantID) {
		errs = append(errs, errors.New("merchant id must be 36 characters"))
	}
	if c.Currency != "" && c.Currency != CurrencyRial && c.Currency != CurrencyToman {
		errs = append(errs, fmt.Errorf("currency must be %s or %s", CurrencyRial, CurrencyToman))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := c.Breaker.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("zarinpal: invalid config: %w", err)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.StartPayURL == "" {
		c.StartPayURL = DefaultStartPayURL
	}
	if !strings.HasSuffix(c.StartPayURL, "/") {
		c.StartPayURL += "/"
	}
	if c.Currency == "" {
		c.Currency = CurrencyRial
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
