package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// apiBundle is a router built by NewMux with test routes, and its log.
type apiBundle struct {
	handler http.Handler
	logs    *syncBuffer
}

// setupAPI returns a router with the given routes that logs JSON at debug level.
func setupAPI(t *testing.T, register ...func(rt httpapi.Routes)) apiBundle {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return apiBundle{handler: testRouter{httpapi.NewMux(logger, register...)}, logs: logs}
}

// testRouter is a router of test routes ("/e/", "/api/ip/"), which the OpenAPI document does
// not describe: [send] does not check its answers against the document, as it does those of
// the API's own routers.
type testRouter struct{ http.Handler }

// serve sends req through the router and returns the recorded response.
func (b apiBundle) serve(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return rec
}

// do builds a request with an optional body and Content-Type and serves it.
func (b apiBundle) do(t *testing.T, method, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(t.Context(), method, target, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return b.serve(t, req)
}

// logLines returns the JSON log lines written so far.
func (b apiBundle) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "log line: %s", line)
		lines = append(lines, m)
	}
	return lines
}

// accessLine returns the single access log line ("http request").
func (b apiBundle) accessLine(t *testing.T) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, l := range b.logLines(t) {
		if l["msg"] == "http request" {
			found = append(found, l)
		}
	}
	require.Len(t, found, 1, "access log lines: %s", b.logs.String())
	return found[0]
}

// decodeBody parses a response body as a JSON object.
func decodeBody(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &m), "body: %s", rec.Body.String())
	return m
}

// errorOf returns the "error" member of an error envelope, checking the envelope's shape.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	body := decodeBody(t, rec)
	require.Equal(t, false, body["success"])
	e, ok := body["error"].(map[string]any)
	require.True(t, ok, "no error object: %s", rec.Body.String())
	require.ElementsMatch(t, []string{"code", "message", "details", "request_id"}, keys(e))
	require.IsType(t, map[string]any{}, e["details"])
	return e
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// returning is a route that answers err.
func returning(err error) httpapi.HandlerFunc {
	return func(http.ResponseWriter, *http.Request) error { return err }
}

// stringsReader returns a reader over s, or nil for an empty s (no body).
func stringsReader(s string) io.Reader {
	if s == "" {
		return nil
	}
	return strings.NewReader(s)
}

// discardLogger returns a logger that drops everything.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// mustReadiness returns a readiness with no checks.
func mustReadiness(t *testing.T) *httpapi.Readiness {
	t.Helper()
	r, err := httpapi.NewReadiness(nil, time.Second)
	require.NoError(t, err)
	return r
}
