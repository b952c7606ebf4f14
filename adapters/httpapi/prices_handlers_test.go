package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

func TestCurrentPrice(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	// Public: a stale bearer is ignored.
	rec := b.send(t, http.MethodGet, "/api/prices/gold/current/", "", withBearer(tokenExpired))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "public, max-age=10", rec.Header().Get("Cache-Control"))
	require.Equal(t, map[string]any{
		"id": 7.0, "buy_price": 2_990_000.0, "sell_price": 3_050_000.0, "spread": 60_000.0, "spread_percent": "2.00",
		"is_active": true, "is_stale": false, "trading_enabled": true, "source": "manual",
		"created_at": "2025-03-01T14:30:00+03:30",
	}, dataOf(t, rec))
}

func TestCurrentPriceStaleAndUnavailable(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	b.trading.CurrentFunc = func(context.Context) (ports.PriceView, error) {
		v := fixtureView()
		v.Stale, v.TradingEnabled = true, false
		return v, nil
	}
	data := dataOf(t, b.send(t, http.MethodGet, "/api/prices/gold/current", ""))
	require.Equal(t, true, data["is_stale"])
	require.Equal(t, false, data["trading_enabled"])

	b.trading.CurrentFunc = func(context.Context) (ports.PriceView, error) { return ports.PriceView{}, core.ErrPriceUnavailable }
	rec := b.send(t, http.MethodGet, "/api/prices/gold/current/", "")
	requireError(t, rec, http.StatusServiceUnavailable, "price_unavailable")
	require.Empty(t, rec.Header().Get("Cache-Control"))
}

func TestPriceHistory(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		query string
		want  ports.HistoryQuery
	}{
		{name: "Default", query: "", want: ports.HistoryQuery{}},
		{name: "OneHour", query: "?timeframe=1h", want: ports.HistoryQuery{Window: time.Hour}},
		{name: "PeriodAlias", query: "?period=7d", want: ports.HistoryQuery{Window: 7 * 24 * time.Hour}},
		{name: "OneDay", query: "?timeframe=1d", want: ports.HistoryQuery{Window: 24 * time.Hour}},
		{name: "Month", query: "?timeframe=30d", want: ports.HistoryQuery{Window: 30 * 24 * time.Hour}},
		{name: "Year", query: "?timeframe=1Y", want: ports.HistoryQuery{Window: 365 * 24 * time.Hour}},
		{name: "UnknownIsDefault", query: "?timeframe=5m", want: ports.HistoryQuery{}},
		{name: "Dates", query: "?start_date=2025-03-01T00:00:00Z&end_date=2025-03-01T03:30:00%2B03:30",
			want: ports.HistoryQuery{From: start, To: start}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)

			rec := b.send(t, http.MethodGet, "/api/prices/gold/history/"+tt.query, "")

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			items, ok := decodeBody(t, rec)["data"].([]any)
			require.True(t, ok)
			require.Len(t, items, 2)
			require.Equal(t, map[string]any{
				"id": 7.0, "timestamp": "2025-03-01T14:30:00+03:30", "price": 3_020_000.0,
				"buy_price": 2_990_000.0, "sell_price": 3_050_000.0, "source": "manual",
			}, items[1])
			call, _ := lastTradingCall[historyCall](b.trading)
			require.Equal(t, tt.want.Window, call.Query.Window)
			require.True(t, tt.want.From.Equal(call.Query.From), "from %s", call.Query.From)
			require.True(t, tt.want.To.Equal(call.Query.To), "to %s", call.Query.To)
		})
	}
	t.Run("BadDate", func(t *testing.T) {
		t.Parallel()
		b := setupTrading(t)
		e := requireError(t, b.send(t, http.MethodGet, "/api/prices/gold/history/?start_date=yesterday", ""),
			http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "start_date")
	})
	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		b := setupTrading(t)
		b.trading.HistoryFunc = func(context.Context, ports.HistoryQuery) ([]pricing.Point, error) { return nil, nil }
		body := decodeBody(t, b.send(t, http.MethodGet, "/api/prices/gold/history/", ""))
		require.Equal(t, []any{}, body["data"])
	})
}

func TestListAndGetPrices(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/prices/gold/?page_size=5", ""))
	require.Len(t, items, 1)
	require.InDelta(t, 1, page["count"], 0)
	call, _ := lastTradingCall[listCall](b.trading)
	require.Equal(t, listCall{Offset: 0, Limit: 5}, call)

	rec := b.send(t, http.MethodGet, "/api/prices/gold/7/", "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.InDelta(t, 7, dataOf(t, rec)["id"], 0)
	requireError(t, b.send(t, http.MethodGet, "/api/prices/gold/8/", ""), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/prices/gold/abc/", ""), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodPost, "/api/prices/gold/current/", "{}"), http.StatusMethodNotAllowed, "method_not_allowed")
}
