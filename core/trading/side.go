package trading

import (
	"strings"

	"github.com/talabin/talabin/core"
)

// Side is the user's side of a trade: [Buy] gold from the house or [Sell] gold to it. The
// zero value is not a side; use the declared values or [ParseSide].
type Side struct{ name string }

var (
	// Buy is a user buying gold at the platform's sell price.
	Buy = Side{"buy"}
	// Sell is a user selling gold at the platform's buy price.
	Sell = Side{"sell"}
)

// ParseSide returns the side named s, ignoring ASCII case ("buy", "BUY", "Sell"), as the
// `order_type` of API.md §3.9. Anything else, including look-alikes that only Unicode case
// folding would accept ("ſell" with a long s), is a [core.ValidationError] on order_type.
func ParseSide(s string) (Side, error) {
	if s == "" {
		return Side{}, core.FieldError(fieldOrderType, msgRequired)
	}
	lower := strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
	switch lower {
	case Buy.name:
		return Buy, nil
	case Sell.name:
		return Sell, nil
	}
	return Side{}, core.FieldError(fieldOrderType, msgSideInvalid)
}

// String returns "buy", "sell", or "" for the zero value.
func (s Side) String() string { return s.name }

// IsZero reports whether the side is unset.
func (s Side) IsZero() bool { return s.name == "" }
