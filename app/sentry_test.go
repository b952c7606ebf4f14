package app_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
)

// sentryServer is a stand-in for Sentry's ingest: it keeps the body of every envelope posted.
type sentryServer struct {
	mu        sync.Mutex
	envelopes []string
}

func (s *sentryServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if strings.HasSuffix(r.URL.Path, "/envelope/") {
		s.mu.Lock()
		s.envelopes = append(s.envelopes, string(body))
		s.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

func (s *sentryServer) all() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.envelopes, "\n")
}

// TestSentryReportsErrorsScrubbed sends a panic, an error line with personal data in its
// attributes and message, and a 503 through a logger with SENTRY_DSN set, and reads what the
// Sentry server received after shutdown flushed it: the panic and the error, each with its
// request id, without the phone number, token, code or credentials; not the 503 nor the
// lines below error level.
func TestSentryReportsErrorsScrubbed(t *testing.T) {
	t.Parallel()
	ingest := &sentryServer{}
	srv := httptest.NewServer(ingest)
	t.Cleanup(srv.Close)
	dsn := "http://public@" + strings.TrimPrefix(srv.URL, "http://") + "/1"
	var out bytes.Buffer
	logger, cleanup, err := app.NewLogger(loadConfig(t, map[string]string{"SENTRY_DSN": dsn}), &out, app.BuildInfo{Version: "v9.9.9"})
	require.NoError(t, err)

	const (
		phone = "+989121234567"
		jwt   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
	)
	handler := httpapi.NewMux(logger, func(rt httpapi.Routes) {
		rt.Get("/boom", func(http.ResponseWriter, *http.Request) error {
			panic("no wallet for 09121234567")
		})
		rt.Get("/fail", func(w http.ResponseWriter, r *http.Request) error {
			logger.ErrorContext(r.Context(), "payout failed",
				"phone", phone, "token", jwt, "code", "905717", "deposit", "D-7",
				"error", fmt.Errorf("bank refused %s with Bearer s3cr3t-credential", phone))
			logger.WarnContext(r.Context(), "warning line not reported")
			w.WriteHeader(http.StatusNoContent)
			return nil
		})
		rt.Get("/stale", func(http.ResponseWriter, *http.Request) error {
			return core.ErrPriceUnavailable
		})
	})
	for _, path := range []string{"/boom", "/fail", "/stale"} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
		req.Header.Set(httpapi.HeaderRequestID, "req"+strings.ReplaceAll(path, "/", "-"))
		handler.ServeHTTP(httptest.NewRecorder(), req)
	}
	cleanup()

	sent := ingest.all()
	require.Contains(t, sent, "handler panicked", "the recovered panic is reported")
	require.Contains(t, sent, "req-boom")
	require.Contains(t, sent, "payout failed")
	require.Contains(t, sent, "req-fail")
	require.Contains(t, sent, "D-7")
	require.Contains(t, sent, "talabin@v9.9.9")
	require.Contains(t, sent, "goroutine", "the panic's stack")
	for _, secret := range []string{"9121234567", "eyJhbGciOiJIUzI1NiJ9", "s3cr3t-credential", "905717"} {
		require.NotContains(t, sent, secret)
	}
	require.NotContains(t, sent, "req-stale", "a 503 is an outage the services log, not an event per request")
	require.NotContains(t, sent, "warning line not reported")
	require.Contains(t, out.String(), phone, "the app log itself is unchanged")
}

// TestNoSentryWithoutDSN shows that without SENTRY_DSN an error line goes to the app log and
// nowhere else: no client is set up, so the cleanup has nothing to flush and logs nothing.
func TestNoSentryWithoutDSN(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	logger, cleanup, err := app.NewLogger(loadConfig(t, map[string]string{}), &out, app.BuildInfo{})
	require.NoError(t, err)

	logger.Error("failure", "error", errors.New("boom"))
	cleanup()

	require.Len(t, logLines(t, out.String()), 1)
}
