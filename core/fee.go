package core

import (
	"fmt"
	"math/bits"
)

// BasisPoints is a rate in hundredths of a percent: 0.5 % is 50 and 100 % is 10,000. Fees
// ([FeeFor]) and price-jump thresholds use it.
type BasisPoints int64

// MaxFee is the largest fee rate, 100 %.
const MaxFee BasisPoints = 10_000

// basisPointPlaces is the number of decimals of a percentage written in basis points.
const basisPointPlaces = 2

// Percent returns b as a percentage with two decimals and no sign: 50 → "0.50",
// 10000 → "100.00" (the wire form of fee_percent, API.md §1.8).
func (b BasisPoints) Percent() string { return formatFixed(int64(b), basisPointPlaces) }

// String returns b as a percentage, e.g. "0.50%".
func (b BasisPoints) String() string { return b.Percent() + "%" }

// ParseFeePercent parses a fee rate given as a percentage, such as the configuration value
// TRANSACTION_FEE_PERCENTAGE "0.5", into basis points (50). It accepts at most two decimals
// and a value from 0 to 100 inclusive; the number syntax is that of [ParseGrams] (".5" and
// "5." allowed, Persian digits and U+066B normalised, no sign, no exponent, no '%'). Errors
// wrap [ErrInvalidInput].
func ParseFeePercent(s string) (BasisPoints, error) {
	d, err := splitDecimal(s)
	if err != nil {
		return 0, fmt.Errorf("%w: fee percentage %w", ErrInvalidInput, err)
	}
	if len(d.fracPart) > basisPointPlaces {
		return 0, fmt.Errorf("%w: fee percentage has more than %d decimal places", ErrInvalidInput, basisPointPlaces)
	}
	v, ok := scaledValue(d.intPart, d.fracPart, basisPointPlaces)
	if !ok || BasisPoints(v) > MaxFee {
		return 0, fmt.Errorf("%w: fee percentage must be between 0 and 100", ErrInvalidInput)
	}
	return BasisPoints(v), nil
}

// FeeFor returns the fee on amount at rate fee: ⌈amount × fee / 10,000⌉, rounded up in the
// platform's favour by less than one rial. Example: 1,000,000 rials at 50 bp is 5,000; 1 rial
// at 50 bp is 1. The fee never exceeds amount. A negative amount fails with [ErrNegativeAmount];
// a rate outside 0..[MaxFee] fails with [ErrInvalidInput].
func FeeFor(amount Rial, fee BasisPoints) (Rial, error) {
	if amount < 0 {
		return 0, fmt.Errorf("fee for %d rials: %w", amount, ErrNegativeAmount)
	}
	if fee < 0 || fee > MaxFee {
		return 0, fmt.Errorf("%w: fee rate %d bp is outside 0..%d", ErrInvalidInput, fee, MaxFee)
	}
	// amount < 2^63 and fee ≤ 10^4, so the high word is below 10^4 and Div64 cannot panic;
	// the quotient is at most amount, so it fits.
	hi, lo := bits.Mul64(uint64(amount), uint64(fee))
	q, rem := bits.Div64(hi, lo, uint64(MaxFee))
	if rem != 0 {
		q++
	}
	return Rial(q), nil
}
