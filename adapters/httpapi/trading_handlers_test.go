package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// wantOrder is the fixture order on the wire.
func wantOrder() map[string]any {
	return map[string]any{
		"id": 11.0, "order_type": "buy", "order_type_display": "خرید", "status": "completed",
		"status_display": "تکمیل شده", "gold_amount": "0.327868", "gold_price_per_gram": 3_050_000.0,
		"amount_irr": 1_000_000.0, "fee": 5_000.0, "total_amount": 1_005_000.0, "order_number": fixtureNumber,
		"quote_id": string(fixtureQuote), "failure_reason": nil, "created_at": "2025-03-01T14:30:00+03:30",
		"executed_at": "2025-03-01T14:30:00+03:30", "cancelled_at": nil,
	}
}

func TestPreviewOrder(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	rec := b.send(t, http.MethodPost, "/api/trading/orders/preview/", `{"order_type":"BUY","amount_irr":"۱,۰۰۰,۰۰۰"}`, withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, map[string]any{
		"order_type": "buy", "amount_irr": 1_000_000.0, "gold_price_per_gram": 3_050_000.0, "gold_amount": "0.327868",
		"fee": 5_000.0, "total_amount": 1_005_000.0, "quote_id": string(fixtureQuote),
		"expires_at": "2025-03-01T14:30:30+03:30", "expires_in": 30.0,
	}, dataOf(t, rec))
	call, _ := lastTradingCall[previewCall](b.trading)
	require.Equal(t, trading.Request{Side: trading.Buy, Amount: 1_000_000}, call.Request)
	require.Equal(t, fakeUserID, call.Principal.UserID)
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
}

func TestPreviewOrderSellByGold(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	rec := b.send(t, http.MethodPost, "/api/trading/orders/preview/", `{"order_type":"sell","gold_amount":"0.5"}`, withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	call, _ := lastTradingCall[previewCall](b.trading)
	require.Equal(t, trading.Request{Side: trading.Sell, Gold: 500_000}, call.Request)
}

func TestPreviewOrderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		err    error
		status int
		code   string
		field  string
	}{
		{name: "NoOrderType", body: `{"amount_irr":1000000}`, status: 400, code: "validation_error", field: "order_type"},
		{name: "BadOrderType", body: `{"order_type":"hold","amount_irr":1000000}`, status: 400, code: "validation_error", field: "order_type"},
		{name: "NoAmount", body: `{"order_type":"buy"}`, status: 400, code: "validation_error", field: "amount_irr"},
		{name: "BothAmounts", body: `{"order_type":"sell","amount_irr":1000000,"gold_amount":"1"}`, status: 400, code: "validation_error", field: core.NonFieldErrors},
		{name: "FractionalRial", body: `{"order_type":"buy","amount_irr":1000.5}`, status: 400, code: "validation_error", field: "amount_irr"},
		{name: "TooManyGoldDecimals", body: `{"order_type":"sell","gold_amount":"0.1234567"}`, status: 400, code: "validation_error", field: "gold_amount"},
		{name: "InvalidJSON", body: `{"order_type":`, status: 400, code: "invalid_json"},
		{name: "LimitFromService", body: `{"order_type":"buy","amount_irr":1000}`, err: core.FieldError("amount_irr", "Ensure this value is greater than or equal to 100000."), status: 400, code: "validation_error", field: "amount_irr"},
		{name: "PriceUnavailable", body: `{"order_type":"buy","amount_irr":1000000}`, err: core.ErrPriceUnavailable, status: 503, code: "price_unavailable"},
		{name: "TradingHalted", body: `{"order_type":"buy","amount_irr":1000000}`, err: core.ErrTradingHalted, status: 503, code: "trading_halted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)
			if tt.err != nil {
				b.trading.PreviewFunc = func(context.Context, ports.Principal, trading.Request) (*trading.Quote, error) { return nil, tt.err }
			}

			rec := b.send(t, http.MethodPost, "/api/trading/orders/preview/", tt.body, withBearer(tokenGood))

			e := requireError(t, rec, tt.status, tt.code)
			if tt.field != "" {
				require.Contains(t, e["details"], tt.field)
			}
		})
	}
}

