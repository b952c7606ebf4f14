// Package outboundtest is test support for outbound HTTP adapters and for the in-process
// provider fakes they are tested against (STYLE.md §10 and §22): [Serve] starts a fake for
// one test, [Do] and [NewJSONRequest] talk to it directly, [Recorder] and [Golden] keep the
// wire exchanges in golden files, [SyncBuffer] collects logs, and [Faults] and [WriteJSON]
// are the building blocks every fake shares: a switch for injected faults, slow answers and
// request counts, and a JSON answer. Only adapters' tests and provider fakes import it.
package outboundtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Serve starts a test server for h and closes it when the test ends. When h has a Close
// method, as every provider fake has to end the answers it holds back, Serve calls it first,
// since the server otherwise waits for those answers as it closes.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		if c, ok := h.(interface{ Close() }); ok {
			c.Close()
		}
		srv.Close()
	})
	return srv
}

// NewJSONRequest returns a request bound to t's context with body encoded as JSON (no body
// when body is nil) and the Content-Type application/json.
func NewJSONRequest(t testing.TB, method, url string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// Do sends req with client and returns the answer's status and whole body; a transport error
// fails the test.
func Do(t testing.TB, client *http.Client, req *http.Request) (status int, body []byte) {
	t.Helper()
	resp, err := client.Do(req) //nolint:gosec // G704: the test builds req, for its own test server
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	body, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

// SyncBuffer is a [bytes.Buffer] that concurrent writers may share, such as a log sink given
// to a client whose calls run in parallel.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
