package pricing

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/talabin/talabin/core"
)

// DefaultMaxJump is the largest move of either side of the price, relative to the active
// price, that a new price may make without a staff confirmation: 10 %.
const DefaultMaxJump core.BasisPoints = 1_000

// Guard holds the two price guards of ARCHITECTURE.md §5 that halt trading rather than trade
// on a doubtful price: a price too old to trade on, and a price that moved too far at once.
// The zero value has no age limit and the default jump limit.
type Guard struct {
	// MaxAge is how old a price may be and still be traded on (PRICE_MAX_AGE). Zero means no
	// limit, as for manually set prices, which stay valid until staff change them.
	MaxAge time.Duration
	// MaxJumpBasisPoints is the largest move of either side relative to the previous price
	// that [Guard.CheckJump] lets through. Zero (or less) means [DefaultMaxJump].
	MaxJumpBasisPoints core.BasisPoints
}

// Validate reports whether g is usable: no negative age and a jump limit from 0 to 100 %.
// It returns an error wrapping [core.ErrInvalidInput].
func (g Guard) Validate() error {
	if g.MaxAge < 0 {
		return fmt.Errorf("%w: price max age %s is negative", core.ErrInvalidInput, g.MaxAge)
	}
	if g.MaxJumpBasisPoints < 0 || g.MaxJumpBasisPoints > basisPointsPerWhole {
		return fmt.Errorf("%w: price max jump %d bp is outside 0..%d", core.ErrInvalidInput, g.MaxJumpBasisPoints, basisPointsPerWhole)
	}
	return nil
}

// MaxJump returns the jump limit in force: MaxJumpBasisPoints, or [DefaultMaxJump] when it
// is not positive.
func (g Guard) MaxJump() core.BasisPoints {
	if g.MaxJumpBasisPoints <= 0 {
		return DefaultMaxJump
	}
	return g.MaxJumpBasisPoints
}

// Stale reports whether p is too old to trade on at now: MaxAge is set and p was observed
// more than MaxAge before now. A price exactly MaxAge old is still fresh. A price without a
// time is always stale. This is the `is_stale` flag of a GoldPrice (API.md §2).
func (g Guard) Stale(p Price, now time.Time) bool {
	if p.At.IsZero() {
		return true
	}
	return g.MaxAge > 0 && now.Sub(p.At) > g.MaxAge
}

// CheckFresh returns nil when p may be traded on at now, else an error wrapping
// [core.ErrPriceUnavailable] that says how old p is ([Guard.Stale] decides).
func (g Guard) CheckFresh(p Price, now time.Time) error {
	if !g.Stale(p, now) {
		return nil
	}
	if p.At.IsZero() {
		return fmt.Errorf("%w: price from %q has no observation time", core.ErrPriceUnavailable, p.Source)
	}
	return fmt.Errorf("%w: price from %q observed at %s is %s old, more than %s",
		core.ErrPriceUnavailable, p.Source, p.At.Format(time.RFC3339), now.Sub(p.At), g.MaxAge)
}

// CheckJump returns nil when next moves each side by at most [Guard.MaxJump] relative to
// prev: |next − prev| × 10,000 ≤ limit × prev, computed exactly, so a move of exactly the
// limit passes. Otherwise it returns a [*core.PriceJumpError] (matching
// [core.ErrPriceJumpUnconfirmed]) for the first side that jumps, buy before sell, carrying
// both prices. A side of prev that is not positive (no price yet) has nothing to jump from
// and passes.
func (g Guard) CheckJump(prev, next Price) error {
	limit := g.MaxJump()
	if jumps(prev.Buy, next.Buy, limit) {
		return &core.PriceJumpError{Side: "buy_price", Previous: prev.Buy, Proposed: next.Buy, MaxJump: limit}
	}
	if jumps(prev.Sell, next.Sell, limit) {
		return &core.PriceJumpError{Side: "sell_price", Previous: prev.Sell, Proposed: next.Sell, MaxJump: limit}
	}
	return nil
}

// jumps reports whether |next − prev| × 10,000 > limit × prev, on 128 bits.
func jumps(prev, next core.RialsPerGram, limit core.BasisPoints) bool {
	if prev <= 0 {
		return false
	}
	// The difference of two int64 values is below 2^64, so it is exact as a uint64.
	var diff uint64
	if next >= prev {
		diff = uint64(next) - uint64(prev)
	} else {
		diff = uint64(prev) - uint64(next)
	}
	moveHi, moveLo := bits.Mul64(diff, basisPointsPerWhole)
	allowHi, allowLo := bits.Mul64(uint64(limit), uint64(prev))
	return moveHi > allowHi || moveHi == allowHi && moveLo > allowLo
}
