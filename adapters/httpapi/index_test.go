package httpapi_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// TestIndexNamesVersionAndSections calls GET / as the original's clients did, with and
// without the trailing slash, and finds the version and each section's path; the answer is
// checked against the OpenAPI document by send.
func TestIndexNamesVersionAndSections(t *testing.T) {
	t.Parallel()
	h, err := httpapi.NewRouter(slog.New(slog.DiscardHandler), mustReadiness(t),
		testAuthConfig(newFakeAccounts(), newCountingLimiter()), httpapi.MetricsEndpoint{}, httpapi.WithIndex("v9.9.9"))
	require.NoError(t, err)

	for _, path := range []string{"/", "//"} {
		rec := send(t, h, http.MethodGet, path, "")

		require.Equal(t, http.StatusOK, rec.Code, path)
		body := decodeBody(t, rec)
		require.Equal(t, "ok", body["status"])
		require.Equal(t, "v9.9.9", body["version"])
		require.Equal(t, map[string]any{
			"documentation": "/api/docs/", "schema": "/api/schema/", "auth": "/api/auth/", "wallet": "/api/wallet/",
			"trading": "/api/trading/", "transactions": "/api/transactions/", "prices": "/api/prices/",
		}, body["endpoints"])
	}
	rec := send(t, h, http.MethodPost, "/", "{}", withContentType("application/json"))
	requireError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
}
