package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// Tokens of the trading tests, beside the fixture user's tokenGood.
const (
	tokenStaff  = "access-staff"
	staffUserID = 7
)

// tradingBundle is the API router with the trading endpoints over fakes.
type tradingBundle struct {
	handler  http.Handler
	trading  *fakeTrading
	accounts *fakeAccounts
	limiter  *countingLimiter
}

// setupTrading returns the router of NewRouter with WithTrading over fresh fakes; tokenStaff
// authenticates an admin. configure changes the trading configuration first.
func setupTrading(t *testing.T, configure ...func(*httpapi.TradingConfig)) tradingBundle {
	t.Helper()
	b := tradingBundle{trading: newFakeTrading(), accounts: newFakeAccounts(), limiter: newCountingLimiter()}
	authenticate := b.accounts.AuthenticateFunc
	b.accounts.AuthenticateFunc = func(ctx context.Context, token string) (ports.Principal, error) {
		if token == tokenStaff {
			return ports.Principal{UserID: staffUserID, SessionID: "ses_staff", Role: identity.RoleAdmin}, nil
		}
		return authenticate(ctx, token)
	}
	cfg := httpapi.TradingConfig{Prices: b.trading, Control: b.trading, Trading: b.trading, Wallets: b.trading}
	for _, c := range configure {
		c(&cfg)
	}
	h, err := httpapi.NewRouter(slog.New(slog.DiscardHandler), mustReadiness(t), testAuthConfig(b.accounts, b.limiter),
		httpapi.MetricsEndpoint{}, httpapi.WithTrading(cfg))
	require.NoError(t, err)
	b.handler = h
	return b
}

// send serves one request through the bundle's router (see [send]).
func (b tradingBundle) send(t *testing.T, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, b.handler, method, path, body, opts...)
}

// listOf returns the data array and pagination of a list envelope.
func listOf(t *testing.T, rec *httptest.ResponseRecorder) ([]any, map[string]any) {
	t.Helper()
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	body := decodeBody(t, rec)
	require.Equal(t, true, body["success"])
	items, ok := body["data"].([]any)
	require.True(t, ok, "data is not an array: %s", rec.Body.String())
	page, _ := body["pagination"].(map[string]any)
	return items, page
}

// withKey sends an Idempotency-Key.
func withKey(key string) requestOption { return withHeader("Idempotency-Key", key) }
