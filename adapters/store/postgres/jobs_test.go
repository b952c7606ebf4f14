package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// enqueue enqueues job in a transaction of its own and returns whether it was inserted.
func (b *testBundle) enqueue(t *testing.T, job ports.Job) bool {
	t.Helper()
	var inserted bool
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		inserted, err = tx.Jobs().Enqueue(ctx, job)
		return err
	}))
	return inserted
}

// exec runs sql on a connection of its own.
func (b *testBundle) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), b.dsn)
	require.NoError(t, err)
	defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()
	_, err = conn.Exec(t.Context(), sql, args...)
	require.NoError(t, err)
}

func TestJobs(t *testing.T) {
	t.Parallel()
	t.Run("UniqueKeyKeepsArgs", func(t *testing.T) {
		t.Parallel()
		b := setup(t, postgres.Options{})
		require.True(t, b.enqueue(t, ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{"to":"+989121234567"}`), UniqueKey: "k1", MaxAttempts: 4}))
		conn, err := pgx.Connect(t.Context(), b.dsn)
		require.NoError(t, err)
		defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()
		var args []byte
		var maxAttempts int
		require.NoError(t, conn.QueryRow(t.Context(), "SELECT args, max_attempts FROM river_job WHERE kind = 'sms_otp'").Scan(&args, &maxAttempts))
		require.JSONEq(t, `{"to":"+989121234567","talabin_unique_key":"k1"}`, string(args))
		require.Equal(t, 4, maxAttempts)
	})
	t.Run("DifferentUniqueKeys", func(t *testing.T) {
		t.Parallel()
		b := setup(t, postgres.Options{})
		require.True(t, b.enqueue(t, ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{"n":1}`), UniqueKey: "k1"}))
		require.True(t, b.enqueue(t, ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{"n":1}`), UniqueKey: "k2"}))
		require.True(t, b.enqueue(t, ports.Job{Kind: "sms_other", Args: json.RawMessage(`{"n":1}`), UniqueKey: "k1"}))
		require.False(t, b.enqueue(t, ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{"n":2}`), UniqueKey: "k1"}), "the key alone makes a job unique")
	})
	t.Run("FinishedJobFreesUniqueKey", func(t *testing.T) {
		t.Parallel()
		b := setup(t, postgres.Options{})
		job := ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{}`), UniqueKey: "k1"}
		require.True(t, b.enqueue(t, job))
		b.exec(t, "UPDATE river_job SET state = 'completed', finalized_at = now()")
		require.True(t, b.enqueue(t, job))
	})
	t.Run("ReservedKey", func(t *testing.T) {
		t.Parallel()
		b := setup(t, postgres.Options{})
		err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Jobs().Enqueue(ctx, ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{"talabin_unique_key":"x"}`), UniqueKey: "k1"})
			return err
		})
		require.ErrorIs(t, err, core.ErrInvalidInput)
	})
	t.Run("NotInSnapshot", func(t *testing.T) {
		t.Parallel()
		b := setup(t, postgres.Options{})
		err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Jobs().Enqueue(ctx, ports.Job{Kind: "sms_otp", Args: json.RawMessage(`{}`)})
			return err
		})
		require.Error(t, err, "a read-only transaction inserts no job")
	})
}
