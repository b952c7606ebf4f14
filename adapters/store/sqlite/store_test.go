package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/storetest"
)

// openStore opens and migrates a store at path (a file under t.TempDir() or MemoryPath) and
// closes it at cleanup.
func openStore(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.NoError(t, s.Migrate(t.Context()))
	return s
}

func tempPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "data", "talabin.db")
}

func TestConformance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"File", tempPath},
		{"Memory", func(*testing.T) string { return MemoryPath }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T) ports.Store {
				return openStore(t, tt.path(t), Options{})
			})
		})
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()

	t.Run("FilePersistsAcrossReopen", func(t *testing.T) {
		t.Parallel()
		path := tempPath(t) // its "data" directory does not exist yet
		s, err := Open(t.Context(), path, Options{})
		require.NoError(t, err)
		require.NoError(t, s.Migrate(t.Context()))
		var id core.UserID
		require.NoError(t, s.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			id, err = tx.Users().Create(ctx, identity.NewUser("+989121111111", time.Unix(1_700_000_000, 123_456_000)))
			if err != nil {
				return err
			}
			if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
				return err
			}
			j, err := ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), 50_000, "DEP1")
			if err != nil {
				return err
			}
			_, err = tx.Ledger().Post(ctx, j)
			return err
		}))
		require.NoError(t, s.Close())

		s = openStore(t, path, Options{})
		require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			u, err := tx.Users().Get(ctx, id)
			require.NoError(t, err)
			require.True(t, u.CreatedAt().Equal(time.Unix(1_700_000_000, 123_456_000)))
			bal, err := tx.Ledger().Balance(ctx, ledger.UserAccount(id, ledger.IRR))
			require.NoError(t, err)
			require.Equal(t, ledger.Balance{Available: 50_000}, bal)
			r, err := tx.Ledger().Verify(ctx)
			require.NoError(t, err)
			require.True(t, r.OK(), "%s", r)
			require.EqualValues(t, 1, r.Journals)
			return nil
		}))
	})

	t.Run("MemoryStoresAreSeparate", func(t *testing.T) {
		t.Parallel()
		a := openStore(t, MemoryPath, Options{})
		b := openStore(t, MemoryPath, Options{})
		create := func(s *Store) error {
			return s.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Users().Create(ctx, identity.NewUser("+989122222222", time.Now()))
				return err
			})
		}
		require.NoError(t, create(a))
		require.NoError(t, create(b), "the second in-memory store must not see the first's user")
		require.NoError(t, a.Ping(t.Context()))
	})

	t.Run("MemoryOutlivesIdleConnections", func(t *testing.T) {
		t.Parallel()
		s := openStore(t, MemoryPath, Options{})
		// Closing every pooled connection must not drop the database: the keeper holds it.
		s.write.SetMaxIdleConns(0)
		s.read.SetMaxIdleConns(0)
		s.write.SetMaxIdleConns(1)
		s.read.SetMaxIdleConns(1)
		require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Ledger().Balance(ctx, ledger.HouseAccount(ledger.Gold))
			return err
		}))
	})

	t.Run("WALAndPragmas", func(t *testing.T) {
		t.Parallel()
		s := openStore(t, tempPath(t), Options{BusyTimeout: 1500 * time.Millisecond})
		pragma := func(name string) string {
			var v string
			require.NoError(t, s.write.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v))
			return v
		}
		require.Equal(t, "wal", pragma("journal_mode"))
		require.Equal(t, "2", pragma("synchronous")) // FULL
		require.Equal(t, "1", pragma("foreign_keys"))
		require.Equal(t, "1500", pragma("busy_timeout"))
		var queryOnly string
		require.NoError(t, s.read.QueryRowContext(t.Context(), "PRAGMA query_only").Scan(&queryOnly))
		require.Equal(t, "1", queryOnly)
	})

	t.Run("RejectsBadOptions", func(t *testing.T) {
		t.Parallel()
		_, err := Open(t.Context(), tempPath(t), Options{MaxAttempts: -1})
		require.ErrorIs(t, err, core.ErrInvalidInput)
		_, err = Open(t.Context(), "", Options{})
		require.ErrorIs(t, err, core.ErrInvalidInput)
	})
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), MemoryPath, Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })

	status, err := s.MigrationStatus(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, status)
	for _, m := range status {
		require.False(t, m.Applied, m.Name)
	}
	require.Equal(t, "00001_initial.sql", status[0].Name)
	require.EqualValues(t, 1, status[0].Version)
	require.NoError(t, s.Migrate(t.Context()))
	require.NoError(t, s.Migrate(t.Context()), "migrating twice is a no-op")
	status, err = s.MigrationStatus(t.Context())
	require.NoError(t, err)
	for _, m := range status {
		require.True(t, m.Applied, m.Name)
		require.False(t, m.AppliedAt.IsZero(), m.Name)
	}

	// The first migration seeds the system accounts, one shard each.
	require.NoError(t, s.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		for _, a := range ledger.SystemAccounts() {
			bal, err := tx.Ledger().Balance(ctx, a)
			require.NoError(t, err, a.Code())
			require.Zero(t, bal)
		}
		var shards int
		require.NoError(t, s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM ledger_system_balances").Scan(&shards))
		require.Equal(t, len(ledger.SystemAccounts()), shards)
		return nil
	}))
}

func TestNestedTransactions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		path        func(t *testing.T) string
		snapshotErr error
	}{
		// A snapshot inside a write transaction reads the last commit through the read pool.
		{"File", tempPath, nil},
		// Without WAL the reader would wait for the writer, its own caller.
		{"Memory", func(*testing.T) string { return MemoryPath }, errSnapshotInTx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, tt.path(t), Options{})
			err := s.InTx(t.Context(), func(ctx context.Context, _ ports.Tx) error {
				return s.InTx(ctx, func(context.Context, ports.Tx) error { return nil })
			})
			require.ErrorIs(t, err, errNestedTx)
			err = s.InTx(t.Context(), func(ctx context.Context, _ ports.Tx) error {
				return s.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.Ledger().Balance(ctx, ledger.FeesAccount())
					return err
				})
			})
			if tt.snapshotErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.snapshotErr)
			}
		})
	}
}

func TestCloseTwice(t *testing.T) {
	t.Parallel()
	for _, path := range []string{MemoryPath, tempPath(t)} {
		s, err := Open(t.Context(), path, Options{})
		require.NoError(t, err)
		require.NoError(t, s.Close())
		require.NoError(t, s.Close())
		require.Error(t, s.Ping(t.Context()))
	}
}
