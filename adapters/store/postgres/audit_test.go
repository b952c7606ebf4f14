package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	migrations "github.com/talabin/talabin/migrations/postgres"
	"github.com/talabin/talabin/ports"
)

// TestAuditChainsAfterMigration stores events the way they were stored before the log had
// several chains (migration 00010): two before the chain began (no hashes; the constraint
// that now refuses them is dropped meanwhile) and two chained, hashed as the single-chain
// store hashed them. It migrates and appends: the old chained events are chain 0 and still
// verify, chain 0 goes on after them, and another chain starts at the zero hash.
func TestAuditChainsAfterMigration(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	db := sql.OpenDB(stdlib.GetConnector(*mustParseConfig(t, b.dsn)))
	defer func() { require.NoError(t, db.Close()) }()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	require.NoError(t, err)
	_, err = p.DownTo(t.Context(), 10)
	require.NoError(t, err)

	for _, stmt := range []string{
		`ALTER TABLE audit_events DROP CONSTRAINT audit_events_chained_check`,
		`INSERT INTO audit_events (at, action) VALUES (now(), 'trading.halt'), (now(), 'trading.resume')`,
		`ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained_check
			CHECK (prev_hash IS NOT NULL AND hash IS NOT NULL) NOT VALID`,
	} {
		_, err := db.ExecContext(t.Context(), stmt)
		require.NoError(t, err, stmt)
	}
	// The single chain's events, as its store appended them: entry i follows entry i-1.
	var prev audit.Hash
	for id := int64(3); id <= 4; id++ {
		e := audit.Entry{ID: id, At: b.now, ActorID: 3, ActorRole: "user", Action: "order.place", Entity: "order", EntityID: fmt.Sprint(id)}
		h := audit.Link(prev, e)
		_, err := db.ExecContext(t.Context(), `INSERT INTO audit_events
			(id, at, actor_id, actor_role, action, entity, entity_id, prev_hash, hash) VALUES ($1, $2, 3, 'user', 'order.place', 'order', $3, $4, $5)`,
			id, e.At, e.EntityID, prev[:], h[:])
		require.NoError(t, err)
		prev = h
	}
	_, err = db.ExecContext(t.Context(), `SELECT setval(pg_get_serial_sequence('audit_events', 'id'), 4)`)
	require.NoError(t, err)
	_, err = p.Up(t.Context())
	require.NoError(t, err)

	// Actor 16 is in chain 0 of 16, actor 3 in chain 3.
	for _, actor := range []core.UserID{16, 3, 16} {
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, ActorID: actor, Action: "price.set"})
			return err
		}))
	}
	var events []ports.AuditEvent
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, err = tx.Audit().Chain(ctx, 0, 10)
		return err
	}))
	require.Len(t, events, 7)
	for _, e := range events[:4] {
		require.Zero(t, e.Chain, "event %d predates the chains: chain 0", e.ID)
	}
	for _, e := range events[:2] {
		require.True(t, e.PrevHash.IsZero() && e.Hash.IsZero(), "event %d predates the chain", e.ID)
	}
	require.Equal(t, []int{0, 3, 0}, []int{events[4].Chain, events[5].Chain, events[6].Chain})
	require.Equal(t, events[3].Hash, events[4].PrevHash, "chain 0 goes on after the single chain's events")
	require.True(t, events[5].PrevHash.IsZero(), "chain 3 starts at the zero hash")
	require.Equal(t, events[4].Hash, events[6].PrevHash)
	var v audit.Verifier
	for _, e := range events {
		require.NoError(t, v.Add(e.Sealed()))
	}
	require.EqualValues(t, 2, v.Unchained())
	require.Equal(t, []audit.Head{
		{Chain: 0, ID: events[6].ID, Hash: events[6].Hash},
		{Chain: 3, ID: events[5].ID, Hash: events[5].Hash},
	}, v.Heads())
}

// TestAuditEventsMustBeChained inserts events behind the store's back: one without hashes,
// without a chain, with a negative chain or with a hash of the wrong length is refused, and
// so is one that follows an event another of its chain already follows (a fork). Another
// chain may start at the zero hash.
func TestAuditEventsMustBeChained(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, ActorID: 5, Action: "price.set"})
		return err
	}))
	conn := b.connect(t)
	tests := []struct {
		name, stmt, wantErr string
	}{
		{"NoHashes", `INSERT INTO audit_events (at, action, chain) VALUES (now(), 'x', 0)`, "audit_events_chained_check"},
		{"NoPrevHash", `INSERT INTO audit_events (at, action, chain, hash) VALUES (now(), 'x', 0, sha256('x'))`, "audit_events_chained_check"},
		{"ShortHash", `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (now(), 'x', 0, sha256('y'), '\x00')`, "audit_events_hash_check"},
		{"NoChain", `INSERT INTO audit_events (at, action, prev_hash, hash) VALUES (now(), 'x', sha256('y'), sha256('x'))`, `null value in column "chain"`},
		{"NegativeChain", `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (now(), 'x', -1, sha256('y'), sha256('x'))`, "audit_events_chain_check"},
		{"Fork", `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (now(), 'x', 5, '\x` + zeroHex + `', sha256('x'))`, "audit_events_chain_prev_hash_key"},
	}
	for _, tt := range tests {
		_, err := conn.Exec(t.Context(), tt.stmt)
		require.ErrorContains(t, err, tt.wantErr, tt.name)
	}
	_, err := conn.Exec(t.Context(), `INSERT INTO audit_events (at, action, chain, prev_hash, hash) VALUES (now(), 'x', 6, '\x`+zeroHex+`', sha256('x'))`)
	require.NoError(t, err, "each chain starts at the zero hash")
}

// TestAuditChainsOption appends with one chain: every event goes to chain 0, whatever its
// actor.
func TestAuditChainsOption(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{AuditChains: 1})
	for _, actor := range []core.UserID{5, 6, 0} {
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, ActorID: actor, Entity: "deposit", EntityID: "9", Action: "price.set"})
			return err
		}))
	}
	var events []ports.AuditEvent
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, err = tx.Audit().Chain(ctx, 0, 10)
		return err
	}))
	require.Len(t, events, 3)
	for i, e := range events {
		require.Zero(t, e.Chain)
		if i > 0 {
			require.Equal(t, events[i-1].Hash, e.PrevHash)
		}
	}
}

// zeroHex is 32 zero bytes in hex: the prev hash of the first event of a chain.
var zeroHex = audit.Hash{}.String()

// TestAuditChainsOptionBounds checks the bounds of [postgres.Options.AuditChains].
func TestAuditChainsOptionBounds(t *testing.T) {
	t.Parallel()
	for _, n := range []int{-1, postgres.MaxAuditChains + 1} {
		require.ErrorIs(t, postgres.Options{AuditChains: n}.Validate(), core.ErrInvalidInput, "%d chains", n)
	}
	require.NoError(t, postgres.Options{AuditChains: postgres.MaxAuditChains}.Validate())
}
