package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// metricsToken is the scrape token of these tests.
const metricsToken = "scrape-token-0123456789abcdef0123456789"

// metricsBody is what the fake metrics handler writes.
const metricsBody = "talabin_test_total 1\n"

// setupMetrics returns the API router with GET /metrics over a fake handler guarded by
// token.
func setupMetrics(t *testing.T, token string) http.Handler {
	t.Helper()
	fake := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = io.WriteString(w, metricsBody)
	})
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h, err := httpapi.NewRouter(logger, mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
		httpapi.MetricsEndpoint{Handler: fake, Token: token})
	require.NoError(t, err)
	return h
}

func TestMetricsEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		token         string // configured
		method        string
		target        string
		authorization string
		wantStatus    int
	}{
		{name: "RightToken", token: metricsToken, authorization: "Bearer " + metricsToken, wantStatus: http.StatusOK},
		{name: "SchemeAnyCase", token: metricsToken, authorization: "bearer " + metricsToken, wantStatus: http.StatusOK},
		{name: "TrailingSlash", token: metricsToken, target: "/metrics/", authorization: "Bearer " + metricsToken, wantStatus: http.StatusOK},
		{name: "Head", token: metricsToken, method: http.MethodHead, authorization: "Bearer " + metricsToken, wantStatus: http.StatusOK},
		{name: "NoToken", token: metricsToken, wantStatus: http.StatusNotFound},
		{name: "WrongToken", token: metricsToken, authorization: "Bearer " + metricsToken + "x", wantStatus: http.StatusNotFound},
		{name: "TokenPrefix", token: metricsToken, authorization: "Bearer " + metricsToken[:10], wantStatus: http.StatusNotFound},
		{name: "OtherScheme", token: metricsToken, authorization: "Basic " + metricsToken, wantStatus: http.StatusNotFound},
		{name: "SchemeOnly", token: metricsToken, authorization: "Bearer", wantStatus: http.StatusNotFound},
		{name: "NotConfigured", token: "", authorization: "Bearer " + metricsToken, wantStatus: http.StatusNotFound},
		{name: "NotConfiguredEmptyBearer", token: "", authorization: "Bearer ", wantStatus: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setupMetrics(t, tt.token)
			method, target := tt.method, tt.target
			if method == "" {
				method = http.MethodGet
			}
			if target == "" {
				target = "/metrics"
			}
			req := httptest.NewRequestWithContext(t.Context(), method, target, nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			require.Equal(t, tt.wantStatus, rec.Code, "body: %s", rec.Body.String())
			if tt.wantStatus == http.StatusNotFound {
				require.Equal(t, "not_found", errorOf(t, rec)["code"], "the same answer as an unknown path")
				require.NotContains(t, rec.Body.String(), metricsBody)
				return
			}
			require.Equal(t, "text/plain; version=0.0.4; charset=utf-8", rec.Header().Get("Content-Type"))
			require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			if method == http.MethodGet {
				require.Equal(t, metricsBody, rec.Body.String())
			}
		})
	}
}

func TestMetricsObserverSeesRoutePatterns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		target     string
		wantRoute  string
		wantStatus int
	}{
		{name: "PatternNotPath", method: http.MethodDelete, target: "/api/auth/sessions/123/", wantRoute: "/api/auth/sessions/{id}/", wantStatus: http.StatusUnauthorized},
		{name: "WithoutTrailingSlash", method: http.MethodDelete, target: "/api/auth/sessions/9", wantRoute: "/api/auth/sessions/{id}/", wantStatus: http.StatusUnauthorized},
		{name: "Static", method: http.MethodGet, target: "/healthz", wantRoute: "/healthz/", wantStatus: http.StatusOK},
		{name: "UnknownPath", method: http.MethodGet, target: "/wp-admin/setup.php", wantRoute: "", wantStatus: http.StatusNotFound},
		{name: "MethodNotAllowed", method: http.MethodPost, target: "/healthz", wantRoute: "", wantStatus: http.StatusMethodNotAllowed},
		{name: "MetricsRefused", method: http.MethodGet, target: "/metrics", wantRoute: "/metrics/", wantStatus: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var seen []httpapi.ServedRequest
			logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
			h, err := httpapi.NewRouter(logger, mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
				httpapi.MetricsEndpoint{Handler: http.NotFoundHandler(), Token: metricsToken, ObserveFunc: func(r httpapi.ServedRequest) {
					seen = append(seen, r)
				}})
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), tt.method, tt.target, nil))

			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.Len(t, seen, 1, "one observation per request")
			require.Equal(t, tt.method, seen[0].Method)
			require.Equal(t, tt.wantRoute, seen[0].Route)
			require.Equal(t, tt.wantStatus, seen[0].Status)
			require.Positive(t, seen[0].Duration)
		})
	}
}
