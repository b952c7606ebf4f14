package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// TestReadyzAdvisoryCheck shows that a failing advisory check is reported as "fail" while the
// instance stays ready (200, status ok), that a failing required check beside it still makes
// the answer 503, and that the failure's reason is logged with the request id, never answered.
func TestReadyzAdvisoryCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		checks     []httpapi.ReadinessCheck
		wantStatus int
		wantBody   map[string]any
	}{
		{
			name: "AdvisoryFailsAlone",
			checks: []httpapi.ReadinessCheck{
				{Name: "db", CheckFunc: pass},
				{Name: "price", CheckFunc: failing, Advisory: true},
			},
			wantStatus: http.StatusOK,
			wantBody:   map[string]any{"status": "ok", "checks": map[string]any{"db": "ok", "price": "fail"}},
		},
		{
			name: "RequiredFailsToo",
			checks: []httpapi.ReadinessCheck{
				{Name: "db", CheckFunc: failing},
				{Name: "price", CheckFunc: failing, Advisory: true},
			},
			wantStatus: http.StatusServiceUnavailable,
			wantBody:   map[string]any{"status": "fail", "checks": map[string]any{"db": "fail", "price": "fail"}},
		},
		{
			name: "AdvisoryPasses",
			checks: []httpapi.ReadinessCheck{
				{Name: "db", CheckFunc: pass},
				{Name: "price", CheckFunc: pass, Advisory: true},
			},
			wantStatus: http.StatusOK,
			wantBody:   map[string]any{"status": "ok", "checks": map[string]any{"db": "ok", "price": "ok"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			readiness, err := httpapi.NewReadiness(tt.checks, time.Second)
			require.NoError(t, err)
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, nil))
			handler := httpapi.NewMux(logger, httpapi.Health(logger, readiness))
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/readyz", nil)
			req.Header.Set(httpapi.HeaderRequestID, "probe-1")
			rec := httptest.NewRecorder()

			handler.ServeHTTP(rec, req)

			require.Equal(t, tt.wantStatus, rec.Code)
			var body map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			require.Equal(t, tt.wantBody, body)
			require.NotContains(t, rec.Body.String(), "connection refused", "reasons are never answered")
			for _, c := range tt.checks {
				if body["checks"].(map[string]any)[c.Name] == "fail" {
					require.Contains(t, logs.String(), `"msg":"readiness check failed","check":"`+c.Name+`","error":"connection refused","request_id":"probe-1"`)
				}
			}
		})
	}
}
