package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
)

// waitLimit bounds every wait in these tests; it is generous so that a slow machine never
// fails them, and only a hang does.
const waitLimit = 10 * time.Second

func loadConfig(t *testing.T, environ map[string]string) config.Config {
	t.Helper()
	environ["DEBUG"] = "true"
	if _, ok := environ["SQLITE_PATH"]; !ok {
		environ["SQLITE_PATH"] = filepath.Join(t.TempDir(), "talabin.db")
	}
	cfg, err := config.Load(environ)
	require.NoError(t, err)
	return cfg
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// slowBundle is an App whose handler has, besides the API, a /slow route that holds its
// request until release is closed.
type slowBundle struct {
	app       *app.App
	router    http.Handler
	readiness *httpapi.Readiness
	started   chan struct{}
	release   chan struct{}
}

func setupSlow(t *testing.T, shutdownTimeout string) slowBundle {
	t.Helper()
	cfg := loadConfig(t, map[string]string{"SHUTDOWN_TIMEOUT": shutdownTimeout})
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	readiness, err := app.NewReadiness(nil)
	require.NoError(t, err)
	b := slowBundle{
		router:    httpapi.NewMux(logger, httpapi.Health(logger, readiness)),
		readiness: readiness,
		started:   make(chan struct{}),
		release:   make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.Handle("/", b.router)
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, _ *http.Request) {
		close(b.started)
		<-b.release
		_, _ = io.WriteString(w, "done")
	})
	b.app = app.NewApp(cfg, logger, app.NewHTTPServer(cfg, mux, logger), readiness, nil, nil, nil, app.BuildInfo{Version: "test"})
	return b
}

// response is the outcome of a request made in the background.
type response struct {
	status int
	body   string
	err    error
}

// getAsync sends GET url in the background and delivers the outcome on the returned channel.
func getAsync(ctx context.Context, url string) <-chan response {
	out := make(chan response, 1)
	go func() {
		client := &http.Client{Timeout: waitLimit}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			out <- response{err: err}
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			out <- response{err: err}
			return
		}
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		out <- response{status: resp.StatusCode, body: string(body), err: err}
	}()
	return out
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		require.FailNow(t, "timed out waiting for "+what)
		var zero T
		return zero
	}
}

func TestServeDrainsInFlightRequestOnShutdown(t *testing.T) {
	t.Parallel()
	b := setupSlow(t, "10s")
	ln := listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- b.app.Serve(ctx, ln) }()

	inFlight := getAsync(t.Context(), "http://"+ln.Addr().String()+"/slow")
	receive(t, b.started, "the slow request to start")
	cancel()

	require.Eventually(t, b.readiness.Draining, waitLimit, 5*time.Millisecond, "readiness drains on shutdown")
	rec := httptest.NewRecorder()
	b.router.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, "/readyz is 503 while draining")
	select {
	case err := <-served:
		require.FailNow(t, "Serve returned before the in-flight request finished", "err: %v", err)
	default:
	}

	close(b.release)
	got := receive(t, inFlight, "the slow response")
	require.NoError(t, got.err)
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, "done", got.body)
	require.NoError(t, receive(t, served, "Serve to return"))
}

func TestServeReportsRequestsCutOffAtShutdownTimeout(t *testing.T) {
	t.Parallel()
	b := setupSlow(t, "50ms")
	defer close(b.release)
	ln := listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- b.app.Serve(ctx, ln) }()

	inFlight := getAsync(t.Context(), "http://"+ln.Addr().String()+"/slow")
	receive(t, b.started, "the slow request to start")
	cancel()

	require.ErrorContains(t, receive(t, served, "Serve to return"), "shutdown: requests still running after 50ms")
	require.Error(t, receive(t, inFlight, "the cut-off request").err)
}

func TestInitializeAppServesHealthz(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, map[string]string{})
	logs := &lockedBuffer{}
	a, cleanup, err := app.InitializeApp(t.Context(), cfg, logs, app.BuildInfo{Version: "v1.2.3", GoVersion: "go1.26"})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	ln := listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	health := receive(t, getAsync(t.Context(), "http://"+ln.Addr().String()+"/healthz"), "/healthz")
	ready := receive(t, getAsync(t.Context(), "http://"+ln.Addr().String()+"/readyz"), "/readyz")
	cancel()
	require.NoError(t, receive(t, served, "Serve to return"))

	require.NoError(t, health.err)
	require.Equal(t, http.StatusOK, health.status)
	require.JSONEq(t, `{"status":"ok"}`, health.body)
	require.NoError(t, ready.err)
	require.Equal(t, http.StatusOK, ready.status)
	require.JSONEq(t, `{"status":"ok","checks":{"db":"ok","migrations":"ok","price":"ok"}}`, ready.body)
	require.Contains(t, logs.String(), `"msg":"database migrated"`)
	require.Contains(t, logs.String(), `"msg":"talabin starting"`)
	require.Contains(t, logs.String(), `"version":"v1.2.3"`)
	require.Contains(t, logs.String(), `"level":"WARN","msg":"SECRET_KEY is not set`)
	require.Contains(t, logs.String(), `"msg":"stopped"`)
}

func TestRunFailsWhenAddressIsTaken(t *testing.T) {
	t.Parallel()
	taken := listen(t)
	defer func() { _ = taken.Close() }()
	cfg := loadConfig(t, map[string]string{"HTTP_ADDR": taken.Addr().String()})
	a, cleanup, err := app.InitializeApp(t.Context(), cfg, io.Discard, app.BuildInfo{Version: "test"})
	require.NoError(t, err)
	t.Cleanup(cleanup)

	err = a.Run(t.Context())

	require.ErrorContains(t, err, "listen on "+taken.Addr().String())
}

func TestNewLoggerHonoursLevel(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, map[string]string{"LOG_LEVEL": "warn"})
	var out bytes.Buffer
	logger, cleanup, err := app.NewLogger(cfg, &out, app.BuildInfo{})
	require.NoError(t, err)
	t.Cleanup(cleanup)

	logger.Info("hidden")
	logger.Warn("shown", "k", 1)

	require.NotContains(t, out.String(), "hidden")
	require.Contains(t, out.String(), `"level":"WARN","msg":"shown","k":1`)
}

func TestNewHTTPServerSetsTimeouts(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, map[string]string{})
	srv := app.NewHTTPServer(cfg, http.NotFoundHandler(), slog.New(slog.NewJSONHandler(io.Discard, nil)))

	require.Equal(t, ":8000", srv.Addr)
	require.Positive(t, srv.ReadHeaderTimeout)
	require.Positive(t, srv.ReadTimeout)
	require.Positive(t, srv.WriteTimeout)
	require.Positive(t, srv.IdleTimeout)
	require.Greater(t, srv.WriteTimeout, cfg.ShutdownTimeout, "a response may outlive the drain window")
	require.NotNil(t, srv.ErrorLog)
}
