package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// TestGoldenTrading snapshots the trading answers the web client parses (API.md §5.1 items
// 1, 7 and 8): the current price, a preview, a placed order, a refused order, the wallet and
// its history.
func TestGoldenTrading(t *testing.T) {
	t.Parallel()
	short := func(b tradingBundle) {
		b.trading.PlaceFunc = func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error) {
			return nil, &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000}
		}
	}
	const order = `{"order_type":"buy","amount_irr":1000000}`
	tests := []struct {
		name, method, path, body string
		prepare                  func(b tradingBundle)
	}{
		{name: "prices_current", method: http.MethodGet, path: "/api/prices/gold/current/"},
		{name: "prices_history", method: http.MethodGet, path: "/api/prices/gold/history/?timeframe=24h"},
		{name: "trading_preview", method: http.MethodPost, path: "/api/trading/orders/preview/", body: order},
		{name: "trading_place", method: http.MethodPost, path: "/api/trading/orders/place_order/", body: order},
		{name: "trading_place_insufficient", method: http.MethodPost, path: "/api/trading/orders/place_order/", body: order, prepare: short},
		{name: "wallet_balance", method: http.MethodGet, path: "/api/wallet/balance/"},
		{name: "wallet_transactions", method: http.MethodGet, path: "/api/wallet/transactions/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)
			if tt.prepare != nil {
				tt.prepare(b)
			}

			rec := b.send(t, tt.method, tt.path, tt.body, withBearer(tokenGood), withHeader("X-Request-ID", "golden-"+tt.name))

			requireGolden(t, tt.name, rec)
		})
	}
}
