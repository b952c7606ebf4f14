package app_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// scrape sends GET /metrics with authorization (none when empty) and returns the status
// and body.
func (l liveApp) scrape(t *testing.T, authorization string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, l.base+"/metrics", nil)
	require.NoError(t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestMetricsCountRegistration(t *testing.T) {
	t.Parallel()
	const token = "metrics-token-for-tests-0123456789abcdef"
	l := startApp(t, map[string]string{"METRICS_TOKEN": token})

	r := l.call(t, &http.Client{Timeout: waitLimit}, http.MethodPost, "/api/auth/register/", map[string]any{
		"phone_number": "09121110001", "password": "Tr1cky-Passw0rd", "password_confirm": "Tr1cky-Passw0rd",
	})
	require.Equal(t, http.StatusCreated, r.status, r.raw)

	status, body := l.scrape(t, "Bearer "+token)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "\n"+`talabin_otp_requests_total{outcome="sent",purpose="registration"} 1`+"\n")
	require.Contains(t, body, "\ngo_goroutines ", "the Go runtime collector is registered")

	status, body = l.scrape(t, "")
	require.Equal(t, http.StatusNotFound, status, body)
	require.NotContains(t, body, "talabin_")
}

func TestMetricsOffWithoutToken(t *testing.T) {
	t.Parallel()
	l := startApp(t, map[string]string{})
	status, body := l.scrape(t, "Bearer ")
	require.Equal(t, http.StatusNotFound, status, body)
	require.NotContains(t, body, "talabin_")
}
