package iran

import "fmt"

// PostalCode is a validated 10-digit Iranian postal code (کد پستی). The zero value is not a
// valid code; use [ParsePostalCode].
type PostalCode struct {
	digits string
}

// ParsePostalCode parses a postal code of exactly 10 digits, in any digit script and
// optionally written as two groups of five separated by '-' or a space. This is the rule the
// API enforces (API.md §1.9); see [ParseStrictPostalCode] for the stricter one. Errors wrap
// [ErrInvalidPostalCode].
func ParsePostalCode(s string) (PostalCode, error) {
	s = normalize(s)
	if len(s) != 10 || !allDigits(s) {
		return PostalCode{}, fmt.Errorf("%w: expected 10 digits", ErrInvalidPostalCode)
	}
	return PostalCode{digits: s}, nil
}

// ParseStrictPostalCode parses like [ParsePostalCode] and then applies the stricter rule
// commonly used by Iranian form validators, the regular expression
// ^(?!(\d)\1{3})[13-9]{4}[1346-9][013-9]{5}$ implemented without regexp:
//   - the first four digits are not all the same digit;
//   - digits 1–4 are neither 0 nor 2;
//   - digit 5 is none of 0, 2 and 5;
//   - digits 6–10 are not 2.
//
// The rule reflects how Iran Post allocates codes but is not an official specification, so
// callers use it only as an optional extra check. Errors wrap [ErrInvalidPostalCode].
func ParseStrictPostalCode(s string) (PostalCode, error) {
	p, err := ParsePostalCode(s)
	if err != nil {
		return PostalCode{}, err
	}
	d := p.digits
	if allSame(d[:4]) {
		return PostalCode{}, fmt.Errorf("%w: first four digits are equal", ErrInvalidPostalCode)
	}
	for i := range 10 {
		c := d[i]
		bad := c == '2' || (i < 5 && c == '0') || (i == 4 && c == '5')
		if bad {
			return PostalCode{}, fmt.Errorf("%w: digit %d may not be %c", ErrInvalidPostalCode, i+1, c)
		}
	}
	return p, nil
}

// String returns the ten digits of the code, or "" for the zero value.
func (p PostalCode) String() string { return p.digits }

// IsZero reports whether p is the zero value.
func (p PostalCode) IsZero() bool { return p.digits == "" }
