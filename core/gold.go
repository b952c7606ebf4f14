package core

import "fmt"

// Microgram is an amount of 18-karat (750) gold in micrograms. The API shows it as grams with
// exactly six decimals ([FormatGrams]). Arithmetic goes through the checked methods, which
// fail with [ErrOverflow] instead of wrapping.
type Microgram int64

// MicrogramsPerGram is the number of micrograms in one gram.
const MicrogramsPerGram Microgram = 1_000_000

// gramPlaces is the number of decimals of a gram amount: one microgram is 0.000001 g.
const gramPlaces = 6

// Add returns g+o, or an error wrapping [ErrOverflow] when the sum does not fit.
func (g Microgram) Add(o Microgram) (Microgram, error) {
	s, ok := AddInt64(int64(g), int64(o))
	if !ok {
		return 0, fmt.Errorf("microgram %d + %d: %w", g, o, ErrOverflow)
	}
	return Microgram(s), nil
}

// Sub returns g-o, or an error wrapping [ErrOverflow] when the difference does not fit. A
// negative result is not an error: ledger system accounts may go negative.
func (g Microgram) Sub(o Microgram) (Microgram, error) {
	d, ok := subInt64(int64(g), int64(o))
	if !ok {
		return 0, fmt.Errorf("microgram %d - %d: %w", g, o, ErrOverflow)
	}
	return Microgram(d), nil
}

// Neg returns -g, or an error wrapping [ErrOverflow] for the most negative value.
func (g Microgram) Neg() (Microgram, error) { return Microgram(0).Sub(g) }

// String returns the amount in grams with exactly six decimals, as [FormatGrams] does.
func (g Microgram) String() string { return FormatGrams(g) }

// FormatGrams returns g in grams with exactly six decimals: "0.327868", "0.000000",
// "-0.000001", "12.500000". [ParseGrams] reads every non-negative result back to g.
func FormatGrams(g Microgram) string { return formatFixed(int64(g), gramPlaces) }

// ParseGrams parses a gold amount in grams into micrograms. It accepts digits with an
// optional decimal point and at most six decimals: "1", "1.5", "0.001234", and also ".5" and
// "5." (as the original backend's decimal fields did), but not "." alone. Digits and
// separators are normalised first ([NormalizeDigits]); U+066B, the Persian decimal point, is
// read as '.', so "۰٫۵" is half a gram; thousands separators must group by three, so "0,5"
// is rejected rather than read as 5 g. Signs, exponents, words such as "NaN" or "Inf", a
// second point, more than six decimals (even zeros) and values beyond the int64 range are
// rejected with an error wrapping [ErrInvalidInput]. Zero is accepted; use
// [ParsePositiveGrams] for order input.
func ParseGrams(s string) (Microgram, error) {
	d, err := splitDecimal(s)
	if err != nil {
		return 0, fmt.Errorf("%w: gold amount %w", ErrInvalidInput, err)
	}
	if len(d.fracPart) > gramPlaces {
		return 0, fmt.Errorf("%w: gold amount has more than %d decimal places", ErrInvalidInput, gramPlaces)
	}
	v, ok := scaledValue(d.intPart, d.fracPart, gramPlaces)
	if !ok {
		return 0, fmt.Errorf("%w: gold amount %w", ErrInvalidInput, errNumberTooLarge)
	}
	return Microgram(v), nil
}

// ParsePositiveGrams is [ParseGrams] for inputs that must be more than zero, such as the gold
// amount of an order; zero is rejected with an error wrapping [ErrInvalidInput].
func ParsePositiveGrams(s string) (Microgram, error) {
	g, err := ParseGrams(s)
	if err != nil {
		return 0, err
	}
	if g == 0 {
		return 0, fmt.Errorf("%w: gold amount must be more than zero", ErrInvalidInput)
	}
	return g, nil
}
