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

func TestPriceCandles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		query        string
		wantWindow   time.Duration
		wantInterval time.Duration
	}{
		{name: "Default", query: "", wantInterval: 15 * time.Minute},
		{name: "HourOfMinutes", query: "?timeframe=1h", wantWindow: time.Hour, wantInterval: time.Minute},
		{name: "WeekOfFourHours", query: "?timeframe=7d", wantWindow: 7 * 24 * time.Hour, wantInterval: 4 * time.Hour},
		{name: "MonthOfDays", query: "?period=30d", wantWindow: 30 * 24 * time.Hour, wantInterval: 24 * time.Hour},
		{name: "ExplicitInterval", query: "?timeframe=24h&interval=1H", wantWindow: 24 * time.Hour, wantInterval: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)

			rec := b.send(t, http.MethodGet, "/api/prices/gold/candles/"+tt.query, "")

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, []any{map[string]any{
				"start": "2025-03-01T14:30:00+03:30", "open": 3_000_000.0, "high": 3_100_000.0,
				"low": 2_990_000.0, "close": 3_050_000.0, "count": 4.0,
			}}, decodeBody(t, rec)["data"])
			call, ok := lastTradingCall[candlesCall](b.trading)
			require.True(t, ok)
			require.Equal(t, tt.wantWindow, call.Query.Window)
			require.Equal(t, tt.wantInterval, call.Interval)
		})
	}
	t.Run("UnknownInterval", func(t *testing.T) {
		t.Parallel()
		b := setupTrading(t)
		e := requireError(t, b.send(t, http.MethodGet, "/api/prices/gold/candles/?interval=2m", ""),
			http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "interval")
	})
	t.Run("TooManyCandles", func(t *testing.T) {
		t.Parallel()
		b := setupTrading(t)
		b.trading.CandlesFunc = func(context.Context, ports.HistoryQuery, time.Duration) ([]pricing.Candle, error) {
			return nil, core.FieldError("interval", "Interval is too short for this window: at most 500 candles.")
		}
		e := requireError(t, b.send(t, http.MethodGet, "/api/prices/gold/candles/?timeframe=1y&interval=1m", ""),
			http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "interval")
	})
	t.Run("Public", func(t *testing.T) {
		t.Parallel()
		b := setupTrading(t)
		rec := b.send(t, http.MethodGet, "/api/prices/gold/candles", "")
		require.Equal(t, http.StatusOK, rec.Code, "no token needed, trailing slash optional")
	})
}
