package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// historyWindows are the timeframes of GET prices/gold/history/ (API.md §3.8), by name;
// any other name means [ports.DefaultHistoryWindow], as in the original.
var historyWindows = map[string]time.Duration{
	"1h":  time.Hour,
	"24h": 24 * time.Hour,
	"1d":  24 * time.Hour,
	"7d":  7 * 24 * time.Hour,
	"30d": 30 * 24 * time.Hour,
	"1y":  365 * 24 * time.Hour,
}

// currentPriceCacheControl lets browsers and proxies keep the current price for ten seconds:
// dashboards poll it.
const currentPriceCacheControl = "public, max-age=10"

// currentPrice is GET prices/gold/current/: the active price, stale or not.
func (t *Trading) currentPrice(w http.ResponseWriter, r *http.Request) error {
	v, err := t.prices.Current(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", currentPriceCacheControl)
	WriteData(w, r, http.StatusOK, goldPriceWire(v))
	return nil
}

// priceHistory is GET prices/gold/history/: the price points of a window, oldest first,
// downsampled, as a plain array (not paginated).
func (t *Trading) priceHistory(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r)
	if err != nil {
		return err
	}
	points, err := t.prices.History(r.Context(), q)
	if err != nil {
		return err
	}
	items := make([]pricePointJSON, len(points))
	for i, p := range points {
		items[i] = pricePointWire(p)
	}
	WriteData(w, r, http.StatusOK, items)
	return nil
}

// historyQuery reads timeframe (alias period), start_date and end_date.
func historyQuery(r *http.Request) (ports.HistoryQuery, error) {
	query := r.URL.Query()
	name := query.Get("timeframe")
	if name == "" {
		name = query.Get("period")
	}
	q := ports.HistoryQuery{Window: historyWindows[strings.ToLower(strings.TrimSpace(name))]}
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"start_date", &q.From}, {"end_date", &q.To}} {
		raw := strings.TrimSpace(query.Get(f.name))
		if raw == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			ve.Add(f.name, msgDateTimeInvalid.in(lang))
			continue
		}
		*f.dst = at
	}
	return q, ve.Err()
}

// listPrices is GET prices/gold/: the accepted prices, newest first, paginated.
func (t *Trading) listPrices(w http.ResponseWriter, r *http.Request) error {
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	views, count, err := t.prices.List(r.Context(), page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]goldPriceJSON, len(views))
	for i, v := range views {
		items[i] = goldPriceWire(v)
	}
	WriteList(w, r, page, count, items)
	return nil
}

// getPrice is GET prices/gold/{id}/.
func (t *Trading) getPrice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := t.prices.Get(r.Context(), id)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, goldPriceWire(v))
	return nil
}

// pathID reads the {id} path parameter: a positive integer after digit normalisation; any
// other value names nothing (404 not_found).
func pathID(r *http.Request) (int64, error) {
	raw := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(core.NormalizeDigits(raw), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: id %q", core.ErrNotFound, raw)
	}
	return id, nil
}
