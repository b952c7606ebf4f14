// Package httpjson is the [ports.PriceFeed] of any HTTP API that answers a GET with the gold
// price in JSON: the URL, an optional auth header, where the numbers sit in the answer, what
// unit they count and where the observation time sits are configuration ([Config]), so a new
// price source needs no code.
//
// Each [Feed] owns its HTTP client (explicit timeout, no redirects, no cookies) and its
// circuit breaker. Every way of not getting a usable price reads as
// [core.ErrPriceUnavailable]: a connection failure, a timeout, a non-2xx answer, a body that
// is not JSON or lacks a configured field, a value that is not a number, a price that fails
// [ports.CheckFeedPrice] or the configured bounds, and an open breaker (no request is made).
// All of them count against the breaker, 4xx answers included: for a price feed a 4xx means
// our configuration (URL, key) is wrong or the upstream has shut us out, and either way the
// feed is as good as down, so it should fail fast and let a fallback chain move on. Only the
// caller's own cancellation does not count; it reads as the context's error.
//
// A fetch is one idempotent GET. The feed never repeats it on its own: the one resend that is
// safe, of a GET whose kept-alive connection the server had already closed, Go's HTTP
// transport makes by itself (ARCHITECTURE.md §5: retries only for idempotent reads), within
// the same timeout. Everything else fails the fetch at once, and the caller (a poller, a
// fallback chain) decides when to ask again.
//
// Numbers are read exactly, never through a float, as JSON numbers or numeric strings
// (Persian digits and thousands separators allowed), converted from toman when configured,
// then rounded in the platform's favour: the buy price down, the sell price up.
//
// The test-support package httpjsonfake is an offline upstream for this adapter's tests and
// for integration suites.
package httpjson

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/sony/gobreaker/v2"
	"github.com/tidwall/gjson"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// UserAgent is the User-Agent the feed's HTTP client sends.
const UserAgent = "talabin-pricefeed"

// Feed fetches the price from one HTTP JSON API. Build it with [New]; it is safe for
// concurrent use.
type Feed struct {
	cfg     Config
	http    *resty.Client
	breaker *gobreaker.CircuitBreaker[pricing.Price]
}

var _ ports.PriceFeed = (*Feed)(nil)

// New validates cfg, fills its defaults and returns a feed with its own HTTP client and
// circuit breaker.
func New(cfg Config) (*Feed, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	headers := map[string]string{"Accept": "application/json"}
	if cfg.HeaderName != "" {
		headers[cfg.HeaderName] = cfg.HeaderValue
	}
	return &Feed{
		cfg: cfg,
		http: outbound.NewHTTPClient(outbound.Options{
			Timeout:   cfg.Timeout,
			Headers:   headers,
			UserAgent: UserAgent,
		}),
		breaker: outbound.NewBreaker[pricing.Price](cfg.Name, cfg.Breaker, cfg.Logger, nil),
	}, nil
}

// Name returns [Config.Name].
func (f *Feed) Name() string { return f.cfg.Name }

// Fetch GETs the configured URL and reads the price from the answer. See
// [ports.PriceFeed.Fetch] and the package doc; idempotent.
func (f *Feed) Fetch(ctx context.Context) (pricing.Price, error) {
	if err := ctx.Err(); err != nil {
		return pricing.Price{}, fmt.Errorf("%s: %w", f.cfg.Name, err)
	}
	p, err := f.breaker.Execute(func() (pricing.Price, error) { return f.fetch(ctx) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return pricing.Price{}, fmt.Errorf("%s: %w: %w", f.cfg.Name, core.ErrPriceUnavailable, err)
	}
	return p, err
}

// fetch makes one request and reads the price from its answer.
func (f *Feed) fetch(ctx context.Context) (pricing.Price, error) {
	reqCtx, _, cancel := outbound.StartRequest(ctx, f.cfg.Timeout)
	defer cancel()
	resp, err := f.http.R().SetContext(reqCtx).Get(f.cfg.URL)
	if err != nil {
		err = outbound.WithoutURL(err) // the URL may hold a key
		switch {
		case ctx.Err() != nil:
			return pricing.Price{}, outbound.CallerGone(fmt.Errorf("%s: %w", f.cfg.Name, ctx.Err()))
		case reqCtx.Err() != nil:
			return pricing.Price{}, fmt.Errorf("%s: %w: %w", f.cfg.Name, core.ErrPriceUnavailable, context.Cause(reqCtx))
		default:
			return pricing.Price{}, fmt.Errorf("%s: %w: %w", f.cfg.Name, core.ErrPriceUnavailable, err)
		}
	}
	if resp.StatusCode()/100 != 2 {
		return pricing.Price{}, fmt.Errorf("%s: %w: HTTP status %d", f.cfg.Name, core.ErrPriceUnavailable, resp.StatusCode())
	}
	return f.interpret(resp.Body())
}

// interpret reads the price from a 2xx answer's body.
func (f *Feed) interpret(body []byte) (pricing.Price, error) {
	now := f.cfg.Clock.Now()
	p, err := f.read(body, now)
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, core.ErrPriceUnavailable):
		return pricing.Price{}, fmt.Errorf("%s: %w", f.cfg.Name, err)
	default:
		return pricing.Price{}, fmt.Errorf("%s: %w: %w", f.cfg.Name, core.ErrPriceUnavailable, err)
	}
}

