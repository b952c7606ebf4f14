package core

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// arabicDecimalSeparator is U+066B, the decimal point of Persian and Arabic keyboards
// ("۰٫۵"). The decimal parsers in core read it as '.'.
const arabicDecimalSeparator = '\u066B'

// decimalText is an unsigned decimal split at its point: both parts hold ASCII digits only.
type decimalText struct {
	intPart  string
	fracPart string
	hasPoint bool
}

var (
	errEmptyNumber    = errors.New("is empty")
	errNotDecimal     = errors.New("is not a plain decimal number")
	errBadGrouping    = errors.New("has a misplaced thousands separator")
	errNumberTooLarge = errors.New("is too large")
)

// splitDecimal checks s and splits it into integer and fraction digits. It accepts an
// optional point ('.' or U+066B) with digits on at least one side, Persian and Arabic-Indic
// digits, and the separators that [NormalizeDigits] removes. Signs, exponents, words and
// a second point are rejected. Thousands separators (',' and U+066C) must sit in the integer
// part between groups of exactly three digits: "0,5" is rejected rather than read as 5,
// because in some locales ',' is the decimal point.
func splitDecimal(s string) (decimalText, error) {
	if err := checkGrouping(s); err != nil {
		return decimalText{}, err
	}
	n := strings.ReplaceAll(NormalizeDigits(s), string(arabicDecimalSeparator), ".")
	if n == "" {
		return decimalText{}, errEmptyNumber
	}
	intPart, fracPart, hasPoint := strings.Cut(n, ".")
	if !allASCIIDigits(intPart) || !allASCIIDigits(fracPart) || intPart == "" && fracPart == "" {
		return decimalText{}, errNotDecimal
	}
	return decimalText{intPart: intPart, fracPart: fracPart, hasPoint: hasPoint}, nil
}

// checkGrouping enforces the thousands-separator rule of [splitDecimal] on the raw input.
// Characters other than digits, points and group separators are left to the later checks;
// the ones NormalizeDigits drops (spaces, ZWNJ, direction marks) are skipped here too.
func checkGrouping(s string) error {
	const noGroup = -1
	digits := 0         // digits seen in the integer part
	sinceSep := noGroup // digits seen since the last group separator
	afterPoint := false
	for _, r := range s {
		switch {
		case isAnyDigit(r):
			if afterPoint {
				continue
			}
			digits++
			if sinceSep != noGroup {
				sinceSep++
			}
		case r == ',' || r == '\u066C':
			if afterPoint || digits == 0 || sinceSep != noGroup && sinceSep != 3 {
				return errBadGrouping
			}
			sinceSep = 0
		case r == '.' || r == arabicDecimalSeparator:
			if sinceSep != noGroup && sinceSep != 3 {
				return errBadGrouping
			}
			afterPoint = true
			sinceSep = noGroup
		}
	}
	if sinceSep != noGroup && sinceSep != 3 {
		return errBadGrouping
	}
	return nil
}

func isAnyDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= '۰' && r <= '۹' || r >= '٠' && r <= '٩'
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// scaledValue returns intPart.fracPart × 10^places as an int64, with fracPart padded by
// zeros to places digits. fracPart must not be longer than places. It reports false when
// the value does not fit an int64.
func scaledValue(intPart, fracPart string, places int) (int64, bool) {
	var v uint64
	push := func(d uint64) bool {
		if v > (math.MaxInt64-d)/10 {
			return false
		}
		v = v*10 + d
		return true
	}
	for i := 0; i < len(intPart); i++ {
		if !push(uint64(intPart[i] - '0')) {
			return 0, false
		}
	}
	for i := range places {
		var d uint64
		if i < len(fracPart) {
			d = uint64(fracPart[i] - '0')
		}
		if !push(d) {
			return 0, false
		}
	}
	return int64(v), true
}

// formatFixed writes n / 10^places with exactly places (at least one) decimals, e.g.
// (-1, 6) → "-0.000001".
func formatFixed(n int64, places int) string {
	u := uint64(n)
	sign := ""
	if n < 0 {
		u = -u // the two's complement magnitude, right for math.MinInt64 too
		sign = "-"
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= places {
		digits = strings.Repeat("0", places+1-len(digits)) + digits
	}
	cut := len(digits) - places
	return sign + digits[:cut] + "." + digits[cut:]
}
