package app

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
)

// readinessCheckTimeout bounds each /readyz check.
const readinessCheckTimeout = 2 * time.Second

// NewReadiness returns the readiness state for checks, each bounded by a short timeout.
func NewReadiness(checks []httpapi.ReadinessCheck) (*httpapi.Readiness, error) {
	return httpapi.NewReadiness(checks, readinessCheckTimeout)
}

// NewHTTPServer returns the HTTP server for handler with the limits of cfg: the read-header
// timeout against slow-header clients (Slowloris), the read, write and idle timeouts and the
// header size cap (HTTP_READ_HEADER_TIMEOUT, HTTP_READ_TIMEOUT, HTTP_WRITE_TIMEOUT,
// HTTP_IDLE_TIMEOUT, HTTP_MAX_HEADER_BYTES). The server's own errors (TLS handshakes, panics
// in handlers) go to logger at warn level.
func NewHTTPServer(cfg config.Config, handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           handler,
		ReadHeaderTimeout: cfg.HTTPReadHeaderTimeout,
		ReadTimeout:       cfg.HTTPReadTimeout,
		WriteTimeout:      cfg.HTTPWriteTimeout,
		IdleTimeout:       cfg.HTTPIdleTimeout,
		MaxHeaderBytes:    cfg.HTTPMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// NewSiteConfig returns what the router checks of every request's address: the hosts of
// ALLOWED_HOSTS (in DEBUG, localhost when it is empty; see [config.Config.Hosts]) and
// SECURE_SSL_REDIRECT.
func NewSiteConfig(cfg config.Config) httpapi.SiteConfig {
	return httpapi.SiteConfig{AllowedHosts: cfg.Hosts(), HTTPSRedirect: cfg.SecureSSLRedirect}
}
