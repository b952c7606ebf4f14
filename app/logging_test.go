package app_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app"
)

// newLogger returns app.NewLogger's logger for environ writing to out, closed when t ends.
func newLogger(t *testing.T, environ map[string]string, out *bytes.Buffer) *slog.Logger {
	t.Helper()
	logger, cleanup, err := app.NewLogger(loadConfig(t, environ), out, app.BuildInfo{Version: "test"})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	return logger
}

// logLines decodes the JSON lines of out.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(out) {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		lines = append(lines, m)
	}
	return lines
}

// TestLogLinesOfARequestCarryItsRequestID shows that a line a service logs with the request's
// context gets the request id, that lines already carrying one (the access log's) keep a
// single one, and that a line logged outside a request gets none.
func TestLogLinesOfARequestCarryItsRequestID(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	logger := newLogger(t, map[string]string{}, &out)
	handler := httpapi.NewMux(logger, func(rt httpapi.Routes) {
		rt.Get("/work", func(w http.ResponseWriter, r *http.Request) error {
			logger.InfoContext(r.Context(), "service line", "user_id", "u1")
			logger.With("request_id", "own").InfoContext(r.Context(), "line with its own id")
			w.WriteHeader(http.StatusNoContent)
			return nil
		})
	})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/work", nil)
	req.Header.Set(httpapi.HeaderRequestID, "req-42")

	handler.ServeHTTP(httptest.NewRecorder(), req)
	logger.InfoContext(t.Context(), "outside a request")

	lines := logLines(t, out.String())
	require.Len(t, lines, 4)
	require.Equal(t, "service line", lines[0]["msg"])
	require.Equal(t, "req-42", lines[0]["request_id"])
	require.Equal(t, "own", lines[1]["request_id"])
	require.Equal(t, "http request", lines[2]["msg"])
	require.Equal(t, "req-42", lines[2]["request_id"])
	require.Equal(t, 1, strings.Count(strings.Split(out.String(), "\n")[2], `"request_id"`), "one request id per line")
	require.NotContains(t, lines[3], "request_id")
}

// TestSecurityLogStream shows where the security stream goes: with SECURITY_LOG unset it
// stays in the app log, marked "log":"security"; with a file it goes there alone (mode 0600,
// appended), and the app log keeps everything else.
func TestSecurityLogStream(t *testing.T) {
	t.Parallel()
	t.Run("SameOutputByDefault", func(t *testing.T) {
		t.Parallel()
		var out bytes.Buffer
		logger := newLogger(t, map[string]string{}, &out)

		app.NewSecurityLogger(logger).Logger.Warn("login_failed", "event", "login_failed")
		logger.Info("app line")

		lines := logLines(t, out.String())
		require.Len(t, lines, 2)
		require.Equal(t, "security", lines[0]["log"])
		require.Equal(t, "login_failed", lines[0]["msg"])
		require.Equal(t, "app line", lines[1]["msg"])
	})
	t.Run("File", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "security.log")
		require.NoError(t, os.WriteFile(path, []byte("{\"msg\":\"earlier\"}\n"), 0o600))
		var out bytes.Buffer
		logger, cleanup, err := app.NewLogger(loadConfig(t, map[string]string{"SECURITY_LOG": path}), &out, app.BuildInfo{})
		require.NoError(t, err)

		security := app.NewSecurityLogger(logger).Logger
		security.Warn("login_failed", "event", "login_failed")
		security.With("user_id", "u1").Info("login_succeeded")
		logger.Info("app line")
		logger.With("component", "jobs").Warn("another app line")
		cleanup()

		got, err := os.ReadFile(path)
		require.NoError(t, err)
		lines := logLines(t, string(got))
		require.Len(t, lines, 3)
		require.Equal(t, "earlier", lines[0]["msg"], "the file is appended to")
		require.Equal(t, "login_failed", lines[1]["msg"])
		require.Equal(t, "security", lines[1]["log"])
		require.Equal(t, "login_succeeded", lines[2]["msg"])
		require.NotContains(t, out.String(), "login_")
		require.Len(t, logLines(t, out.String()), 2)
		require.NotContains(t, string(got), "app line")
	})
	t.Run("NewFileIsPrivate", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "security.log")
		newLogger(t, map[string]string{"SECURITY_LOG": path}, &bytes.Buffer{})

		info, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	})
	t.Run("UnopenablePath", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing", "security.log")
		_, _, err := app.NewLogger(loadConfig(t, map[string]string{"SECURITY_LOG": path}), &bytes.Buffer{}, app.BuildInfo{})
		require.ErrorContains(t, err, "open SECURITY_LOG")
	})
}
