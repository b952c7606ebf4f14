package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

var _ ports.JobQueue = jobQueue{}

// uniqueKeyArg is the key under which a job's [ports.Job.UniqueKey] is stored in its args:
// River's uniqueness is by kind and args, and jobArgs restricts the args to this key.
// Workers ignore it.
const uniqueKeyArg = "talabin_unique_key"

// uniqueStates are the states in which a job blocks another of the same kind and unique
// key: every state of an unfinished job. A completed, cancelled or discarded job does not.
var uniqueStates = []rivertype.JobState{ //nolint:gochecknoglobals // a constant list River takes as a slice
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// jobDepth counts the jobs waiting to run, of one kind, or of every kind for an empty kind.
// River's tables come from River's own migrations, not from migrations/postgres, so sqlc
// cannot check this statement; it is written here instead of in queries/postgres.
const jobDepth = `SELECT count(*) FROM river_job
WHERE state IN ('available', 'scheduled', 'retryable', 'pending')
  AND ($1::text = '' OR kind = $1::text)`

// jobQueue is the [ports.JobQueue] of a transaction: River inserts into river_job in it.
type jobQueue struct{ tx *tx }

// Enqueue inserts job in the transaction through the store's insert-only River client.
func (q jobQueue) Enqueue(ctx context.Context, job ports.Job) (bool, error) {
	args, err := newJobArgs(job)
	if err != nil {
		return false, err
	}
	if q.tx.done {
		return false, errTxDone
	}
	opts := &river.InsertOpts{ScheduledAt: job.RunAt, MaxAttempts: job.MaxAttempts}
	if job.UniqueKey != "" {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: uniqueStates}
	}
	res, err := q.tx.store.jobs.InsertTx(ctx, q.tx.ptx, args, opts)
	if err != nil {
		return false, fmt.Errorf("postgres: enqueue job %q: %w", job.Kind, interpretError(err))
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// Depth counts the jobs of kind ("" for every kind) that are available, scheduled,
// retryable or pending.
func (q jobQueue) Depth(ctx context.Context, kind string) (int, error) {
	var n int64
	if err := q.tx.QueryRow(ctx, jobDepth, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: job depth: %w", interpretError(err))
	}
	return int(n), nil
}

// jobArgs are a [ports.Job]'s kind and args in the shape River inserts: the args encode as
// the job's JSON object, with the unique key, if any, added under uniqueKeyArg. The struct
// tag makes River's ByArgs uniqueness look at that key alone.
type jobArgs struct {
	kind string
	args json.RawMessage
	// UniqueKey is the job's unique key. River reads only its tags; MarshalJSON writes it.
	UniqueKey string `json:"talabin_unique_key,omitempty" river:"unique"`
}

// newJobArgs validates job and returns its River args. It returns [core.ErrInvalidInput]
// for a job without a kind, with args that are not a JSON object, with a negative
// MaxAttempts, or whose args already hold uniqueKeyArg.
func newJobArgs(job ports.Job) (jobArgs, error) {
	if job.Kind == "" {
		return jobArgs{}, fmt.Errorf("%w: job without a kind", core.ErrInvalidInput)
	}
	if job.MaxAttempts < 0 {
		return jobArgs{}, fmt.Errorf("%w: job %q: negative max attempts", core.ErrInvalidInput, job.Kind)
	}
	var fields map[string]json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(job.Args), []byte("{")) || json.Unmarshal(job.Args, &fields) != nil {
		return jobArgs{}, fmt.Errorf("%w: job %q: args are not a JSON object", core.ErrInvalidInput, job.Kind)
	}
	a := jobArgs{kind: job.Kind, args: job.Args, UniqueKey: job.UniqueKey}
	if job.UniqueKey == "" {
		return a, nil
	}
	if _, ok := fields[uniqueKeyArg]; ok {
		return jobArgs{}, fmt.Errorf("%w: job %q: args use the reserved key %s", core.ErrInvalidInput, job.Kind, uniqueKeyArg)
	}
	key, err := json.Marshal(job.UniqueKey)
	if err != nil {
		return jobArgs{}, fmt.Errorf("%w: job %q: unique key: %w", core.ErrInvalidInput, job.Kind, err)
	}
	fields[uniqueKeyArg] = key
	if a.args, err = json.Marshal(fields); err != nil {
		return jobArgs{}, fmt.Errorf("%w: job %q: %w", core.ErrInvalidInput, job.Kind, err)
	}
	return a, nil
}

// Kind returns the job's kind.
func (a jobArgs) Kind() string { return a.kind }

// MarshalJSON returns the job's args, with the unique key in them.
func (a jobArgs) MarshalJSON() ([]byte, error) {
	if len(a.args) == 0 {
		return nil, errors.New("postgres: job args not built by newJobArgs")
	}
	return a.args, nil
}
