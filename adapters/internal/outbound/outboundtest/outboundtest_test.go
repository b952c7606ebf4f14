package outboundtest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

type fault struct{ status int }

func TestFaults(t *testing.T) {
	t.Parallel()

	t.Run("SetBeginRequests", func(t *testing.T) {
		t.Parallel()
		var f outboundtest.Faults[fault]
		require.Zero(t, f.Begin())
		f.Set(fault{status: 502})
		require.Equal(t, fault{status: 502}, f.Begin())
		f.Set(fault{})
		require.Zero(t, f.Begin())
		require.Equal(t, 3, f.Requests())
	})

	t.Run("HoldWaits", func(t *testing.T) {
		t.Parallel()
		var f outboundtest.Faults[fault]
		start := time.Now()
		require.True(t, f.Hold(t.Context(), 20*time.Millisecond))
		require.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	})

	t.Run("HoldEndsWithContext", func(t *testing.T) {
		t.Parallel()
		var f outboundtest.Faults[fault]
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer cancel()
		require.False(t, f.Hold(ctx, time.Minute))
	})

	t.Run("CloseEndsHolds", func(t *testing.T) {
		t.Parallel()
		var f outboundtest.Faults[fault]
		held := make(chan bool)
		go func() { held <- f.Hold(t.Context(), time.Minute) }()
		time.Sleep(10 * time.Millisecond)
		f.Close()
		require.False(t, <-held)
		require.False(t, f.Hold(t.Context(), time.Minute), "a hold after Close ends at once")
		f.Close() // twice is harmless
	})
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		outboundtest.WriteJSON(w, http.StatusAccepted, "application/json; charset=utf-8", map[string]int{"id": 7})
	})
	rec := &outboundtest.Recorder{Next: next, Headers: []string{"Apikey", "Content-Type"}, Secret: "k-123"}
	srv := outboundtest.Serve(t, rec)

	req := outboundtest.NewJSONRequest(t, http.MethodPost, srv.URL+"/v1/k-123/send?x=1", map[string]string{"to": "0912"})
	req.Header.Set("ApiKey", "k-123")
	status, body := outboundtest.Do(t, srv.Client(), req)
	require.Equal(t, http.StatusAccepted, status)
	require.JSONEq(t, `{"id":7}`, string(body))

	want := strings.Join([]string{
		"POST /v1/{API-KEY}/send?x=1",
		"Apikey: {API-KEY}",
		"Content-Type: application/json",
		"",
		`{"to":"0912"}`,
		"",
		"202",
		"Content-Type: application/json; charset=utf-8",
		"",
		"{",
		`  "id": 7`,
		"}",
		"",
	}, "\n")
	require.Equal(t, []string{want}, rec.Exchanges())
}

// closer is a handler with a Close method, as provider fakes have.
type closer struct {
	http.Handler
	closed chan struct{}
}

func (c *closer) Close() { close(c.closed) }

func TestServeClosesHandler(t *testing.T) {
	t.Parallel()
	c := &closer{Handler: http.NotFoundHandler(), closed: make(chan struct{})}
	// The parent's cleanup runs after the subtest and its cleanups have finished.
	t.Cleanup(func() {
		select {
		case <-c.closed:
		default:
			require.Fail(t, "Serve did not close the handler when its test ended")
		}
	})
	t.Run("Serve", func(t *testing.T) {
		t.Parallel()
		srv := outboundtest.Serve(t, c)
		status, _ := outboundtest.Do(t, srv.Client(), outboundtest.NewJSONRequest(t, http.MethodGet, srv.URL, nil))
		require.Equal(t, http.StatusNotFound, status)
	})
}