// read extracts, converts, rounds and checks the price; its errors say what is wrong, and
// match core.ErrPriceUnavailable only when they come from ports.CheckFeedPrice.
func (f *Feed) read(body []byte, now time.Time) (pricing.Price, error) {
	if !gjson.ValidBytes(body) {
		return pricing.Price{}, errors.New("answer is not json")
	}
	buy, sell, err := f.sides(body)
	if err != nil {
		return pricing.Price{}, err
	}
	at := now
	if f.cfg.TimestampPath != "" {
		if at, err = parseTimestamp(gjson.GetBytes(body, f.cfg.TimestampPath)); err != nil {
			return pricing.Price{}, fmt.Errorf("timestamp at %q %w", f.cfg.TimestampPath, err)
		}
		if at.After(now.Add(FutureTolerance)) {
			return pricing.Price{}, fmt.Errorf("timestamp %s is more than %s ahead of the clock",
				at.Format(time.RFC3339), FutureTolerance)
		}
	}
	p := pricing.Price{Buy: buy, Sell: sell, Source: f.cfg.Name, At: at}
	if err := ports.CheckFeedPrice(p); err != nil {
		return pricing.Price{}, err
	}
	if buy < f.cfg.MinPrice || sell > f.cfg.MaxPrice {
		return pricing.Price{}, fmt.Errorf("price %s–%s is outside the configured bounds %s–%s",
			buy, sell, f.cfg.MinPrice, f.cfg.MaxPrice)
	}
	return p, nil
}

// sides reads the buy and sell prices in rials, rounded in the platform's favour.
func (f *Feed) sides(body []byte) (buy, sell core.RialsPerGram, err error) {
	if f.cfg.MidPath != "" {
		mid, err := f.amount(body, f.cfg.MidPath)
		if err != nil {
			return 0, 0, err
		}
		const denom = 2 * int64(pricing.MaxSpread) // pricing.FromMid's 20,000
		spread := int64(f.cfg.SpreadBasisPoints)
		below := new(big.Rat).Mul(mid, big.NewRat(denom-spread, denom))
		above := new(big.Rat).Mul(mid, big.NewRat(denom+spread, denom))
		return rounded(below, above)
	}
	b, err := f.amount(body, f.cfg.BuyPath)
	if err != nil {
		return 0, 0, err
	}
	s, err := f.amount(body, f.cfg.SellPath)
	if err != nil {
		return 0, 0, err
	}
	return rounded(b, s)
}

// amount reads the value at path in rials.
func (f *Feed) amount(body []byte, path string) (*big.Rat, error) {
	v, err := parseAmount(gjson.GetBytes(body, path))
	if err != nil {
		return nil, fmt.Errorf("value at %q %w", path, err)
	}
	return v.Mul(v, big.NewRat(f.cfg.Unit.factor(), 1)), nil
}

// rounded returns ⌊buy⌋ and ⌈sell⌉, or an error when either does not fit an int64.
func rounded(buy, sell *big.Rat) (core.RialsPerGram, core.RialsPerGram, error) {
	b, okBuy := floor(buy)
	s, okSell := ceil(sell)
	if !okBuy || !okSell {
		return 0, 0, fmt.Errorf("price %s–%s is absurdly large", buy.FloatString(0), sell.FloatString(0))
	}
	return core.RialsPerGram(b), core.RialsPerGram(s), nil
}
