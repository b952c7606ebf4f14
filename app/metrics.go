package app

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/config"
)

// Limits of one scrape of /metrics: Prometheus's default scrape timeout, and a few
// scrapers at once (an HA pair and a person with curl).
const (
	metricsScrapeTimeout  = 10 * time.Second
	metricsMaxConcurrency = 4
)

// NewMetricsRegistry returns the registry /metrics serves, with the Go runtime and process
// collectors. Each App has its own (never prometheus.DefaultRegisterer), so that apps built
// side by side, as in tests, do not collide.
func NewMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// NewAccountsMetrics returns the identity counters, registered on reg.
func NewAccountsMetrics(reg *prometheus.Registry) (*accounts.Metrics, error) {
	return accounts.NewMetrics(reg)
}

// NewMetricsEndpoint returns GET /metrics: reg in the Prometheus text format, served only
// to a scraper presenting METRICS_TOKEN (see [httpapi.Metrics]). A collector that fails
// is logged and the rest are served.
func NewMetricsEndpoint(cfg config.Config, reg *prometheus.Registry, logger *slog.Logger) httpapi.MetricsEndpoint {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(logger.Handler(), slog.LevelError),
		ErrorHandling:       promhttp.ContinueOnError,
		Registry:            reg,
		MaxRequestsInFlight: metricsMaxConcurrency,
		Timeout:             metricsScrapeTimeout,
	})
	return httpapi.MetricsEndpoint{Handler: h, Token: cfg.MetricsToken}
}