func TestTradingNeedsSignIn(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	for _, r := range []struct{ method, path string }{
		{http.MethodPost, "/api/trading/orders/preview/"}, {http.MethodPost, "/api/trading/orders/place_order/"},
		{http.MethodGet, "/api/trading/orders/"}, {http.MethodGet, "/api/trading/orders/11/"},
		{http.MethodPost, "/api/trading/orders/11/cancel/"}, {http.MethodGet, "/api/wallet/balance/"},
		{http.MethodGet, "/api/wallet/transactions/"}, {http.MethodGet, "/api/transactions/"},
		{http.MethodGet, "/api/transactions/summary/"}, {http.MethodGet, "/api/transactions/31/"},
		{http.MethodPost, "/api/admin/prices/"}, {http.MethodGet, "/api/admin/trading/status/"},
	} {
		requireError(t, b.send(t, r.method, r.path, "{}"), http.StatusUnauthorized, "not_authenticated")
		requireError(t, b.send(t, r.method, r.path, "{}", withBearer(tokenExpired)), http.StatusUnauthorized, "token_expired")
	}
}

func TestPreviewRateLimit(t *testing.T) {
	t.Parallel()
	b := setupTrading(t, func(c *httpapi.TradingConfig) {
		c.Limits.Preview = ports.PerPeriod("trading.preview", 2, time.Minute)
	})
	const body = `{"order_type":"buy","amount_irr":1000000}`
	for range 2 {
		require.Equal(t, http.StatusOK, b.send(t, http.MethodPost, "/api/trading/orders/preview/", body, withBearer(tokenGood)).Code)
	}

	rec := b.send(t, http.MethodPost, "/api/trading/orders/preview/", body, withBearer(tokenGood))

	requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
	require.NotEmpty(t, rec.Header().Get("Retry-After"))
	require.Equal(t, 2, b.limiter.Used("trading.preview", fakeUserID.String()))
}

func TestPlaceOrder(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/api/trading/orders/place_order/", "/api/trading/orders/", "/api/trading/orders"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)

			rec := b.send(t, http.MethodPost, path, `{"order_type":"buy","amount_irr":1000000,"quote_id":"`+string(fixtureQuote)+`"}`, withBearer(tokenGood))

			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			require.Equal(t, wantOrder(), dataOf(t, rec))
			require.Equal(t, "سفارش با موفقیت انجام شد", messageOf(t, rec))
			call, _ := lastTradingCall[placeCall](b.trading)
			require.Equal(t, ports.PlaceInput{Request: trading.Request{Side: trading.Buy, Amount: 1_000_000}, QuoteID: fixtureQuote}, call.Input)
			require.Equal(t, ports.IdempotentCall{}, call.Call, "no key, no deduplication")
		})
	}
}

func TestPlaceOrderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		details map[string]any
	}{
		{name: "QuoteExpired", err: &core.QuoteExpiredError{QuoteID: string(fixtureQuote), ExpiredAt: fixtureAt}, status: 409, code: "quote_expired",
			details: map[string]any{"quote_id": string(fixtureQuote), "expired_at": "2025-03-01T14:30:00+03:30"}},
		{name: "QuoteUsed", err: core.ErrQuoteUsed, status: 409, code: "quote_used", details: map[string]any{}},
		{name: "QuoteMismatch", err: core.ErrQuoteMismatch, status: 400, code: "quote_mismatch", details: map[string]any{}},
		{name: "InsufficientBalance", err: &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000}, status: 400,
			code: "insufficient_balance", details: map[string]any{"asset": "IRR", "required": 1_005_000.0, "available": 20_000.0}},
		{name: "InsufficientGold", err: &core.InsufficientBalanceError{Asset: "GOLD", Required: 500_000, Available: 1}, status: 400,
			code: "insufficient_balance", details: map[string]any{"asset": "GOLD", "required": "0.500000", "available": "0.000001"}},
		{name: "PhoneNotVerified", err: core.ErrPhoneNotVerified, status: 403, code: "phone_not_verified", details: map[string]any{}},
		{name: "KYCRequired", err: &core.KYCRequiredError{RequiredLevel: 1}, status: 403, code: "kyc_required",
			details: map[string]any{"required_level": 1.0, "current_level": 0.0}},
		{name: "TradingHalted", err: core.ErrTradingHalted, status: 503, code: "trading_halted", details: map[string]any{}},
		{name: "PriceUnavailable", err: core.ErrPriceUnavailable, status: 503, code: "price_unavailable", details: map[string]any{}},
		{name: "InventoryUnavailable", err: core.ErrInventoryUnavailable, status: 503, code: "inventory_unavailable", details: map[string]any{}},
		{name: "UnknownQuote", err: core.ErrNotFound, status: 404, code: "not_found", details: map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)
			b.trading.PlaceFunc = func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error) { return nil, tt.err }

			rec := b.send(t, http.MethodPost, "/api/trading/orders/place_order/", `{"order_type":"buy","amount_irr":1000000}`, withBearer(tokenGood))

			e := requireError(t, rec, tt.status, tt.code)
			require.Equal(t, tt.details, e["details"])
		})
	}
	t.Run("BadQuoteID", func(t *testing.T) {
		t.Parallel()
		b := setupTrading(t)
		rec := b.send(t, http.MethodPost, "/api/trading/orders/place_order/", `{"order_type":"buy","amount_irr":1000000,"quote_id":"nope"}`, withBearer(tokenGood))
		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "quote_id")
		_, called := lastTradingCall[placeCall](b.trading)
		require.False(t, called)
	})
}

