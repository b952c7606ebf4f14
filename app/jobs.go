package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// Workers per process of the one job queue. PostgreSQL runs them side by side; SQLite has a
// single write connection, which every job's completion (and a worker's own transaction)
// waits for, so more workers there would only queue up behind it.
const (
	postgresJobWorkers = 4
	sqliteJobWorkers   = 2
)

// jobHardStopTimeout bounds the wait for cancelled jobs to return once [JobRunner.Stop]'s
// context has ended with jobs still running.
const jobHardStopTimeout = 5 * time.Second

// riverClient is the part of a River client, whatever its driver, that the runner uses.
type riverClient interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// JobRunner works the background jobs that transactions enqueue through [ports.Tx.Jobs]:
// a River client over the store's own database, with the workers it is given, on River's
// default queue (where the stores insert). Every instance may run one; River hands each job
// to one of them. Build it with [NewJobRunner], then Start and Stop it.
type JobRunner struct {
	client riverClient
	engine string
	logger *slog.Logger
}

// NewJobRunner returns a stopped runner for db's jobs with workers (at least one must be
// added before Start) and the periodic jobs its leader schedules (River elects one leader
// among the instances, so a periodic job runs once per tick across a cluster). It picks River's driver by the store: riverpgxv5 over the PostgreSQL
// store's pool (4 workers), riversqlite over the SQLite store's write connection
// (2 workers). River logs its warnings and errors to logger (its info lines, such as job
// counts every few seconds, are dropped); the workers log their own outcomes. It returns an
// error for any other store.
func NewJobRunner(db Database, workers *river.Workers, periodic []*river.PeriodicJob, logger *slog.Logger) (*JobRunner, error) {
	if workers == nil {
		return nil, errors.New("job runner: workers are required")
	}
	config := func(maxWorkers int) *river.Config {
		return &river.Config{
			Logger:       slog.New(minLevel{Handler: logger.Handler(), min: slog.LevelWarn}),
			Workers:      workers,
			PeriodicJobs: periodic,
			Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}},
		}
	}
	var (
		client riverClient
		engine string
		err    error
	)
	switch s := db.(type) {
	case interface{ JobPool() *pgxpool.Pool }:
		engine = "postgres"
		client, err = river.NewClient(riverpgxv5.New(s.JobPool()), config(postgresJobWorkers))
	case interface{ JobDB() *sql.DB }:
		engine = "sqlite"
		client, err = river.NewClient(riversqlite.New(s.JobDB()), config(sqliteJobWorkers))
	default:
		return nil, fmt.Errorf("job runner: store %T offers no job database", db)
	}
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	return &JobRunner{client: client, engine: engine, logger: logger}, nil
}

// Start starts working jobs and returns once River has checked the database and started
// its queue. ctx bounds nothing after that: the runner works until [JobRunner.Stop], so the
// app decides when jobs stop (after the HTTP server has drained, whose requests may still
// enqueue some). Starting a running runner does nothing.
func (r *JobRunner) Start(ctx context.Context) error {
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job runner: %w", err)
	}
	r.logger.Info("job runner started", "store", r.engine)
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish, until ctx ends. If
// jobs are still running then, their contexts are cancelled, Stop waits a few more seconds
// for them to return, and it returns an error; River retries such jobs later. Stopping a
// runner that is not running does nothing.
func (r *JobRunner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil {
		r.logger.Info("job runner stopped")
		return nil
	}
	if ctx.Err() == nil {
		return fmt.Errorf("stop job runner: %w", err)
	}
	hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobHardStopTimeout)
	defer cancel()
	hardErr := r.client.StopAndCancel(hardCtx)
	return fmt.Errorf("stop job runner: jobs still running at the deadline were cancelled: %w", errors.Join(err, hardErr))
}

// minLevel passes on the records of its Handler at min or above.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}
