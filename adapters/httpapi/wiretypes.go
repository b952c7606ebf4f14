package httpapi

import (
	"strconv"
	"time"

	"github.com/talabin/talabin/core"
)

// Wire types of API.md §1.8. Money ([core.Rial], [core.RialsPerGram]) and ids ([core.UserID]
// and the other id types) need none: they encode as JSON integers as they are. The types
// below cover the fields whose JSON type differs from their Go type; convert a value to
// them in a response struct, e.g. GoldBalance httpapi.Gold `json:"gold_balance"`.

// Gold is a gold amount on the wire: a JSON string in grams with exactly six decimals
// ("0.327868", "0.000000"), as [core.FormatGrams] writes it.
type Gold core.Microgram

// MarshalJSON writes g as a quoted six-decimal gram amount.
func (g Gold) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, core.FormatGrams(core.Microgram(g))), nil
}

// AmountString is a rial amount written as a JSON string of the integer ("1005000", "0"):
// the wire type of amount_irr in wallet-transaction and unified-transaction items, which the
// web client searches with string methods.
type AmountString core.Rial

// MarshalJSON writes a as a quoted integer.
func (a AmountString) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, core.Rial(a).String()), nil
}

// Percent is a rate on the wire: a JSON string with two decimals ("0.50" for 50 basis
// points), as [core.BasisPoints.Percent] writes it.
type Percent core.BasisPoints

// MarshalJSON writes p as a quoted two-decimal percentage.
func (p Percent) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, core.BasisPoints(p).Percent()), nil
}

// tehranOffset is Iran Standard Time, +03:30; Iran has not observed daylight saving time
// since 2022.
const tehranOffset = 3*60*60 + 30*60

// tehran is the zone timestamps are written in: Asia/Tehran from the zone database (right
// for historical daylight-saving offsets too), or a fixed +03:30 when the database is
// missing. Binaries that must not depend on the host's zone files import time/tzdata.
var tehran = loadTehran(time.LoadLocation)

// loadTehran returns Asia/Tehran as load finds it, or the fixed +03:30 zone.
func loadTehran(load func(name string) (*time.Location, error)) *time.Location {
	if loc, err := load("Asia/Tehran"); err == nil {
		return loc
	}
	return time.FixedZone("+0330", tehranOffset)
}

// FormatTime writes t as RFC 3339 in Asia/Tehran, e.g. "2025-03-01T14:30:00+03:30".
func FormatTime(t time.Time) string {
	return t.In(tehran).Format(time.RFC3339)
}

// Timestamp is a point in time on the wire: a JSON string in RFC 3339 with the Asia/Tehran
// offset ([FormatTime]). The zero time is written as null, so optional timestamps
// (executed_at, verified_at) need no pointer.
type Timestamp time.Time

// MarshalJSON writes t as a quoted RFC 3339 timestamp, or null for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, FormatTime(time.Time(t))), nil
}
