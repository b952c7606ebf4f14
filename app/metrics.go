package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/config"
	paymentsvc "github.com/talabin/talabin/app/payments"
	tradingsvc "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/ports"
)

// Limits of one scrape of /metrics: Prometheus's default scrape timeout, and a few
// scrapers at once (an HA pair and a person with curl).
const (
	metricsScrapeTimeout  = 10 * time.Second
	metricsMaxConcurrency = 4
)

// Timeouts of the metrics listener's server (METRICS_ADDR): a scrape may take up to
// metricsScrapeTimeout, and a scraper in flight at shutdown gets metricsShutdownGrace.
const (
	metricsWriteTimeout  = metricsScrapeTimeout + 5*time.Second
	metricsShutdownGrace = time.Second
)

// unmatchedRoute is the route label of a request no route matched (404, 405), so that
// probes of random paths cannot grow the number of series.
const unmatchedRoute = "unmatched"

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

// NewTradingMetrics returns the order counters, registered on reg.
func NewTradingMetrics(reg *prometheus.Registry) (*tradingsvc.Metrics, error) {
	return tradingsvc.NewMetrics(reg)
}

// NewPaymentsMetrics returns the deposit and withdrawal counters, registered on reg.
func NewPaymentsMetrics(reg *prometheus.Registry) (*paymentsvc.Metrics, error) {
	return paymentsvc.NewMetrics(reg)
}

// HTTPMetrics counts the requests the API router answers, by route pattern, method and
// status, and times them; see [HTTPMetrics.Observe].
type HTTPMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewHTTPMetrics returns the HTTP request metrics, registered on reg.
func NewHTTPMetrics(reg *prometheus.Registry) (*HTTPMetrics, error) {
	m := &HTTPMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_http_requests_total",
			Help: "HTTP requests answered by the API, by route pattern (unmatched for unknown paths and methods), method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "talabin_http_request_duration_seconds",
			Help:    "Time the API took to answer HTTP requests, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Observe counts r: its route pattern, never its path, and its method when it is one the
// API serves ("other" for any other token a client sends), so that the number of series
// stays bounded.
func (m *HTTPMetrics) Observe(r httpapi.ServedRequest) {
	route := r.Route
	if route == "" {
		route = unmatchedRoute
	}
	method := r.Method
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions:
	default:
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(r.Status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(r.Duration.Seconds())
}

// MetricsHandler writes the registry in the Prometheus text format, for GET /metrics on
// either listener.
type MetricsHandler http.Handler

// NewMetricsHandler registers on reg what is read at scrape time (the price's age, the job
// queue, the database pool; see [RegisterScrapeCollectors]) and returns the handler that
// serves reg. A collector that fails is logged and the rest are served.
func NewMetricsHandler(reg *prometheus.Registry, db Database, prices *tradingsvc.Service, clock ports.Clock,
	logger *slog.Logger,
) (MetricsHandler, error) {
	if err := RegisterScrapeCollectors(reg, db, prices, clock); err != nil {
		return nil, err
	}
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(logger.Handler(), slog.LevelError),
		ErrorHandling:       promhttp.ContinueOnError,
		Registry:            reg,
		MaxRequestsInFlight: metricsMaxConcurrency,
		Timeout:             metricsScrapeTimeout,
	})
	return h, nil
}

// NewMetricsEndpoint returns GET /metrics of the API router, served only to a scraper
// presenting METRICS_TOKEN (see [httpapi.Metrics]), and the router's hook that counts
// every request into httpm.
func NewMetricsEndpoint(cfg config.Config, h MetricsHandler, httpm *HTTPMetrics) httpapi.MetricsEndpoint {
	return httpapi.MetricsEndpoint{Handler: h, Token: cfg.MetricsToken, ObserveFunc: httpm.Observe}
}

// MetricsServer serves GET /metrics, and nothing else, on its own listener at METRICS_ADDR,
// without a token: the listener is meant for a private interface that only the scraper
// reaches. The App starts and stops it with the API server.
type MetricsServer struct {
	addr   string
	server *http.Server
	ln     net.Listener
	logger *slog.Logger
}

// NewMetricsServer returns the metrics listener's server for h, or nil when METRICS_ADDR
// is empty. It does not listen yet: see [App.ListenMetrics].
func NewMetricsServer(cfg config.Config, h MetricsHandler, logger *slog.Logger) *MetricsServer {
	if cfg.MetricsAddr == "" {
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
	return &MetricsServer{addr: cfg.MetricsAddr, logger: logger, server: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: cfg.HTTPReadHeaderTimeout,
		ReadTimeout:       cfg.HTTPReadTimeout,
		WriteTimeout:      metricsWriteTimeout,
		IdleTimeout:       cfg.HTTPIdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}}
}

// listen opens the server's listener unless it is open already, and returns its address.
func (m *MetricsServer) listen(ctx context.Context) (net.Addr, error) {
	if m.ln == nil {
		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", m.addr)
		if err != nil {
			return nil, err
		}
		m.ln = ln
	}
	return m.ln.Addr(), nil
}

// serve serves the open listener in the background and returns the function that stops
// the server, giving a scrape in flight [metricsShutdownGrace].
func (m *MetricsServer) serve() (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.server.Serve(m.ln); !errors.Is(err, http.ErrServerClosed) {
			m.logger.Error("metrics listener stopped; /metrics is no longer served there", "error", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), metricsShutdownGrace)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			_ = m.server.Close()
		}
		<-done
	}
}

// ListenMetrics opens the metrics listener at METRICS_ADDR, if not open yet, and returns its
// address, e.g. the port chosen for "127.0.0.1:0"; [App.Serve] then serves it. Serve opens
// it by itself otherwise. It returns nil and no error when METRICS_ADDR is empty.
func (a *App) ListenMetrics(ctx context.Context) (net.Addr, error) {
	if a.metrics == nil {
		return nil, nil
	}
	addr, err := a.metrics.listen(ctx)
	if err != nil {
		return nil, fmt.Errorf("listen on METRICS_ADDR %s: %w", a.metrics.addr, err)
	}
	return addr, nil
}

// serveMetrics starts the metrics listener when there is one and returns the function that
// stops it.
func (a *App) serveMetrics(ctx context.Context) (stop func(), err error) {
	addr, err := a.ListenMetrics(ctx)
	if err != nil || addr == nil {
		return func() {}, err
	}
	a.logger.Info("serving metrics", "addr", addr.String())
	return a.metrics.serve(), nil
}
