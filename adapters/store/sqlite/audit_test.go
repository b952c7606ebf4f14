package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// TestAuditChainAfterMigration stores events with the schema before the chain (migration
// 00005), migrates, and appends: the old events keep no hashes and the chain starts after
// them at the zero hash.
func TestAuditChainAfterMigration(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), tempPath(t), Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	p, err := s.migrationProvider()
	require.NoError(t, err)
	_, err = p.UpTo(t.Context(), 5)
	require.NoError(t, err)
	for range 2 {
		_, err := s.write.ExecContext(t.Context(), `INSERT INTO audit_events (at, action) VALUES (1, 'trading.halt')`)
		require.NoError(t, err)
	}
	require.NoError(t, s.Migrate(t.Context()))

	for range 2 {
		require.NoError(t, s.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: time.Now(), Action: "price.set"})
			return err
		}))
	}
	var events []ports.AuditEvent
	require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		events, err = tx.Audit().Chain(ctx, 0, 10)
		return err
	}))
	require.Len(t, events, 4)
	for _, e := range events[:2] {
		require.True(t, e.PrevHash.IsZero() && e.Hash.IsZero(), "event %d predates the chain", e.ID)
	}
	require.True(t, events[2].PrevHash.IsZero(), "the chain starts at the zero hash")
	require.Equal(t, events[2].Hash, events[3].PrevHash)
	var v audit.Verifier
	for _, e := range events {
		require.NoError(t, v.Add(e.Sealed()))
	}
	require.EqualValues(t, 2, v.Unchained())
}

// TestAuditEventsMustBeChained inserts events behind the store's back: one without hashes or
// with a hash of the wrong length is refused, and so is one that follows an event another
// already follows (a fork).
func TestAuditEventsMustBeChained(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: time.Now(), Action: "price.set"})
		return err
	}))
	tests := []struct {
		name, stmt, wantErr string
	}{
		{"NoHashes", `INSERT INTO audit_events (at, action) VALUES (1, 'x')`, "audit_events must be chained"},
		{"NoPrevHash", `INSERT INTO audit_events (at, action, hash) VALUES (1, 'x', zeroblob(32))`, "audit_events must be chained"},
		{"ShortHash", `INSERT INTO audit_events (at, action, prev_hash, hash) VALUES (1, 'x', randomblob(32), zeroblob(31))`, "CHECK constraint failed"},
		{"Fork", `INSERT INTO audit_events (at, action, prev_hash, hash) VALUES (1, 'x', zeroblob(32), randomblob(32))`, "UNIQUE constraint failed: audit_events.prev_hash"},
	}
	for _, tt := range tests {
		_, err := b.store.write.ExecContext(t.Context(), tt.stmt)
		require.ErrorContains(t, err, tt.wantErr, tt.name)
	}
}