func TestPlaceRateLimit(t *testing.T) {
	t.Parallel()
	b := setupTrading(t, func(c *httpapi.TradingConfig) { c.Limits.Place = ports.PerPeriod("trading.place", 1, time.Hour) })
	const body = `{"order_type":"buy","amount_irr":1000000}`
	require.Equal(t, http.StatusCreated, b.send(t, http.MethodPost, "/api/trading/orders/place_order/", body, withBearer(tokenGood)).Code)

	rec := b.send(t, http.MethodPost, "/api/trading/orders/", body, withBearer(tokenGood))

	requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
}

func TestListOrders(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/trading/orders/?order_type=SELL&status=failed&page=1&page_size=10", "", withBearer(tokenGood)))

	require.Equal(t, []any{wantOrder()}, items)
	require.InDelta(t, 1, page["count"], 0)
	call, _ := lastTradingCall[ordersCall](b.trading)
	require.Equal(t, ordersCall{Filter: ports.OrderFilter{Side: trading.Sell, Status: trading.OrderFailed}, Offset: 0, Limit: 10}, call)

	for _, q := range []string{"?order_type=hold", "?status=done"} {
		requireError(t, b.send(t, http.MethodGet, "/api/trading/orders/"+q, "", withBearer(tokenGood)), http.StatusBadRequest, "validation_error")
	}
}

func TestGetOrder(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	rec := b.send(t, http.MethodGet, "/api/trading/orders/11/", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, wantOrder(), dataOf(t, rec))
	requireError(t, b.send(t, http.MethodGet, "/api/trading/orders/12/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/trading/orders/11/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/trading/orders/0/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
}

func TestOrderWritesNotAllowed(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		rec := b.send(t, method, "/api/trading/orders/11/", `{"status":"completed"}`, withBearer(tokenGood))
		requireError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
		require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
	}
}

func TestCancelOrder(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	rec := b.send(t, http.MethodPost, "/api/trading/orders/11/cancel/", "{}", withBearer(tokenGood))

	e := requireError(t, rec, http.StatusConflict, "invalid_state")
	require.Equal(t, map[string]any{"object": "order", "state": "completed", "action": "cancel"}, e["details"])
	call, _ := lastTradingCall[cancelCall](b.trading)
	require.Equal(t, trading.OrderID(11), call.ID)

	b.trading.CancelFunc = func(context.Context, ports.Principal, trading.OrderID) (*trading.Order, error) {
		rec := fixtureOrder().Record()
		rec.Status, rec.ExecutedAt, rec.CancelledAt = trading.OrderCancelled, time.Time{}, fixtureAt
		return trading.RehydrateOrder(rec), nil
	}
	rec = b.send(t, http.MethodPost, "/api/trading/orders/11/cancel/", "", withBearer(tokenGood))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	data := dataOf(t, rec)
	require.Equal(t, "cancelled", data["status"])
	require.Equal(t, "لغو شده", data["status_display"])
	require.Equal(t, "2025-03-01T14:30:00+03:30", data["cancelled_at"])
	require.Equal(t, "سفارش لغو شد", messageOf(t, rec))
}
