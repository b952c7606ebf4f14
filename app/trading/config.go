package trading

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// PriceTopic is the [ports.Notifier] topic of changes to the active price and the trading
// state.
const PriceTopic = "prices"

// Defaults the composition root uses when it configures [Service].
const (
	// DefaultRefreshInterval is how often [Service.Refresh] should ask the feed.
	DefaultRefreshInterval = 30 * time.Second
	// DefaultReloadInterval is how often every instance should call [Service.Reload].
	DefaultReloadInterval = 5 * time.Second
	// DefaultFeedMaxAge is the staleness limit for prices from an automatic feed; a manual
	// feed has none (a zero [pricing.Guard].MaxAge), since staff prices stay valid until
	// changed.
	DefaultFeedMaxAge = 120 * time.Second
	// RequiredKYCLevel is the identity verification level trading needs when
	// [Config.RequireKYC] is on.
	RequiredKYCLevel = 1
)

// PriceSetter receives every price staff set, so that a manual feed offers it from then on
// (adapters/pricefeed/manual's Feed implements it).
type PriceSetter interface {
	Set(p pricing.Price) error
}

// Config configures [NewService]. Every zero field takes the default its doc names.
type Config struct {
	// Guard holds the staleness and jump guards. Its zero value has no age limit (right for
	// a manual feed; use [DefaultFeedMaxAge] for automatic feeds) and the default jump
	// limit of 10 %.
	Guard pricing.Guard
	// FeeRate is the trading fee (TRANSACTION_FEE_PERCENTAGE in basis points); zero charges
	// no fee.
	FeeRate core.BasisPoints
	// Limits bound one order's amount; zero fields take the original's defaults.
	Limits trading.OrderLimits
	// QuoteTTL is how long a quote holds its price; zero means [trading.DefaultQuoteTTL].
	QuoteTTL time.Duration
	// RequireKYC makes placing an order need identity verification level
	// [RequiredKYCLevel] (403 kyc_required below it). Off by default: the web client cannot
	// do KYC.
	RequireKYC bool
	// TradeLimits cap what one user buys and sells per rolling day and 30 days by
	// verification level (400 limit_exceeded beyond); zero means [kyc.DefaultTradeLimits].
	TradeLimits kyc.TradeLimits
	// Manual, when set, also receives every price staff set (the manual feed).
	Manual PriceSetter
	// Notifier, when set, announces every change of the active price or the trading state
	// on [PriceTopic], so that the other instances reload at once instead of at their next
	// poll. Nil: instances converge by polling ([DefaultReloadInterval]).
	Notifier ports.Notifier
	// IdempotencyRetention is how long a stored response answers replays; zero means
	// [idempotency.Retention].
	IdempotencyRetention time.Duration
	// Rand is the source of quote ids and order numbers; nil means crypto/rand.Reader. It
	// must be a CSPRNG.
	Rand io.Reader
	// Metrics, when set, counts the orders placed (see [NewMetrics]).
	Metrics *Metrics
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	c.Limits = c.Limits.WithDefaults()
	if c.QuoteTTL == 0 {
		c.QuoteTTL = trading.DefaultQuoteTTL
	}
	if c.TradeLimits == (kyc.TradeLimits{}) {
		c.TradeLimits = kyc.DefaultTradeLimits()
	}
	if c.IdempotencyRetention == 0 {
		c.IdempotencyRetention = idempotency.Retention
	}
	return c
}

// validate reports every unusable field of c, which has its defaults applied.
func (c Config) validate() error {
	var errs []error
	if err := c.Guard.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.FeeRate < 0 || c.FeeRate > core.MaxFee {
		errs = append(errs, fmt.Errorf("fee rate %d bp is outside 0..%d", c.FeeRate, core.MaxFee))
	}
	if err := c.Limits.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.QuoteTTL < 0 || c.QuoteTTL > trading.MaxQuoteTTL {
		errs = append(errs, fmt.Errorf("quote ttl %s is outside (0, %s]", c.QuoteTTL, trading.MaxQuoteTTL))
	}
	if c.IdempotencyRetention < 0 {
		errs = append(errs, errors.New("idempotency retention must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("trading config: %w", err)
	}
	return nil
}
