package httpjson

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// Defaults and limits of [Config].
const (
	// DefaultName is [Config.Name]'s default.
	DefaultName = "httpjson"
	// DefaultTimeout bounds one request when [Config.Timeout] is zero.
	DefaultTimeout = 5 * time.Second
)

// Unit is the currency unit an upstream quotes prices in.
type Unit string

// The units an upstream may quote in. The platform counts in rials; a toman is ten rials.
const (
	// UnitRial reads prices as rials per gram; the default.
	UnitRial Unit = "rial"
	// UnitToman reads prices as toman per gram and multiplies them by ten.
	UnitToman Unit = "toman"
)

// factor returns how many rials one unit is.
func (u Unit) factor() int64 {
	if u == UnitToman {
		return 10
	}
	return 1
}

// Config configures a [Feed]. Only app fills it, from its own configuration.
//
// The price is read either from two fields (BuyPath and SellPath) or from one mid price
// (MidPath) that SpreadBasisPoints opens into a buy and a sell price. Paths are gjson paths
// restricted to dot-separated object keys and numeric array indexes, e.g. "data.gold18.buy"
// or "items.0.price"; wildcards, queries, modifiers and escapes are refused, so a path means
// the same thing to every reader of the configuration.
type Config struct {
	// Name identifies the feed in prices' Source, its breaker, errors and logs. Default
	// [DefaultName]; give each feed of a chain its own.
	Name string
	// URL is the absolute http or https URL the feed GETs. Required. It may carry a key in
	// its query; the feed keeps URLs out of its errors and logs.
	URL string
	// HeaderName and HeaderValue, when set, are sent with every request, e.g. an API key in
	// "Authorization" or "X-Api-Key". Both or neither.
	HeaderName  string
	HeaderValue string
	// BuyPath and SellPath locate what the platform pays a seller and what a buyer pays.
	// Both, or MidPath.
	BuyPath  string
	SellPath string
	// MidPath locates a single mid price. The feed then offers the platform's spread policy
	// of [pricing.FromMid]:
	//
	//	Buy  = ⌊mid × (20,000 − SpreadBasisPoints) / 20,000⌋
	//	Sell = ⌈mid × (20,000 + SpreadBasisPoints) / 20,000⌉
	//
	// half the spread below the mid and half above, each side rounded in the platform's
	// favour (Buy down, Sell up), so that Sell − Buy is at least the spread. The feed computes
	// it on the exact mid, so that a mid with a fraction of a rial (a toman price with a
	// decimal) is opened without a first rounding; for a whole mid the result is FromMid's.
	MidPath string
	// SpreadBasisPoints is the spread opened around MidPath's price, 0 to
	// [pricing.MaxSpread]. Only with MidPath.
	SpreadBasisPoints core.BasisPoints
	// Unit is what the upstream's numbers count. Default [UnitRial].
	Unit Unit
	// TimestampPath, when set, locates when the upstream observed the price: Unix seconds
	// (a number or a numeric string) or an RFC 3339 string. A price without it, or more
	// than [FutureTolerance] ahead of the clock, is refused. When empty, a price is taken as
	// observed when it was fetched.
	TimestampPath string
	// MinPrice and MaxPrice bound both sides after unit conversion and rounding; a price
	// outside them reads as unavailable. Defaults 1 and [ports.MaxFeedPrice]; MaxPrice may
	// not exceed [ports.MaxFeedPrice]. Set them around the market (say a tenth and ten times
	// today's price) so that a unit mistake upstream cannot pass.
	MinPrice core.RialsPerGram
	MaxPrice core.RialsPerGram
	// Timeout bounds one request, from dialling to reading the whole answer. Default
	// [DefaultTimeout]; must not be negative.
	Timeout time.Duration
	// Breaker configures the feed's circuit breaker.
	Breaker BreakerConfig
	// Logger receives the breaker's state changes. Default: discard.
	Logger *slog.Logger
	// Clock tells the time of fetches without a TimestampPath and checks timestamps against
	// [FutureTolerance]. Default: the system clock.
	Clock ports.Clock
}

