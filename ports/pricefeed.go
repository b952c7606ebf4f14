package ports

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
)

// PriceFeed is a source of the gold price (ARCHITECTURE.md §5): the price staff set by hand
// (adapters/pricefeed/manual), an HTTP JSON API (adapters/pricefeed/httpjson), or a chain of
// them tried in order (adapters/pricefeed/fallback). A feed only reports what its source
// offers; the staleness and jump guards that halt trading live above the port (in
// core/pricing and the app), and so does any polling or caching.
//
// Fetch is an idempotent read, so a request may be repeated, but only within bounds
// (ARCHITECTURE.md §5): a feed repeats a request only when the connection failed before any
// answer came back (refused, reset, or a kept-alive connection the server had already
// closed, which Go's HTTP transport resends by itself); never after an answer or a timeout,
// and never in a retry loop. A failed fetch is over within the feed's timeout (a chain's
// within its feeds' timeouts added up); the caller, such as a poller, decides when to ask
// again. Implementations are safe for concurrent use.
type PriceFeed interface {
	// Fetch returns the latest price the source offers, with Source set to the feed that
	// produced it and At to when the source observed it. It returns:
	//   - an error matching [core.ErrPriceUnavailable] when the source cannot give a usable
	//     price right now: no price was ever set, the upstream is unreachable, too slow,
	//     answered with an error status or with a body that is not the expected shape, the
	//     feed's circuit breaker is open (no request is made), or the price fails the sanity
	//     checks of [CheckFeedPrice] or the feed's own configured bounds. It never matches
	//     [core.ErrInvalidInput]: a bad upstream value is not the caller's fault;
	//   - the context's error (matching [context.Canceled] or [context.DeadlineExceeded],
	//     and not [core.ErrPriceUnavailable]) when ctx ended before a price was read. A
	//     caller giving up never counts against the feed's breaker.
	Fetch(ctx context.Context) (pricing.Price, error)

	// Name identifies the feed in prices' Source, logs and metrics, e.g. "manual". It is
	// fixed for the feed's life.
	Name() string
}

// MaxFeedPrice is the largest price a feed may report, for either side: 10^12 rials per
// gram, a thousand times any plausible gold price. Anything above it is a unit or parsing
// mistake upstream (milli-units, a doubled toman conversion), not a market move.
const MaxFeedPrice core.RialsPerGram = 1_000_000_000_000

// CheckFeedPrice is the sanity check every feed applies before it returns p: p must pass
// [pricing.Price.Validate] (both sides more than zero, Sell not below Buy, a source and a
// time) and neither side may exceed [MaxFeedPrice]. The error matches
// [core.ErrPriceUnavailable] and, unlike Validate's, not [core.ErrInvalidInput].
func CheckFeedPrice(p pricing.Price) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w: %v", core.ErrPriceUnavailable, err) //nolint:errorlint // drops ErrInvalidInput on purpose
	}
	if p.Sell > MaxFeedPrice { // Sell ≥ Buy, so Buy is within the bound too
		return fmt.Errorf("%w: sell price %s is above the sanity bound of %s rials per gram",
			core.ErrPriceUnavailable, p.Sell, MaxFeedPrice)
	}
	return nil
}
