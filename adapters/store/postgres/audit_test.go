package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// TestAuditChainAfterUnchainedEvents stores events the way they were stored before the
// chain's migration (no hashes; the constraint that now refuses them is dropped meanwhile)
// and appends after them: the chain starts at the zero hash.
func TestAuditChainAfterUnchainedEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	conn := b.connect(t)
	for _, stmt := range []string{
		`ALTER TABLE audit_events DROP CONSTRAINT audit_events_chained_check`,
		`INSERT INTO audit_events (at, action) VALUES (now(), 'trading.halt'), (now(), 'trading.resume')`,
		`ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained_check
			CHECK (prev_hash IS NOT NULL AND hash IS NOT NULL) NOT VALID`,
	} {
		_, err := conn.Exec(t.Context(), stmt)
		require.NoError(t, err, stmt)
	}
	for range 2 {
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, Action: "price.set"})
			return err
		}))
	}
	var events []ports.AuditEvent
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
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
	b := setup(t, postgres.Options{})
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, Action: "price.set"})
		return err
	}))
	conn := b.connect(t)
	tests := []struct {
		name, stmt, wantErr string
	}{
		{"NoHashes", `INSERT INTO audit_events (at, action) VALUES (now(), 'x')`, "audit_events_chained_check"},
		{"NoPrevHash", `INSERT INTO audit_events (at, action, hash) VALUES (now(), 'x', sha256('x'))`, "audit_events_chained_check"},
		{"ShortHash", `INSERT INTO audit_events (at, action, prev_hash, hash) VALUES (now(), 'x', sha256('y'), '\x00')`, "audit_events_hash_check"},
		{"Fork", `INSERT INTO audit_events (at, action, prev_hash, hash) VALUES (now(), 'x', '\x` + zeroHex + `', sha256('x'))`, "audit_events_prev_hash_key"},
	}
	for _, tt := range tests {
		_, err := conn.Exec(t.Context(), tt.stmt)
		require.ErrorContains(t, err, tt.wantErr, tt.name)
	}
}

// zeroHex is 32 zero bytes in hex: the prev hash of the first event.
var zeroHex = audit.Hash{}.String()
