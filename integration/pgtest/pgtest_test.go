package pgtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/integration/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// migrate creates one table, so a clone shows it came from the migrated template.
func migrate(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE TABLE marks (id bigint PRIMARY KEY)")
	return errors.Join(err, conn.Close(ctx))
}

func TestNew(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		names []string
		admin string // the server's maintenance database
	)
	// The parent's cleanup runs after every subtest and its own cleanup: each database is
	// gone by then.
	t.Cleanup(func() {
		if len(names) == 0 {
			return
		}
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, admin)
		require.NoError(t, err)
		defer func() { require.NoError(t, conn.Close(ctx)) }()
		var left int
		require.NoError(t, conn.QueryRow(ctx,
			"SELECT count(*) FROM pg_database WHERE datname = ANY($1)", names).Scan(&left))
		require.Zero(t, left, "test databases left after cleanup")
	})
	for i := range 8 {
		t.Run(fmt.Sprintf("Clone%d", i), func(t *testing.T) {
			t.Parallel()
			dsn := pgtest.New(t, pgtest.Options{Migrate: migrate})
			conn, err := pgx.Connect(t.Context(), dsn)
			require.NoError(t, err)
			defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()

			var name string
			require.NoError(t, conn.QueryRow(t.Context(), "SELECT current_database()").Scan(&name))
			require.True(t, strings.HasPrefix(name, pgtest.TestPrefix), name)
			mu.Lock()
			names = append(names, name)
			admin, err = pgtest.WithDatabase(dsn, "postgres")
			mu.Unlock()
			require.NoError(t, err)

			// The schema is the template's, and the rows are this test's alone.
			_, err = conn.Exec(t.Context(), "INSERT INTO marks (id) VALUES (1)")
			require.NoError(t, err)
			var n int
			require.NoError(t, conn.QueryRow(t.Context(), "SELECT count(*) FROM marks").Scan(&n))
			require.Equal(t, 1, n)
		})
	}
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dsn  string
		want string
	}{
		{
			name: "URL",
			dsn:  "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
			want: "postgres://postgres@127.0.0.1:5432/other?sslmode=disable",
		},
		{
			name: "URLWithoutDatabase",
			dsn:  "postgresql://u:p@db:5433?sslmode=disable",
			want: "postgresql://u:p@db:5433/other?sslmode=disable",
		},
		{
			name: "KeywordValue",
			dsn:  "host=127.0.0.1 user=postgres dbname=test sslmode=disable",
			want: "host=127.0.0.1 user=postgres dbname=test sslmode=disable dbname='other'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := pgtest.WithDatabase(tt.dsn, "other")
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			cfg, err := pgx.ParseConfig(got)
			require.NoError(t, err)
			require.Equal(t, "other", cfg.Database)
		})
	}
}
