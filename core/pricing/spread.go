package pricing

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/talabin/talabin/core"
)

// basisPointsPerWhole is 100 % in basis points.
const basisPointsPerWhole = 10_000

// MaxSpread is the widest spread [FromMid] accepts, 100 % of the mid price (half below it,
// half above).
const MaxSpread core.BasisPoints = basisPointsPerWhole

// FromMid returns the price a feed's mid price becomes under the platform's spread policy:
// half of spread below mid for what the platform pays (Buy) and half above for what it
// charges (Sell), rounded in the platform's favour by less than one rial each:
//
//	Buy  = ⌊mid × (20,000 − spread) / 20,000⌋
//	Sell = ⌈mid × (20,000 + spread) / 20,000⌉
//
// which is mid × (10,000 ∓ spread/2) / 10,000 with an odd spread's half basis point kept
// exact. The products are computed on 128 bits. Example: mid 3,000,000 and spread 200 bp
// give Buy 2,970,000 and Sell 3,030,000. spread must be 0..[MaxSpread]; the result must pass
// [Price.Validate] (so mid must be large enough that Buy stays above zero, and source and at
// are required). Errors wrap [core.ErrInvalidInput], or [core.ErrOverflow] when Sell does not
// fit.
func FromMid(mid core.RialsPerGram, spread core.BasisPoints, source string, at time.Time) (Price, error) {
	if err := mid.Validate(); err != nil {
		return Price{}, fmt.Errorf("mid price: %w", err)
	}
	if spread < 0 || spread > MaxSpread {
		return Price{}, fmt.Errorf("%w: spread %d bp is outside 0..%d", core.ErrInvalidInput, spread, MaxSpread)
	}
	const denom = 2 * basisPointsPerWhole
	buy, _ := mulDiv(uint64(mid), uint64(denom-spread), denom) // ≤ mid, always fits
	sell, rem := mulDiv(uint64(mid), uint64(denom+spread), denom)
	if rem != 0 {
		sell++
	}
	if sell > math.MaxInt64 {
		return Price{}, fmt.Errorf("sell price for mid %s and spread %d bp: %w", mid, spread, core.ErrOverflow)
	}
	p := Price{Buy: core.RialsPerGram(buy), Sell: core.RialsPerGram(sell), Source: source, At: at}
	if err := p.Validate(); err != nil {
		return Price{}, err
	}
	return p, nil
}

// mulDiv returns ⌊a × b / d⌋ and the remainder on 128 bits. The caller keeps b ≤ 2d, so the
// high word of a × b (a < 2^63) is below d and the quotient fits 64 bits.
func mulDiv(a, b, d uint64) (q, rem uint64) {
	hi, lo := bits.Mul64(a, b)
	return bits.Div64(hi, lo, d)
}
