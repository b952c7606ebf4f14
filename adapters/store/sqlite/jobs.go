package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// uniqueKeyField is the args key that carries a job's [ports.Job.UniqueKey]. Callers' args
// must not use it.
const uniqueKeyField = "talabin_unique_key"

// uniqueStates are the states in which a job blocks another of its kind and unique key: every
// state but the finished ones (completed, cancelled, discarded).
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

type jobQueue struct{ t *tx }

var _ ports.JobQueue = jobQueue{}

// Enqueue inserts job with River in the store's write transaction. A unique key travels in
// the args under [uniqueKeyField], the one field River's by-args uniqueness hashes (with the
// kind), in the states of [uniqueStates].
func (q jobQueue) Enqueue(ctx context.Context, job ports.Job) (bool, error) {
	args, err := newJobArgs(job)
	if err != nil {
		return false, err
	}
	opts := &river.InsertOpts{ScheduledAt: job.RunAt, MaxAttempts: job.MaxAttempts}
	if job.UniqueKey != "" {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: uniqueStates}
	}
	res, err := q.t.store.jobs.InsertTx(ctx, q.t.db, args, opts)
	if err != nil {
		return false, fmt.Errorf("enqueue job %s: %w", job.Kind, interpretError(err))
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// Depth counts River's waiting jobs, pending ones (held back by River until another job is
// done) included.
func (q jobQueue) Depth(ctx context.Context, kind string) (int, error) {
	n, err := q.t.q.JobCountWaiting(ctx, q.t.db, kind)
	if err != nil {
		return 0, fmt.Errorf("count jobs: %w", interpretError(err))
	}
	return int(n), nil
}

// jobArgs is a [ports.Job]'s args as River inserts them. River uses the JSON that
// MarshalJSON returns and, for a unique job, hashes only the fields tagged river:"unique".
type jobArgs struct {
	kind string
	args json.RawMessage // a JSON object without uniqueKeyField
	// UniqueKey is only here for its tags; MarshalJSON writes it into the object.
	UniqueKey string `json:"talabin_unique_key,omitempty" river:"unique"`
}

var _ river.JobArgs = jobArgs{}

// newJobArgs checks job's kind and args. It returns an error wrapping
// [core.ErrInvalidInput] for an empty kind, a negative MaxAttempts, and args that are not a
// JSON object or that use [uniqueKeyField].
func newJobArgs(job ports.Job) (jobArgs, error) {
	if job.Kind == "" {
		return jobArgs{}, fmt.Errorf("%w: job kind is empty", core.ErrInvalidInput)
	}
	if job.MaxAttempts < 0 {
		return jobArgs{}, fmt.Errorf("%w: job %s: max attempts is negative", core.ErrInvalidInput, job.Kind)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(job.Args, &fields); err != nil || fields == nil {
		return jobArgs{}, fmt.Errorf("%w: job %s: args are not a JSON object", core.ErrInvalidInput, job.Kind)
	}
	if _, ok := fields[uniqueKeyField]; ok {
		return jobArgs{}, fmt.Errorf("%w: job %s: args use the reserved key %s",
			core.ErrInvalidInput, job.Kind, uniqueKeyField)
	}
	return jobArgs{kind: job.Kind, args: bytes.TrimSpace(job.Args), UniqueKey: job.UniqueKey}, nil
}

// Kind is the job's kind.
func (a jobArgs) Kind() string { return a.kind }

// MarshalJSON returns the caller's object as it is or, for a unique job, with
// [uniqueKeyField] added as its first member.
func (a jobArgs) MarshalJSON() ([]byte, error) {
	if a.UniqueKey == "" {
		return a.args, nil
	}
	key, err := json.Marshal(a.UniqueKey)
	if err != nil {
		return nil, fmt.Errorf("encode unique key: %w", err)
	}
	rest := bytes.TrimSpace(a.args[1:]) // after '{': "}" or the members and "}"
	out := make([]byte, 0, len(uniqueKeyField)+len(key)+len(rest)+5)
	out = append(out, `{"`+uniqueKeyField+`":`...)
	out = append(out, key...)
	if rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...), nil
}

// JobDB returns the database handle for River's riversqlite driver in the client that works
// the jobs; it is for the job runner only. It is the store's one write connection, so River
// waits for it like any write transaction; the caller must not close it.
func (s *Store) JobDB() *sql.DB { return s.write }
