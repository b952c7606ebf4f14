package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// jobWaitLimit bounds every wait for a job; it is generous so that only a hang fails.
const jobWaitLimit = 30 * time.Second

// testJobKind is the kind of testJobArgs.
const testJobKind = "app_test_job"

// testJobArgs are the args of the test job, enqueued as JSON through ports.Job.
type testJobArgs struct {
	// Token names the job in the runs the worker reports.
	Token string `json:"token"`
	// FailAttempts makes the first attempts fail.
	FailAttempts int `json:"fail_attempts"`
	// Block holds the job until the test releases it or its context ends.
	Block bool `json:"block"`
}

func (testJobArgs) Kind() string { return testJobKind }

// jobRun is one attempt the worker saw.
type jobRun struct {
	token   string
	attempt int
}

// testJobWorker reports each attempt on ran. A blocking job signals started, then waits for
// release or for its context to end, which it reports on cancelled.
type testJobWorker struct {
	river.WorkerDefaults[testJobArgs]
	ran       chan jobRun
	started   chan struct{}
	release   chan struct{}
	cancelled chan struct{}
	finished  atomic.Bool
}

func (w *testJobWorker) Work(ctx context.Context, job *river.Job[testJobArgs]) error {
	w.ran <- jobRun{token: job.Args.Token, attempt: job.Attempt}
	if job.Args.Block {
		close(w.started)
		select {
		case <-w.release:
		case <-ctx.Done():
			close(w.cancelled)
			return ctx.Err()
		}
	}
	if job.Attempt <= job.Args.FailAttempts {
		return errors.New("planned failure")
	}
	w.finished.Store(true)
	return nil
}

// NextRetry retries a failed attempt at once, so the retry test does not wait for River's
// default backoff.
func (w *testJobWorker) NextRetry(*river.Job[testJobArgs]) time.Time { return time.Now() }

// jobBundle is a migrated store, a runner over it and the test worker.
type jobBundle struct {
	store  app.Database
	runner *app.JobRunner
	worker *testJobWorker
}

// migratePostgres migrates pgtest's template database.
func migratePostgres(ctx context.Context, dsn string) error {
	s, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	return errors.Join(s.Migrate(ctx), s.Close())
}

// jobEngines open a fresh, migrated store of each engine for t.
var jobEngines = []struct {
	name string
	open func(t *testing.T) app.Database
}{
	{"SQLite", func(t *testing.T) app.Database {
		t.Helper()
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "talabin.db"), sqlite.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		require.NoError(t, s.Migrate(t.Context()))
		return s
	}},
	{"PostgreSQL", func(t *testing.T) app.Database {
		t.Helper()
		dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
		s, err := postgres.Open(t.Context(), dsn, postgres.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	}},
}

func setupJobs(t *testing.T, open func(t *testing.T) app.Database) *jobBundle {
	t.Helper()
	b := &jobBundle{
		store: open(t),
		worker: &testJobWorker{
			ran:       make(chan jobRun, 16),
			started:   make(chan struct{}),
			release:   make(chan struct{}),
			cancelled: make(chan struct{}),
		},
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, b.worker)
	var err error
	b.runner, err = app.NewJobRunner(b.store, workers, nil, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	// Registered after the store's Close, so it runs first: the runner stops before the store
	// closes. Stopping a stopped runner does nothing.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), jobWaitLimit)
		defer cancel()
		require.NoError(t, b.runner.Stop(ctx))
	})
	return b
}

// enqueue enqueues a test job with args in a transaction of its own.
func (b *jobBundle) enqueue(t *testing.T, args testJobArgs) {
	t.Helper()
	raw, err := json.Marshal(args)
	require.NoError(t, err)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Jobs().Enqueue(ctx, ports.Job{Kind: testJobKind, Args: raw})
		return err
	}))
}

// nextRun waits for the worker's next attempt.
func (b *jobBundle) nextRun(t *testing.T) jobRun {
	t.Helper()
	select {
	case r := <-b.worker.ran:
		return r
	case <-time.After(jobWaitLimit):
		t.Fatalf("no job ran within %s", jobWaitLimit)
		return jobRun{}
	}
}

// wait waits for ch to close.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(jobWaitLimit):
		t.Fatalf("%s did not happen within %s", what, jobWaitLimit)
	}
}

func TestJobRunner(t *testing.T) {
	t.Parallel()
	for _, engine := range jobEngines {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			t.Run("RunsEnqueuedJobs", func(t *testing.T) {
				t.Parallel()
				b := setupJobs(t, engine.open)
				b.enqueue(t, testJobArgs{Token: "before-start"})
				require.NoError(t, b.runner.Start(t.Context()))
				b.enqueue(t, testJobArgs{Token: "after-start"})

				runs := []jobRun{b.nextRun(t), b.nextRun(t)}
				require.ElementsMatch(t, []jobRun{{"before-start", 1}, {"after-start", 1}}, runs)
			})
			t.Run("RetriesFailedJob", func(t *testing.T) {
				t.Parallel()
				b := setupJobs(t, engine.open)
				b.enqueue(t, testJobArgs{Token: "flaky", FailAttempts: 1})
				require.NoError(t, b.runner.Start(t.Context()))

				require.Equal(t, jobRun{"flaky", 1}, b.nextRun(t))
				require.Equal(t, jobRun{"flaky", 2}, b.nextRun(t), "a failed attempt is retried")
			})
			t.Run("StopWaitsForRunningJob", func(t *testing.T) {
				t.Parallel()
				b := setupJobs(t, engine.open)
				b.enqueue(t, testJobArgs{Token: "slow", Block: true})
				require.NoError(t, b.runner.Start(t.Context()))
				wait(t, b.worker.started, "the job's start")

				stopped := make(chan error, 1)
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), jobWaitLimit)
					defer cancel()
					stopped <- b.runner.Stop(ctx)
				}()
				close(b.worker.release)
				require.NoError(t, <-stopped)
				require.True(t, b.worker.finished.Load(), "Stop returned before the running job finished")
			})
			t.Run("StopCancelsJobsAtDeadline", func(t *testing.T) {
				t.Parallel()
				b := setupJobs(t, engine.open)
				b.enqueue(t, testJobArgs{Token: "stuck", Block: true})
				require.NoError(t, b.runner.Start(t.Context()))
				wait(t, b.worker.started, "the job's start")

				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				defer cancel()
				err := b.runner.Stop(ctx)
				require.ErrorIs(t, err, context.DeadlineExceeded)
				require.ErrorContains(t, err, "jobs still running at the deadline were cancelled")
				wait(t, b.worker.cancelled, "the job's cancellation")
				require.False(t, b.worker.finished.Load())
			})
		})
	}
}

func TestNewJobRunnerRefuses(t *testing.T) {
	t.Parallel()
	t.Run("NoWorkers", func(t *testing.T) {
		t.Parallel()
		_, err := app.NewJobRunner(jobEngines[0].open(t), nil, nil, slog.New(slog.DiscardHandler))
		require.ErrorContains(t, err, "workers are required")
	})
	t.Run("StoreWithoutJobDatabase", func(t *testing.T) {
		t.Parallel()
		_, err := app.NewJobRunner(struct{ app.Database }{}, river.NewWorkers(), nil, slog.New(slog.DiscardHandler))
		require.ErrorContains(t, err, "offers no job database")
	})
}
