package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
)

// BuildInfo describes the running binary. The CLI fills it from its -ldflags version.
type BuildInfo struct {
	// Version is the release version, "dev" for an unstamped build.
	Version string
	// GoVersion is the Go toolchain that built the binary, as [runtime.Version] reports it.
	GoVersion string
}

// App is the bundled Talabin application: the HTTP server, the background job workers and
// their lifecycle.
type App struct {
	cfg        config.Config
	logger     *slog.Logger
	server     *http.Server
	readiness  *httpapi.Readiness
	jobs       *JobRunner
	background []Background
	metrics    *MetricsServer
	build      BuildInfo
}

// Handler returns the HTTP handler the app serves: embed it in another server, or walk its
// routes.
func (a *App) Handler() http.Handler { return a.server.Handler }

// Background is a loop an instance runs beside the HTTP server until its context ends, such
// as keeping the memory copy of the price current.
type Background func(ctx context.Context)

// NewApp returns an App that serves server, works jobs (nil: no workers), runs the
// background loops, serves the metrics listener (nil: none) and drains readiness on
// shutdown.
func NewApp(cfg config.Config, logger *slog.Logger, server *http.Server, readiness *httpapi.Readiness,
	jobs *JobRunner, background []Background, metrics *MetricsServer, build BuildInfo,
) *App {
	return &App{
		cfg: cfg, logger: logger, server: server, readiness: readiness, jobs: jobs, background: background,
		metrics: metrics, build: build,
	}
}

// Run listens on HTTP_ADDR and serves until ctx is done, then shuts down gracefully as
// [App.Serve] describes.
func (a *App) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.HTTPAddr, err)
	}
	return a.Serve(ctx, ln)
}

// Serve starts the job workers, serves HTTP on ln until ctx is done and then shuts down:
// /readyz turns 503 first, the listener closes, in-flight requests get SHUTDOWN_TIMEOUT to
// finish, and then running jobs get what is left of it. It returns nil after a clean drain,
// and an error when serving fails or requests or jobs were still running at the deadline
// (they are then cut off). Serve closes ln. With METRICS_ADDR set it also serves GET
// /metrics there ([App.ListenMetrics]) from start to return.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.logStartup(ln.Addr())
	stopMetrics, err := a.serveMetrics(ctx)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopMetrics()
	if a.jobs != nil {
		if err := a.jobs.Start(ctx); err != nil {
			_ = ln.Close()
			return fmt.Errorf("start job workers: %w", err)
		}
	}
	defer a.startBackground(ctx)()
	served := make(chan error, 1)
	go func() { served <- a.server.Serve(ln) }()

	select {
	case err := <-served:
		return errors.Join(fmt.Errorf("serve http: %w", err), a.stopJobs(context.WithoutCancel(ctx)))
	case <-ctx.Done():
	}

	a.logger.Info("shutting down: draining in-flight requests", "timeout", a.cfg.ShutdownTimeout.String())
	a.readiness.Drain()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := a.server.Shutdown(shutdownCtx); err != nil {
		closeErr := a.server.Close()
		return errors.Join(
			fmt.Errorf("shutdown: requests still running after %s: %w", a.cfg.ShutdownTimeout, errors.Join(err, closeErr)),
			a.stopJobs(shutdownCtx))
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(fmt.Errorf("serve http: %w", err), a.stopJobs(shutdownCtx))
	}
	if err := a.stopJobs(shutdownCtx); err != nil {
		return err
	}
	a.logger.Info("stopped")
	return nil
}

// startBackground runs the background loops until ctx ends or the returned stop is called,
// which waits for them to return.
func (a *App) startBackground(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, loop := range a.background {
		wg.Go(func() { loop(ctx) })
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// stopJobs stops the job workers, letting running jobs finish until ctx ends.
func (a *App) stopJobs(ctx context.Context) error {
	if a.jobs == nil {
		return nil
	}
	if err := a.jobs.Stop(ctx); err != nil {
		return fmt.Errorf("stop job workers: %w", err)
	}
	return nil
}

// logStartup logs what the app runs with, and warns about development-only settings.
func (a *App) logStartup(addr net.Addr) {
	a.logger.Info("talabin starting",
		"version", a.build.Version,
		"go", a.build.GoVersion,
		"addr", addr.String(),
		"debug", a.cfg.Debug,
	)
	if a.cfg.SecretKeyGenerated {
		a.logger.Warn("SECRET_KEY is not set: using a random per-process key (DEBUG mode only); " +
			"tokens signed with it do not survive a restart")
	}
}
