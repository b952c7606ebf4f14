package postgres_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// connect opens a connection of its own to the bundle's database, outside the store.
func (b *testBundle) connect(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), b.dsn)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) })
	return conn
}

func TestAuditEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, Action: "trading.halt", Reason: "test"})
		return err
	}))
	conn := b.connect(t)
	for _, stmt := range []string{
		"UPDATE audit_events SET reason = 'x'",
		"DELETE FROM audit_events",
		"TRUNCATE audit_events",
	} {
		_, err := conn.Exec(t.Context(), stmt)
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

// TestTradingLockingReads checks that each locking read of the trading repositories holds
// its row until the transaction ends: another connection's FOR UPDATE NOWAIT fails while the
// transaction is open and succeeds after it.
func TestTradingLockingReads(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	terms, err := trading.BuyByRials(1_000_000, 3_050_000, 50)
	require.NoError(t, err)
	req := trading.Request{Side: trading.Buy, Amount: 1_000_000}
	q, err := trading.NewQuote(rand.Reader, u, req, terms, b.now, time.Minute)
	require.NoError(t, err)
	number, err := trading.NewOrderNumber(b.now, rand.Reader)
	require.NoError(t, err)
	o, err := trading.NewOrder(number, u, terms, q.ID(), b.now)
	require.NoError(t, err)
	var orderID trading.OrderID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if err := tx.Quotes().Create(ctx, q); err != nil {
			return err
		}
		orderID, err = tx.Orders().Create(ctx, o)
		return err
	}))

	tests := []struct {
		name  string
		read  func(ctx context.Context, tx ports.Tx) error
		probe string // locks the row read, or fails at once
		args  []any
	}{
		{"TradingState", func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.TradingState().GetForUpdate(ctx)
			return err
		}, "SELECT 1 FROM trading_state WHERE id = 1 FOR UPDATE NOWAIT", nil},
		{"QuoteByID", func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Quotes().GetForUpdate(ctx, q.ID())
			return err
		}, "SELECT 1 FROM quotes WHERE id = $1 FOR UPDATE NOWAIT", []any{string(q.ID())}},
		{"ImplicitQuote", func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Quotes().LatestImplicit(ctx, u, req, b.now)
			return err
		}, "SELECT 1 FROM quotes WHERE id = $1 FOR UPDATE NOWAIT", []any{string(q.ID())}},
		{"Order", func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Orders().GetForUpdate(ctx, u, orderID)
			return err
		}, "SELECT 1 FROM orders WHERE id = $1 FOR UPDATE NOWAIT", []any{int64(orderID)}},
	}
	conn := b.connect(t)
	probe := func(sql string, args []any) error {
		// Each probe runs in a transaction of its own, so its lock ends with it.
		ptx, err := conn.Begin(t.Context())
		require.NoError(t, err)
		_, err = ptx.Exec(t.Context(), sql, args...)
		require.NoError(t, ptx.Rollback(t.Context()))
		return err
	}
	for _, tt := range tests {
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			require.NoError(t, tt.read(ctx, tx), tt.name)
			err := probe(tt.probe, tt.args)
			var pgErr *pgconn.PgError
			require.ErrorAs(t, err, &pgErr, tt.name)
			require.Equal(t, "55P03", pgErr.Code, tt.name) // lock_not_available
			return nil
		}), tt.name)
		require.NoError(t, probe(tt.probe, tt.args), tt.name)
		// A snapshot reads without locking.
		require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			require.NoError(t, tt.read(ctx, tx), tt.name)
			return probe(tt.probe, tt.args)
		}), tt.name)
	}
}