// BreakerConfig configures the feed's circuit breaker: ConsecutiveFailures failed fetches in
// a row (default 5) open it, and after OpenTimeout (default 30 s, not negative) it lets one
// trial fetch through. Zero fields take the defaults. Every failure counts, 4xx answers and
// unusable prices included (see the package doc); the caller's own cancellation does not.
type BreakerConfig = outbound.BreakerConfig

// FutureTolerance is how far ahead of the feed's clock an upstream timestamp may be, for
// clock skew. A timestamp further ahead is a broken upstream (or milliseconds read as
// seconds), and a price dated in the future would never look stale.
const FutureTolerance = 5 * time.Minute

// Validate reports every problem with c, or nil. Zero optional fields are valid: [New]
// fills them with their defaults.
func (c Config) Validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("url is required"))
	} else if err := outbound.ValidateBaseURL(c.URL); err != nil {
		errs = append(errs, errors.New("url must be an absolute http or https url"))
	} else if u, _ := url.Parse(c.URL); u.Fragment != "" {
		errs = append(errs, errors.New("url must not have a fragment"))
	}
	errs = append(errs, c.validateHeader()...)
	errs = append(errs, c.validatePaths()...)
	switch c.Unit {
	case "", UnitRial, UnitToman:
	default:
		errs = append(errs, fmt.Errorf("unit %q is neither %q nor %q", c.Unit, UnitRial, UnitToman))
	}
	errs = append(errs, c.validateBounds()...)
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := c.Breaker.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("httpjson: invalid config: %w", err)
	}
	return nil
}

func (c Config) validateHeader() []error {
	switch {
	case c.HeaderName == "" && c.HeaderValue == "":
		return nil
	case c.HeaderName == "":
		return []error{errors.New("header value given without a header name")}
	case !validHeaderName(c.HeaderName):
		return []error{fmt.Errorf("header name %q is not a valid HTTP header name", c.HeaderName)}
	case !validHeaderValue(c.HeaderValue):
		return []error{errors.New("header value contains control characters")}
	}
	return nil
}

func (c Config) validatePaths() []error {
	var errs []error
	check := func(field, path string) {
		if err := checkPath(path); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
		}
	}
	switch {
	case c.MidPath != "":
		if c.BuyPath != "" || c.SellPath != "" {
			errs = append(errs, errors.New("give either mid path or buy and sell paths, not both"))
		}
		check("mid path", c.MidPath)
		if c.SpreadBasisPoints < 0 || c.SpreadBasisPoints > pricing.MaxSpread {
			errs = append(errs, fmt.Errorf("spread %d bp is outside 0..%d", c.SpreadBasisPoints, pricing.MaxSpread))
		}
	case c.BuyPath == "" && c.SellPath == "":
		errs = append(errs, errors.New("buy and sell paths, or a mid path, are required"))
	default:
		check("buy path", c.BuyPath)
		check("sell path", c.SellPath)
		if c.SpreadBasisPoints != 0 {
			errs = append(errs, errors.New("spread applies only to a mid path"))
		}
	}
	if c.TimestampPath != "" {
		check("timestamp path", c.TimestampPath)
	}
	return errs
}

func (c Config) validateBounds() []error {
	var errs []error
	if c.MinPrice < 0 {
		errs = append(errs, errors.New("min price must not be negative"))
	}
	if c.MaxPrice < 0 || c.MaxPrice > ports.MaxFeedPrice {
		errs = append(errs, fmt.Errorf("max price must be between 0 and %s", ports.MaxFeedPrice))
	}
	maxPrice := c.MaxPrice
	if maxPrice == 0 {
		maxPrice = ports.MaxFeedPrice
	}
	if c.MinPrice > maxPrice {
		errs = append(errs, errors.New("min price is above max price"))
	}
	return errs
}

// withDefaults returns c with its zero optional fields filled in; [outbound.NewBreaker]
// fills the breaker's.
func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.Unit == "" {
		c.Unit = UnitRial
	}
	if c.MinPrice == 0 {
		c.MinPrice = 1
	}
	if c.MaxPrice == 0 {
		c.MaxPrice = ports.MaxFeedPrice
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = systemClock{}
	}
	return c
}

// systemClock is the default [Config.Clock].
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s holds no control characters but tab.
func validHeaderValue(s string) bool {
	for i := range len(s) {
		if b := s[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}
