//go:build integration

package integration_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
)

// engine opens a fresh, migrated store of one kind for a test.
type engine struct {
	name string
	open func(t testing.TB) ports.Store
}

var engines = []engine{
	{"Postgres", func(t testing.TB) ports.Store { return openPostgres(t, newPostgresDSN(t)) }},
	{"SQLite", func(t testing.TB) ports.Store { return openSQLite(t, filepath.Join(t.TempDir(), "talabin.db")) }},
}

func newPostgresDSN(t testing.TB) string {
	t.Helper()
	return pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
}

func migratePostgres(ctx context.Context, dsn string) error {
	s, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	return s.Migrate(ctx)
}

func openPostgres(t testing.TB, dsn string) ports.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn, postgres.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openSQLite(t testing.TB, path string) ports.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	t.Cleanup(func() { _ = s.Close() })
	return s
}
