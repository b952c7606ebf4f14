package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// candleIntervals are the `interval` values of GET prices/gold/candles/.
var candleIntervals = map[string]time.Duration{
	"1m":  time.Minute,
	"5m":  5 * time.Minute,
	"15m": 15 * time.Minute,
	"30m": 30 * time.Minute,
	"1h":  time.Hour,
	"4h":  4 * time.Hour,
	"1d":  24 * time.Hour,
}

// defaultCandleInterval gives a window about a hundred candles when the request names no
// interval.
func defaultCandleInterval(window time.Duration) time.Duration {
	switch {
	case window <= time.Hour:
		return time.Minute
	case window <= 24*time.Hour:
		return 15 * time.Minute
	case window <= 7*24*time.Hour:
		return 4 * time.Hour
	default:
		return 24 * time.Hour
	}
}

var msgCandleInterval = localized{
	"بازه نامعتبر است؛ یکی از 1m، 5m، 15m، 30m، 1h، 4h یا 1d.",
	"Interval must be one of 1m, 5m, 15m, 30m, 1h, 4h, 1d.",
}

// candleJSON is one OHLC candle on the mid price, in rials per gram.
type candleJSON struct {
	At    Timestamp         `json:"start"`
	Open  core.RialsPerGram `json:"open"`
	High  core.RialsPerGram `json:"high"`
	Low   core.RialsPerGram `json:"low"`
	Close core.RialsPerGram `json:"close"`
	Count int               `json:"count"`
}

// priceCandles is GET prices/gold/candles/: OHLC candles of the mid price over the window of
// timeframe (or start_date and end_date, as for history), one per interval with prices,
// oldest first, as a plain array.
func (t *Trading) priceCandles(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r)
	if err != nil {
		return err
	}
	window := q.Window
	if window <= 0 {
		window = defaultHistoryWindow(q)
	}
	interval := defaultCandleInterval(window)
	if raw := strings.TrimSpace(r.URL.Query().Get("interval")); raw != "" {
		d, ok := candleIntervals[strings.ToLower(raw)]
		if !ok {
			return core.FieldError("interval", msgCandleInterval.in(LanguageOf(r)))
		}
		interval = d
	}
	candles, err := t.prices.Candles(r.Context(), q, interval)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, candlesWire(candles))
	return nil
}

// defaultHistoryWindow is the window a history query spans when it names no timeframe: its
// explicit bounds, else the default window.
func defaultHistoryWindow(q ports.HistoryQuery) time.Duration {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.After(q.From) {
		return q.To.Sub(q.From)
	}
	return ports.DefaultHistoryWindow
}

func candlesWire(candles []pricing.Candle) []candleJSON {
	items := make([]candleJSON, len(candles))
	for i, c := range candles {
		items[i] = candleJSON{
			At: Timestamp(c.Start), Open: c.Open, High: c.High, Low: c.Low, Close: c.Close, Count: c.Count,
		}
	}
	return items
}
