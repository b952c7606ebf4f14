package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
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

// TestAuditChainsAfterMigration stores events the way the single-chain store did (migration
// 00008): chained, hashed as it hashed them. It migrates and appends: the old events are
// chain 0 and still verify, chain 0 goes on after them, and another chain starts at the zero
// hash.
func TestAuditChainsAfterMigration(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), tempPath(t), Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	p, err := s.migrationProvider()
	require.NoError(t, err)
	_, err = p.UpTo(t.Context(), 8)
	require.NoError(t, err)
	var prev audit.Hash
	at := time.UnixMicro(1_774_085_415_000_000).UTC()
	for id := int64(1); id <= 2; id++ {
		e := audit.Entry{ID: id, At: at, ActorID: 3, ActorRole: "user", Action: "order.place", Entity: "order", EntityID: fmt.Sprint(id)}
		h := audit.Link(prev, e)
		_, err := s.write.ExecContext(t.Context(), `INSERT INTO audit_events
			(id, at, actor_id, actor_role, action, entity, entity_id, prev_hash, hash) VALUES (?, ?, 3, 'user', 'order.place', 'order', ?, ?, ?)`,
			id, at.UnixMicro(), e.EntityID, prev[:], h[:])
		require.NoError(t, err)
		prev = h
	}
	require.NoError(t, s.Migrate(t.Context()))

	// Actor 16 is in chain 0 of 16, actor 3 in chain 3.
	for _, actor := range []core.UserID{16, 3, 16} {
		require.NoError(t, s.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: at, ActorID: actor, Action: "price.set"})
			return err
		}))
	}
	var events []ports.AuditEvent
	require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		events, err = tx.Audit().Chain(ctx, 0, 10)
		return err
	}))
	require.Len(t, events, 5)
	require.Equal(t, []int{0, 0, 0, 3, 0}, []int{events[0].Chain, events[1].Chain, events[2].Chain, events[3].Chain, events[4].Chain})
	require.Equal(t, events[1].Hash, events[2].PrevHash, "chain 0 goes on after the single chain's events")
	require.True(t, events[3].PrevHash.IsZero(), "chain 3 starts at the zero hash")
	require.Equal(t, events[2].Hash, events[4].PrevHash)
	var v audit.Verifier
	for _, e := range events {
		require.NoError(t, v.Add(e.Sealed()))
	}
	require.Equal(t, []audit.Head{
		{Chain: 0, ID: events[4].ID, Hash: events[4].Hash},
		{Chain: 3, ID: events[3].ID, Hash: events[3].Hash},
	}, v.Heads())
}

// TestAuditEventsMustBeChained inserts events behind the store's back: one without hashes,
// with a negative chain or with a hash of the wrong length is refused, and so is one that
// follows an event another of its chain already follows (a fork). Another chain may start at
// the zero hash.
func TestAuditEventsMustBeChained(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: time.Now(), ActorID: 5, Action: "price.set"})
		return err
	}))
	tests := []struct {
		name, stmt, wantErr string
	}{
		{"NoHashes", `INSERT INTO audit_events (at, action) VALUES (1, 'x')`, "audit_events must be chained"},
		{"NoPrevHash", `INSERT INTO audit_events (at, action, hash) VALUES (1, 'x', zeroblob(32))`, "audit_events must be chained"},
		{"ShortHash", `INSERT INTO audit_events (at, action, prev_hash, hash) VALUES (1, 'x', randomblob(32), zeroblob(31))`, "CHECK constraint failed"},
		{"NegativeChain", `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (1, 'x', -1, randomblob(32), randomblob(32))`, "CHECK constraint failed: chain >= 0"},
		{"Fork", `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (1, 'x', 5, zeroblob(32), randomblob(32))`, "UNIQUE constraint failed: audit_events.chain, audit_events.prev_hash"},
	}
	for _, tt := range tests {
		_, err := b.store.write.ExecContext(t.Context(), tt.stmt)
		require.ErrorContains(t, err, tt.wantErr, tt.name)
	}
	_, err := b.store.write.ExecContext(t.Context(), `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (1, 'x', 6, zeroblob(32), randomblob(32))`)
	require.NoError(t, err, "each chain starts at the zero hash")
}

func TestAuditChainsOptionBounds(t *testing.T) {
	t.Parallel()
	for _, n := range []int{-1, MaxAuditChains + 1} {
		_, err := Open(t.Context(), MemoryPath, Options{AuditChains: n})
		require.ErrorIs(t, err, core.ErrInvalidInput, "%d chains", n)
	}
}
