package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/integration/pgtest"
)

// TestOpenRefuses checks that Open fails, naming the step, when it cannot hand out a working
// store: the serve command and the CLI report this error and exit instead of starting.
func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback has no listener: the connection is refused at once.
	const nowhere = "postgres://postgres@127.0.0.1:1/talabin?sslmode=disable&connect_timeout=5"
	tests := []struct {
		name string
		dsn  func(t *testing.T) string
		opts postgres.Options
		want string
		is   error
	}{
		{"InvalidOptionsBeforeConnecting", func(*testing.T) string { return nowhere },
			postgres.Options{MaxConns: -1}, "", core.ErrInvalidInput},
		{"MalformedDSN", func(*testing.T) string { return "postgres://postgres@127.0.0.1:notaport/talabin" },
			postgres.Options{}, "postgres: parse dsn", nil},
		{"NoServer", func(*testing.T) string { return nowhere },
			postgres.Options{}, "postgres: ping", nil},
		{"NoSuchDatabase", func(t *testing.T) string {
			dsn, err := pgtest.WithDatabase(pgtest.New(t, pgtest.Options{Migrate: migrate}), "talabin_no_such_database")
			require.NoError(t, err)
			return dsn
		}, postgres.Options{}, `database "talabin_no_such_database" does not exist`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := postgres.Open(t.Context(), tt.dsn(t), tt.opts)
			require.Error(t, err)
			require.Nil(t, s)
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}
