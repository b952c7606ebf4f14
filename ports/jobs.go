package ports

import (
	"context"
	"encoding/json"
	"time"
)

// JobQueue enqueues background work (SMS sends, reconciliations) in the caller's
// transaction, so a job exists exactly when the state change that caused it commits: a crash
// between commit and dispatch loses nothing, and a rollback sends nothing. Workers outside
// the request run the jobs after commit, with retries and backoff.
type JobQueue interface {
	// Enqueue inserts job. With a UniqueKey, a job of the same kind and key that is not yet
	// finished makes this a no-op and Enqueue reports inserted = false. It returns
	// [core.ErrInvalidInput] for a job without a kind or with args that are not a JSON
	// object. Not idempotent without a UniqueKey.
	Enqueue(ctx context.Context, job Job) (inserted bool, err error)
	// Depth counts the jobs of kind ("" for every kind) that are waiting to run: available,
	// scheduled or waiting to be retried. Metrics and tests read it.
	Depth(ctx context.Context, kind string) (int, error)
}

// Job is one unit of background work.
type Job struct {
	// Kind names the worker that runs the job, e.g. "sms_otp".
	Kind string
	// Args is the job's input as a JSON object. Secrets in it (an OTP code) are sealed by
	// the caller before they reach the database.
	Args json.RawMessage
	// RunAt delays the job until then; zero means now.
	RunAt time.Time
	// MaxAttempts bounds the tries; zero means the queue's default.
	MaxAttempts int
	// UniqueKey, when set, keeps at most one unfinished job per kind and key.
	UniqueKey string
}
