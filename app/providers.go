package app

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

// HTTP server limits. ReadHeaderTimeout bounds slow-header clients (Slowloris); WriteTimeout
// bounds one whole response, so it stays above SHUTDOWN_TIMEOUT's 20 s default drain.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
)

// readinessCheckTimeout bounds each /readyz check.
const readinessCheckTimeout = 2 * time.Second

// LogOutput is where the JSON log is written: os.Stdout in the binary, a buffer in tests.
type LogOutput io.Writer

// NewLogger returns the JSON logger writing to out at LOG_LEVEL. It is passed to every
// component; nothing logs through a package-level logger.
func NewLogger(cfg config.Config, out LogOutput) *slog.Logger {
	return slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// ReadinessChecks returns the named checks behind /readyz: the app is ready when it is not
// shutting down and every check passes. Components that the app cannot serve without add
// their check here.
func ReadinessChecks(store ports.Store) []httpapi.ReadinessCheck {
	return []httpapi.ReadinessCheck{
		{Name: "database", CheckFunc: store.Ping},
	}
}

// NewReadiness returns the readiness state for checks, each bounded by a short timeout.
func NewReadiness(checks []httpapi.ReadinessCheck) (*httpapi.Readiness, error) {
	return httpapi.NewReadiness(checks, readinessCheckTimeout)
}

// NewHTTPServer returns the HTTP server for handler with its timeouts set. The server's own
// errors (TLS handshakes, panics in handlers) go to logger at warn level.
func NewHTTPServer(cfg config.Config, handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
