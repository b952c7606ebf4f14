package httpjson

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/talabin/talabin/core"
)

// Bounds of the numbers the feed reads, so that a hostile or broken answer cannot make it
// compute with huge values. No price needs more.
const (
	maxFractionDigits = 18
	maxExponent       = 18
)

// arabicDecimalSeparator is U+066B, the decimal point of Persian text ("۳۲٫۵").
const arabicDecimalSeparator = '\u066B'

// parseAmount reads v, one value of an answer, as an exact non-negative decimal. A JSON
// number is read from its literal text, never through a float, and may carry an exponent
// ("3.25e7"). A string is read as people write numbers: Persian or Arabic-Indic digits,
// thousands separators (',' or U+066C) grouping by three as [core.ParseRial] requires, a
// decimal point ('.' or U+066B) and no exponent. Signs, words, other types and a missing
// value are errors.
func parseAmount(v gjson.Result) (*big.Rat, error) {
	switch v.Type {
	case gjson.Number:
		return parseDecimal(v.Raw, true)
	case gjson.String:
		return parseDecimal(strings.TrimSpace(v.Str), false)
	case gjson.Null:
		if !v.Exists() {
			return nil, errors.New("is missing")
		}
		return nil, errors.New("is null")
	default:
		return nil, fmt.Errorf("is %s, not a number", describe(v))
	}
}

// parseDecimal reads s as a non-negative decimal with an optional exponent when
// allowExponent is set. Errors never wrap [core.ErrInvalidInput]: a bad upstream value is
// not the caller's input.
func parseDecimal(s string, allowExponent bool) (*big.Rat, error) {
	bad := fmt.Errorf("holds %s, which is not a non-negative decimal number", quote(s))
	mantissa, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 && allowExponent {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e < -maxExponent || e > maxExponent {
			return nil, bad
		}
		mantissa, exp = s[:i], e
	}
	mantissa = strings.ReplaceAll(mantissa, string(arabicDecimalSeparator), ".")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	whole, err := core.ParseRial(intPart) // digits, separators and grouping; no sign
	if err != nil {
		return nil, bad
	}
	if strings.IndexFunc(frac, isNotDigit) >= 0 || utf8.RuneCountInString(frac) > maxFractionDigits {
		return nil, bad
	}
	r := new(big.Rat).SetInt64(int64(whole))
	if frac = core.NormalizeDigits(frac); frac != "" {
		f, ok := new(big.Int).SetString(frac, 10)
		if !ok {
			return nil, bad
		}
		r.Add(r, new(big.Rat).SetFrac(f, pow10(len(frac))))
	}
	switch {
	case exp > 0:
		r.Mul(r, new(big.Rat).SetInt(pow10(exp)))
	case exp < 0:
		r.Quo(r, new(big.Rat).SetInt(pow10(-exp)))
	}
	return r, nil
}

// isNotDigit reports whether r is no ASCII, Persian or Arabic-Indic digit.
func isNotDigit(r rune) bool {
	return (r < '0' || r > '9') && (r < '۰' || r > '۹') && (r < '٠' || r > '٩')
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// floor returns ⌊r⌋ for r ≥ 0, and whether it fits an int64.
func floor(r *big.Rat) (int64, bool) {
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncation is the floor of a non-negative
	return q.Int64(), q.IsInt64()
}

// ceil returns ⌈r⌉ for r ≥ 0, and whether it fits an int64.
func ceil(r *big.Rat) (int64, bool) {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64(), q.IsInt64()
}

// quote returns s quoted for an error, cut to its first 40 bytes (on a rune boundary).
func quote(s string) string {
	const limit = 40
	if len(s) <= limit {
		return strconv.Quote(s)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// describe names v's JSON type for an error.
func describe(v gjson.Result) string {
	switch v.Type {
	case gjson.False, gjson.True:
		return "a boolean"
	case gjson.JSON:
		if v.IsArray() {
			return "an array"
		}
		return "an object"
	case gjson.Null:
		return "null"
	case gjson.Number:
		return "a number"
	case gjson.String:
		return "a string"
	default:
		return "a value of unknown type"
	}
}
