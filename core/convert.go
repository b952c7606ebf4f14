package core

import (
	"fmt"
	"math"
	"math/bits"
)

// The conversions between rials and gold. Each one computes with a 128-bit intermediate
// product, so no input in range overflows on the way, and rounds once, by less than one unit,
// in the platform's favour.

// GoldForRials returns the gold that amount buys at price: ⌊amount × 10^6 / price⌋
// micrograms, rounded down (the buyer never gets more gold than paid for; the loss is under
// one microgram). Example: 1,000,000 rials at 3,050,000 rials/g is 327,868 µg ("0.327868").
// A negative amount fails with [ErrNegativeAmount], a price ≤ 0 with [ErrInvalidInput], a
// result beyond int64 with [ErrOverflow].
func GoldForRials(amount Rial, price RialsPerGram) (Microgram, error) {
	if err := checkConversion(int64(amount), price); err != nil {
		return 0, fmt.Errorf("gold for %d rials: %w", amount, err)
	}
	q, _, ok := mulDiv(uint64(amount), uint64(MicrogramsPerGram), uint64(price))
	if !ok {
		return 0, fmt.Errorf("gold for %d rials at %d: %w", amount, price, ErrOverflow)
	}
	return Microgram(q), nil
}

// GoldNeededForRials returns the gold a seller must give to be paid amount at price:
// ⌈amount × 10^6 / price⌉ micrograms, rounded up (selling by rial amount, API.md §3.9: the
// platform receives at least the gold worth amount; the excess is under one microgram), so
// [RialsForGold] of the result is at least amount. Errors are those of [GoldForRials].
func GoldNeededForRials(amount Rial, price RialsPerGram) (Microgram, error) {
	if err := checkConversion(int64(amount), price); err != nil {
		return 0, fmt.Errorf("gold needed for %d rials: %w", amount, err)
	}
	q, rem, ok := mulDiv(uint64(amount), uint64(MicrogramsPerGram), uint64(price))
	if ok && rem != 0 {
		ok = q < math.MaxInt64
		q++
	}
	if !ok {
		return 0, fmt.Errorf("gold needed for %d rials at %d: %w", amount, price, ErrOverflow)
	}
	return Microgram(q), nil
}

// RialsForGold returns the rials that g is worth at price: ⌊g × price / 10^6⌋, rounded down
// (a seller is paid less than one rial short of the exact value, never more). It is also the
// valuation of a gold balance. A negative g fails with [ErrNegativeAmount], a price ≤ 0 with
// [ErrInvalidInput], a result beyond int64 with [ErrOverflow].
func RialsForGold(g Microgram, price RialsPerGram) (Rial, error) {
	if err := checkConversion(int64(g), price); err != nil {
		return 0, fmt.Errorf("rials for %d µg: %w", g, err)
	}
	q, _, ok := mulDiv(uint64(g), uint64(price), uint64(MicrogramsPerGram))
	if !ok {
		return 0, fmt.Errorf("rials for %d µg at %d: %w", g, price, ErrOverflow)
	}
	return Rial(q), nil
}

func checkConversion(amount int64, price RialsPerGram) error {
	if amount < 0 {
		return ErrNegativeAmount
	}
	return price.Validate()
}

// mulDiv returns the quotient and remainder of a×b/d computed on 128 bits, and false when
// the quotient does not fit an int64. d must not be zero.
func mulDiv(a, b, d uint64) (q, rem uint64, ok bool) {
	hi, lo := bits.Mul64(a, b)
	if hi >= d { // the quotient needs more than 64 bits (and Div64 would panic)
		return 0, 0, false
	}
	q, rem = bits.Div64(hi, lo, d)
	if q > math.MaxInt64 {
		return 0, 0, false
	}
	return q, rem, true
}
