// Package manual is the [ports.PriceFeed] of prices staff set by hand, the original
// backend's behaviour and the embedded default: the feed holds the last price set and
// offers it until the next one. It keeps the price in memory only; the price history and
// the active price live in the store, and the app sets the feed from them at start-up (the
// seed) and whenever staff set a new price.
package manual

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// Name is the feed's [ports.PriceFeed.Name], and the Source of a price set without one.
const Name = "manual"

// Feed holds the price staff set last. Build it with [New]; it is safe for concurrent use.
type Feed struct {
	price atomic.Pointer[pricing.Price] // nil until a price is set
}

var _ ports.PriceFeed = (*Feed)(nil)

// New returns a feed holding seed, or no price when seed is the zero [pricing.Price]. A
// non-zero seed must pass [Feed.Set]'s checks.
func New(seed pricing.Price) (*Feed, error) {
	f := &Feed{}
	if seed == (pricing.Price{}) {
		return f, nil
	}
	if err := f.Set(seed); err != nil {
		return nil, fmt.Errorf("manual price feed: seed: %w", err)
	}
	return f, nil
}

// Set makes p the price the feed offers, replacing the previous one. An empty p.Source
// becomes [Name]. p must pass [pricing.Price.Validate] and neither side may exceed
// [ports.MaxFeedPrice]; otherwise Set returns an error wrapping [core.ErrInvalidInput] and
// the feed keeps its previous price. Whether the move is too large to take without a
// confirmation is the caller's rule, checked before Set.
func (f *Feed) Set(p pricing.Price) error {
	if p.Source == "" {
		p.Source = Name
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Sell > ports.MaxFeedPrice {
		return fmt.Errorf("%w: sell price %s is above the maximum of %s rials per gram",
			core.ErrInvalidInput, p.Sell, ports.MaxFeedPrice)
	}
	f.price.Store(&p)
	return nil
}

// Fetch returns the price set last, as it was set. It returns an error matching
// [core.ErrPriceUnavailable] when no price has been set, and ctx's error when ctx has ended.
// See [ports.PriceFeed.Fetch]; it makes no request and has no breaker.
func (f *Feed) Fetch(ctx context.Context) (pricing.Price, error) {
	if err := ctx.Err(); err != nil {
		return pricing.Price{}, fmt.Errorf("%s: %w", Name, err)
	}
	p := f.price.Load()
	if p == nil {
		return pricing.Price{}, fmt.Errorf("%s: %w: no price has been set", Name, core.ErrPriceUnavailable)
	}
	return *p, nil
}

// Name returns [Name].
func (f *Feed) Name() string { return Name }
