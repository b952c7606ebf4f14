// Package pricing holds the gold price rules of ARCHITECTURE.md §2 and API.md §3.8: a price is
// a pair of rials-per-gram figures, what the platform pays a seller (Buy) and what a buyer
// pays (Sell), observed at one instant from one source.
package pricing

import (
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
)

// Price is one observation of the gold price. Users buy at Sell and sell at Buy; Sell is
// never below Buy.
type Price struct {
	// Buy is what the platform pays a user who sells gold, rials per gram.
	Buy core.RialsPerGram
	// Sell is what a user pays the platform for gold, rials per gram.
	Sell core.RialsPerGram
	// Source names where the price came from: "manual", a feed's name, or a staff action.
	Source string
	// At is when the source observed the price.
	At time.Time
}

// Validate reports whether p is usable: both sides valid prices, Sell ≥ Buy, a source and a
// time. It returns an error wrapping [core.ErrInvalidInput].
func (p Price) Validate() error {
	if err := p.Buy.Validate(); err != nil {
		return fmt.Errorf("buy price: %w", err)
	}
	if err := p.Sell.Validate(); err != nil {
		return fmt.Errorf("sell price: %w", err)
	}
	switch {
	case p.Sell < p.Buy:
		return fmt.Errorf("%w: sell price %s below buy price %s", core.ErrInvalidInput, p.Sell, p.Buy)
	case p.Source == "":
		return fmt.Errorf("%w: price source is required", core.ErrInvalidInput)
	case p.At.IsZero():
		return fmt.Errorf("%w: price time is required", core.ErrInvalidInput)
	}
	return nil
}

// Mid returns ⌊(Buy + Sell) / 2⌋, the `price` of a price point (API.md §2), without overflow.
func (p Price) Mid() core.RialsPerGram {
	return p.Buy + (p.Sell-p.Buy)/2
}

// Spread returns Sell − Buy in rials per gram (the `spread` of API.md §2).
func (p Price) Spread() core.RialsPerGram { return p.Sell - p.Buy }
