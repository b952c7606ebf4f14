package sqlite

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// enqueue enqueues job in its own transaction.
func enqueue(t *testing.T, s *Store, job ports.Job) (bool, error) {
	t.Helper()
	var inserted bool
	err := s.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		inserted, err = tx.Jobs().Enqueue(ctx, job)
		return err
	})
	return inserted, err
}

// storedJob is the part of a river_job row the store sets.
type storedJob struct {
	args        string
	state       string
	maxAttempts int
}

func readJobs(t *testing.T, s *Store, kind string) []storedJob {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(),
		"SELECT json(args), state, max_attempts FROM river_job WHERE kind = ? ORDER BY id", kind)
	require.NoError(t, err)
	defer func() { require.NoError(t, rows.Close()) }()
	var jobs []storedJob
	for rows.Next() {
		var j storedJob
		require.NoError(t, rows.Scan(&j.args, &j.state, &j.maxAttempts))
		jobs = append(jobs, j)
	}
	require.NoError(t, rows.Err())
	return jobs
}

func TestJobStored(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		job             ports.Job
		wantArgs        string
		wantState       string
		wantMaxAttempts int
	}{
		{"Plain", ports.Job{Args: json.RawMessage(` {"to":"+989121234567","n":[1,2]} `)},
			`{"to":"+989121234567","n":[1,2]}`, "available", 25},
		{"UniqueKeyInArgs", ports.Job{Args: json.RawMessage(`{"n":1}`), UniqueKey: `reconcile:"42"`},
			`{"talabin_unique_key":"reconcile:\"42\"","n":1}`, "available", 25},
		{"UniqueKeyEmptyObject", ports.Job{Args: json.RawMessage(`{ }`), UniqueKey: "k"},
			`{"talabin_unique_key":"k"}`, "available", 25},
		{"ScheduledWithMaxAttempts", ports.Job{
			Args: json.RawMessage(`{}`), RunAt: time.Now().Add(time.Hour), MaxAttempts: 3,
		}, `{}`, "scheduled", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, MemoryPath, Options{})
			tc.job.Kind = "sqlite_test"
			inserted, err := enqueue(t, s, tc.job)
			require.NoError(t, err)
			require.True(t, inserted)
			jobs := readJobs(t, s, "sqlite_test")
			require.Len(t, jobs, 1)
			require.JSONEq(t, tc.wantArgs, jobs[0].args)
			require.Equal(t, tc.wantState, jobs[0].state)
			require.Equal(t, tc.wantMaxAttempts, jobs[0].maxAttempts)
		})
	}
}

func TestJobUniqueKeyScope(t *testing.T) {
	t.Parallel()
	s := openStore(t, tempPath(t), Options{})
	job := ports.Job{Kind: "sqlite_unique", Args: json.RawMessage(`{"n":1}`), UniqueKey: "payout:7"}
	for _, tc := range []struct {
		name string
		job  ports.Job
		want bool
	}{
		{"First", job, true},
		{"SameKeyOtherArgs", ports.Job{Kind: job.Kind, Args: json.RawMessage(`{"n":2}`), UniqueKey: job.UniqueKey}, false},
		{"SameKeyOtherKind", ports.Job{Kind: "sqlite_unique_other", Args: job.Args, UniqueKey: job.UniqueKey}, true},
		{"OtherKey", ports.Job{Kind: job.Kind, Args: job.Args, UniqueKey: "payout:8"}, true},
		{"NoKey", ports.Job{Kind: job.Kind, Args: job.Args}, true},
	} {
		inserted, err := enqueue(t, s, tc.job)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, inserted, tc.name)
	}

	// A finished job no longer holds its key; the runner would have set these columns.
	_, err := s.write.ExecContext(t.Context(), `UPDATE river_job SET state = 'completed',
		finalized_at = CURRENT_TIMESTAMP WHERE kind = 'sqlite_unique'`)
	require.NoError(t, err)
	inserted, err := enqueue(t, s, job)
	require.NoError(t, err)
	require.True(t, inserted, "a completed job does not block its key")
	inserted, err = enqueue(t, s, job)
	require.NoError(t, err)
	require.False(t, inserted)
}

func TestJobInvalidArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		job  ports.Job
	}{
		{"ReservedKey", ports.Job{Kind: "sqlite_bad", Args: json.RawMessage(`{"talabin_unique_key":"x"}`)}},
		{"NegativeMaxAttempts", ports.Job{Kind: "sqlite_bad", Args: json.RawMessage(`{}`), MaxAttempts: -1}},
		{"Null", ports.Job{Kind: "sqlite_bad", Args: json.RawMessage(`null`)}},
		{"Empty", ports.Job{Kind: "sqlite_bad"}},
		{"String", ports.Job{Kind: "sqlite_bad", Args: json.RawMessage(`"{}"`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, MemoryPath, Options{})
			_, err := enqueue(t, s, tc.job)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Empty(t, readJobs(t, s, "sqlite_bad"))
		})
	}
}

func TestJobDB(t *testing.T) {
	t.Parallel()
	s := openStore(t, MemoryPath, Options{})
	_, err := enqueue(t, s, ports.Job{Kind: "sqlite_db", Args: json.RawMessage(`{}`)})
	require.NoError(t, err)
	var n int
	require.NoError(t, s.JobDB().QueryRowContext(t.Context(),
		"SELECT count(*) FROM river_job WHERE kind = 'sqlite_db'").Scan(&n))
	require.Equal(t, 1, n, "the job runner's handle sees the store's jobs")
}
