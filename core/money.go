package core

import (
	"fmt"
	"strconv"
)

// Rial is an amount of Iranian rials (IRR), the only money unit in storage, core and the API.
// Toman (10 rials) exists only in presentation. Arithmetic on Rial goes through the checked
// methods, which fail with [ErrOverflow] instead of wrapping.
type Rial int64

// MaxRialInput is the largest amount [ParseRial] accepts: 10^15 rials, which stays exact in a
// JavaScript double (API.md §1.8).
const MaxRialInput Rial = 1_000_000_000_000_000

// Add returns r+o, or an error wrapping [ErrOverflow] when the sum does not fit.
func (r Rial) Add(o Rial) (Rial, error) {
	s, ok := AddInt64(int64(r), int64(o))
	if !ok {
		return 0, fmt.Errorf("rial %d + %d: %w", r, o, ErrOverflow)
	}
	return Rial(s), nil
}

// Sub returns r-o, or an error wrapping [ErrOverflow] when the difference does not fit. A
// negative result is not an error: ledger system accounts may go negative.
func (r Rial) Sub(o Rial) (Rial, error) {
	d, ok := subInt64(int64(r), int64(o))
	if !ok {
		return 0, fmt.Errorf("rial %d - %d: %w", r, o, ErrOverflow)
	}
	return Rial(d), nil
}

// Neg returns -r, or an error wrapping [ErrOverflow] for the most negative value.
func (r Rial) Neg() (Rial, error) { return Rial(0).Sub(r) }

// String returns the decimal number of rials, e.g. "1005000".
func (r Rial) String() string { return strconv.FormatInt(int64(r), 10) }

// ParseRial parses a money input: a whole, non-negative number of rials of at most
// [MaxRialInput]. Digits and separators are normalised as for every numeric input
// ([NormalizeDigits]; U+066B counts as a decimal point; thousands separators must group by
// three). A fraction of exactly ".0" or ".00" is tolerated (JSON numbers such as 1000.0);
// any other fraction, a sign, an exponent or an empty string is rejected with an error
// wrapping [ErrInvalidInput]. Whether zero is allowed is the caller's rule.
func ParseRial(s string) (Rial, error) {
	d, err := splitDecimal(s)
	if err != nil {
		return 0, fmt.Errorf("%w: amount %w", ErrInvalidInput, err)
	}
	if d.intPart == "" || d.hasPoint && d.fracPart != "0" && d.fracPart != "00" {
		return 0, fmt.Errorf("%w: amount must be a whole number of rials", ErrInvalidInput)
	}
	v, ok := scaledValue(d.intPart, "", 0)
	if !ok || Rial(v) > MaxRialInput {
		return 0, fmt.Errorf("%w: amount exceeds the maximum of %d rials", ErrInvalidInput, MaxRialInput)
	}
	return Rial(v), nil
}
