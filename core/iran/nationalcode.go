package iran

import (
	"fmt"
	"strings"
)

// NationalCode is a validated Iranian national code (کد ملی), always 10 digits. The zero
// value is not a valid code; use [ParseNationalCode].
type NationalCode struct {
	digits string
}

// ParseNationalCode parses a national code of 8 to 10 digits, in any digit script and with
// optional '-' separators (the card prints XXX-XXXXXX-X). Codes of 8 or 9 digits are
// left-padded with zeros, as older cards and forms drop leading zeros. The code is rejected
// when all ten digits are equal, when digits 4–9 are all zero, or when the check digit is
// wrong: with s the sum of the first nine digits weighted 10 down to 2 and r = s mod 11, the
// tenth digit must be r when r < 2 and 11 − r otherwise. Errors wrap
// [ErrInvalidNationalCode].
func ParseNationalCode(s string) (NationalCode, error) {
	s = normalize(s)
	if len(s) < 8 || len(s) > 10 || !allDigits(s) {
		return NationalCode{}, fmt.Errorf("%w: expected 10 digits", ErrInvalidNationalCode)
	}
	if len(s) < 10 {
		s = strings.Repeat("0", 10-len(s)) + s
	}
	if allSame(s) {
		return NationalCode{}, fmt.Errorf("%w: all digits are equal", ErrInvalidNationalCode)
	}
	if allZero(s[3:9]) {
		return NationalCode{}, fmt.Errorf("%w: digits 4 to 9 are all zero", ErrInvalidNationalCode)
	}
	sum := 0
	for i := range 9 {
		sum += int(s[i]-'0') * (10 - i)
	}
	check := sum % 11
	if check >= 2 {
		check = 11 - check
	}
	if int(s[9]-'0') != check {
		return NationalCode{}, fmt.Errorf("%w: wrong check digit", ErrInvalidNationalCode)
	}
	return NationalCode{digits: s}, nil
}

// String returns the ten digits of the code, or "" for the zero value.
func (c NationalCode) String() string { return c.digits }

// IsZero reports whether c is the zero value.
func (c NationalCode) IsZero() bool { return c.digits == "" }
