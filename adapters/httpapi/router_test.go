package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// testBundle is a router under test with the readiness it was built from.
type testBundle struct {
	handler   http.Handler
	readiness *httpapi.Readiness
}

func setup(t *testing.T, timeout time.Duration, checks ...httpapi.ReadinessCheck) testBundle {
	t.Helper()
	readiness, err := httpapi.NewReadiness(checks, timeout)
	require.NoError(t, err)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	handler, err := httpapi.NewRouter(logger, readiness, testAuthConfig(newFakeAccounts(), newCountingLimiter()), httpapi.MetricsEndpoint{})
	require.NoError(t, err)
	return testBundle{handler: handler, readiness: readiness}
}

// get serves one GET request and returns the status, Content-Type and decoded JSON body.
func (b testBundle) get(t *testing.T, path string) (int, string, map[string]any) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), "body: %s", rec.Body.String())
	return rec.Code, rec.Header().Get("Content-Type"), body
}

func pass(context.Context) error { return nil }

func failing(context.Context) error { return errors.New("connection refused") }

// blocking waits for its context to end, like a check against a hung dependency.
func blocking(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, httpapi.ReadinessCheck{Name: "db", CheckFunc: failing})

	status, contentType, body := b.get(t, "/healthz")

	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "application/json; charset=utf-8", contentType)
	require.Equal(t, map[string]any{"status": "ok"}, body)
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		timeout    time.Duration
		checks     []httpapi.ReadinessCheck
		wantStatus int
		wantBody   map[string]any
	}{
		{
			name:       "NoChecks",
			timeout:    time.Second,
			wantStatus: http.StatusOK,
			wantBody:   map[string]any{"status": "ok", "checks": map[string]any{}},
		},
		{
			name:    "AllPass",
			timeout: time.Second,
			checks: []httpapi.ReadinessCheck{
				{Name: "db", CheckFunc: pass},
				{Name: "migrations", CheckFunc: pass},
			},
			wantStatus: http.StatusOK,
			wantBody:   map[string]any{"status": "ok", "checks": map[string]any{"db": "ok", "migrations": "ok"}},
		},
		{
			name:    "OneFails",
			timeout: time.Second,
			checks: []httpapi.ReadinessCheck{
				{Name: "db", CheckFunc: failing},
				{Name: "price", CheckFunc: pass},
			},
			wantStatus: http.StatusServiceUnavailable,
			wantBody:   map[string]any{"status": "fail", "checks": map[string]any{"db": "fail", "price": "ok"}},
		},
		{
			name:    "HungCheckTimesOut",
			timeout: 20 * time.Millisecond,
			checks: []httpapi.ReadinessCheck{
				{Name: "db", CheckFunc: blocking},
				{Name: "price", CheckFunc: pass},
			},
			wantStatus: http.StatusServiceUnavailable,
			wantBody:   map[string]any{"status": "fail", "checks": map[string]any{"db": "fail", "price": "ok"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.timeout, tt.checks...)

			status, contentType, body := b.get(t, "/readyz")

			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, "application/json; charset=utf-8", contentType)
			require.Equal(t, tt.wantBody, body)
		})
	}
}

func TestReadyzWhileDraining(t *testing.T) {
	t.Parallel()
	ran := make(chan struct{}, 1)
	b := setup(t, time.Second, httpapi.ReadinessCheck{Name: "db", CheckFunc: func(context.Context) error {
		ran <- struct{}{}
		return nil
	}})

	b.readiness.Drain()
	status, _, body := b.get(t, "/readyz")

	require.True(t, b.readiness.Draining())
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, map[string]any{"status": "fail", "checks": map[string]any{"shutdown": "fail"}}, body)
	require.Empty(t, ran, "checks must not run while draining")
}

func TestNewReadinessRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timeout time.Duration
		checks  []httpapi.ReadinessCheck
		wantErr string
	}{
		{name: "ZeroTimeout", timeout: 0, wantErr: "check timeout must be positive"},
		{name: "EmptyName", timeout: time.Second, checks: []httpapi.ReadinessCheck{{CheckFunc: pass}}, wantErr: "has no name"},
		{
			name:    "ReservedName",
			timeout: time.Second,
			checks:  []httpapi.ReadinessCheck{{Name: httpapi.ShutdownCheckName, CheckFunc: pass}},
			wantErr: "is reserved",
		},
		{
			name:    "DuplicateName",
			timeout: time.Second,
			checks:  []httpapi.ReadinessCheck{{Name: "db", CheckFunc: pass}, {Name: "db", CheckFunc: pass}},
			wantErr: `duplicate check name "db"`,
		},
		{name: "NilFunc", timeout: time.Second, checks: []httpapi.ReadinessCheck{{Name: "db"}}, wantErr: "has no CheckFunc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := httpapi.NewReadiness(tt.checks, tt.timeout)

			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, r)
		})
	}
}

func TestReadinessCheckResults(t *testing.T) {
	t.Parallel()
	r, err := httpapi.NewReadiness([]httpapi.ReadinessCheck{
		{Name: "db", CheckFunc: pass},
		{Name: "redis", CheckFunc: blocking},
	}, 20*time.Millisecond)
	require.NoError(t, err)

	results := r.Check(t.Context())

	require.Len(t, results, 2)
	require.Equal(t, "db", results[0].Name)
	require.NoError(t, results[0].Err)
	require.Equal(t, "redis", results[1].Name)
	require.ErrorIs(t, results[1].Err, context.DeadlineExceeded)
}

func TestHealthEndpointsPathForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
	}{
		{name: "Healthz", path: "/healthz"},
		{name: "HealthzTrailingSlash", path: "/healthz/"},
		{name: "ReadyzTrailingSlash", path: "/readyz/"},
		{name: "ReadyzDoubleSlash", path: "//readyz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, time.Second)
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, tt.path, nil)
			rec := httptest.NewRecorder()

			b.handler.ServeHTTP(rec, req)

			require.Equal(t, http.StatusOK, rec.Code)
			var body map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			require.Equal(t, "ok", body["status"])
			require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			require.NotEmpty(t, rec.Header().Get(httpapi.HeaderRequestID))
		})
	}
}
