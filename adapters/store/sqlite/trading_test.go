package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/ports"
)

func TestAuditEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: time.Now(), Action: "trading.halt", Reason: "test"})
		return err
	}))
	for _, stmt := range []string{
		"UPDATE audit_events SET reason = 'x'",
		"DELETE FROM audit_events",
	} {
		_, err := b.store.write.ExecContext(t.Context(), stmt)
		require.ErrorContains(t, err, "audit_events is append-only", stmt)
	}
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		events, n, err := tx.Audit().List(ctx, ports.AuditFilter{}, 0, 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, "test", events[0].Reason)
		return nil
	}))
}
