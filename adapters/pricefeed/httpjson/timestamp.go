package httpjson

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// maxUnixSeconds is the latest Unix time the feed reads, in the year 2500: far beyond any
// real observation, and far below what would overflow a [time.Time]'s arithmetic.
const maxUnixSeconds = 16_725_225_600

// parseTimestamp reads v as when the upstream observed a price: Unix seconds (a JSON number
// or a numeric string, fractions allowed) or an RFC 3339 string. It returns the instant in
// UTC. Times at or before the Unix epoch are refused: an upstream that sends 0 has no time.
func parseTimestamp(v gjson.Result) (time.Time, error) {
	var (
		secs *big.Rat
		err  error
	)
	switch v.Type {
	case gjson.Number:
		secs, err = parseDecimal(v.Raw, true)
	case gjson.String:
		s := strings.TrimSpace(v.Str)
		if t, perr := time.Parse(time.RFC3339Nano, s); perr == nil {
			if t.Unix() <= 0 || t.Unix() > maxUnixSeconds {
				return time.Time{}, fmt.Errorf("holds %s, which is out of range", quote(s))
			}
			return t.UTC(), nil
		}
		secs, err = parseDecimal(s, false)
		if err != nil {
			return time.Time{}, fmt.Errorf("holds %s, which is neither unix seconds nor an rfc 3339 time", quote(s))
		}
	case gjson.Null:
		if !v.Exists() {
			return time.Time{}, errors.New("is missing")
		}
		return time.Time{}, errors.New("is null")
	default:
		return time.Time{}, fmt.Errorf("is %s, not a time", describe(v))
	}
	if err != nil {
		return time.Time{}, err
	}
	whole, ok := floor(secs)
	if !ok || whole <= 0 || whole > maxUnixSeconds {
		return time.Time{}, fmt.Errorf("holds unix time %s, which is out of range", secs.FloatString(0))
	}
	frac := new(big.Rat).Sub(secs, new(big.Rat).SetInt64(whole))
	nanos, _ := floor(frac.Mul(frac, big.NewRat(int64(time.Second), 1)))
	return time.Unix(whole, nanos).UTC(), nil
}
