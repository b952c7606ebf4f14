package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

const placePath = "/api/trading/orders/place_order/"

func TestIdempotentPlaceReplays(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	const key = "3f1b7c9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"

	first := b.send(t, http.MethodPost, placePath, `{"order_type":"buy","amount_irr":1000000}`, withBearer(tokenGood), withKey(key))
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	require.Empty(t, first.Header().Get("Idempotency-Replayed"))

	// The same body with its keys in another order and through the alias path replays.
	again := b.send(t, http.MethodPost, "/api/trading/orders/", `{"amount_irr":1000000, "order_type":"buy"}`, withBearer(tokenGood), withKey(key))

	require.Equal(t, http.StatusCreated, again.Code)
	require.Equal(t, "true", again.Header().Get("Idempotency-Replayed"))
	require.Equal(t, "application/json; charset=utf-8", again.Header().Get("Content-Type"))
	require.Equal(t, first.Body.String(), again.Body.String())
	require.Equal(t, 1, b.trading.Runs())

	call, _ := lastTradingCall[placeCall](b.trading)
	require.Equal(t, "user:42:trading.place_order", call.Call.Key.Scope())
	require.Equal(t, key, call.Call.Key.Value())
	require.Equal(t, idempotency.FingerprintOf([]byte(`{"amount_irr":1000000,"order_type":"buy"}`)), call.Call.Fingerprint)
}

func TestIdempotentPlaceOtherBodyRefused(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	require.Equal(t, http.StatusCreated,
		b.send(t, http.MethodPost, placePath, `{"order_type":"buy","amount_irr":1000000}`, withBearer(tokenGood), withKey("key-12345678")).Code)

	rec := b.send(t, http.MethodPost, placePath, `{"order_type":"buy","amount_irr":2000000}`, withBearer(tokenGood), withKey("key-12345678"))

	requireError(t, rec, http.StatusConflict, "idempotency_key_reused")
}

func TestIdempotentPlaceStoresRefusals(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	b.trading.PlaceFunc = func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error) {
		return nil, &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000}
	}
	const body = `{"order_type":"buy","amount_irr":1000000}`
	first := b.send(t, http.MethodPost, placePath, body, withBearer(tokenGood), withKey("key-short-1"))
	requireError(t, first, http.StatusBadRequest, "insufficient_balance")

	again := b.send(t, http.MethodPost, placePath, body, withBearer(tokenGood), withKey("key-short-1"))

	require.Equal(t, http.StatusBadRequest, again.Code)
	require.Equal(t, "true", again.Header().Get("Idempotency-Replayed"))
	require.Equal(t, first.Body.String(), again.Body.String())
	require.Equal(t, 1, b.trading.Runs())
}

func TestIdempotentPlaceDoesNotStore(t *testing.T) {
	t.Parallel()
	for _, err := range []error{core.ErrPhoneNotVerified, core.ErrTradingHalted, core.ErrInventoryUnavailable, core.ErrIdempotencyInProgress} {
		t.Run(err.Error(), func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)
			b.trading.PlaceFunc = func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error) { return nil, err }
			const body = `{"order_type":"buy","amount_irr":1000000}`
			status, _ := httpapi.ErrorStatus(err)
			require.Equal(t, status, b.send(t, http.MethodPost, placePath, body, withBearer(tokenGood), withKey("key-retry-1")).Code)

			b.trading.PlaceFunc = func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error) {
				return fixtureOrder(), nil
			}
			rec := b.send(t, http.MethodPost, placePath, body, withBearer(tokenGood), withKey("key-retry-1"))

			require.Equal(t, http.StatusCreated, rec.Code, "the retry runs again")
			require.Empty(t, rec.Header().Get("Idempotency-Replayed"))
			require.Equal(t, 2, b.trading.Runs())
		})
	}
}

func TestIdempotencyKeyRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		required bool
		opts     []requestOption
		status   int
		code     string
	}{
		{name: "TooShort", opts: []requestOption{withKey("short")}, status: 400, code: "idempotency_key_invalid"},
		{name: "TooLong", opts: []requestOption{withKey(strings.Repeat("k", 256))}, status: 400, code: "idempotency_key_invalid"},
		{name: "NotASCII", opts: []requestOption{withKey("کلید-نامعتبر-است")}, status: 400, code: "idempotency_key_invalid"},
		{name: "Twice", opts: []requestOption{withKey("key-12345678"), func(r *http.Request) { r.Header.Add("Idempotency-Key", "key-87654321") }},
			status: 400, code: "idempotency_key_invalid"},
		{name: "Required", required: true, status: 428, code: "idempotency_key_required"},
		{name: "RequiredAndSent", required: true, opts: []requestOption{withKey(strings.Repeat("k", 255))}, status: 201},
		{name: "Optional", status: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t, func(c *httpapi.TradingConfig) { c.IdempotencyRequired = tt.required })

			rec := b.send(t, http.MethodPost, placePath, `{"order_type":"buy","amount_irr":1000000}`, append([]requestOption{withBearer(tokenGood)}, tt.opts...)...)

			if tt.code == "" {
				require.Equal(t, tt.status, rec.Code, rec.Body.String())
				return
			}
			requireError(t, rec, tt.status, tt.code)
			require.Zero(t, b.trading.Runs())
		})
	}
}

func TestIdempotentCancelScopedToOrder(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	requireError(t, b.send(t, http.MethodPost, "/api/trading/orders/11/cancel/", "{}", withBearer(tokenGood), withKey("cancel-key-1")),
		http.StatusConflict, "invalid_state")

	// The same key and body on another order is another request: it runs.
	requireError(t, b.send(t, http.MethodPost, "/api/trading/orders/12/cancel/", "{}", withBearer(tokenGood), withKey("cancel-key-1")),
		http.StatusConflict, "invalid_state")
	require.Equal(t, 2, b.trading.Runs())

	rec := b.send(t, http.MethodPost, "/api/trading/orders/11/cancel/", "", withBearer(tokenGood), withKey("cancel-key-1"))
	require.Equal(t, "true", rec.Header().Get("Idempotency-Replayed"), "an empty body is {}")
	require.Equal(t, 2, b.trading.Runs())
}
