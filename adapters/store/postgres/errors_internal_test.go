package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

// TestInterpretErrorAnswersAnUnreachableDatabaseAsMaintenance pins which driver errors mean
// the database cannot be used at the moment (503 maintenance, not 500) and which do not.
func TestInterpretErrorAnswersAnUnreachableDatabaseAsMaintenance(t *testing.T) {
	t.Parallel()
	// A real failed connection attempt: nothing listens on port 1.
	_, refused := pgconn.Connect(t.Context(), "postgres://talabin@127.0.0.1:1/talabin?sslmode=disable&connect_timeout=5")
	require.Error(t, refused)
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

	tests := []struct {
		name        string
		err         error
		unreachable bool
	}{
		{"connection refused", refused, true},
		{"server shutting down or starting up", &pgconn.PgError{Code: codeCannotConnectNow}, true},
		{"session ended by a restart", &pgconn.PgError{Code: codeAdminShutdown}, true},
		{"session ended by a crash", &pgconn.PgError{Code: codeCrashShutdown}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"connection reset", fmt.Errorf("failed to receive message: %w", reset), true},
		{"connection cut mid-message", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, false},
		{"serialization failure", &pgconn.PgError{Code: codeSerializationFailure}, false},
		{"unique violation", &pgconn.PgError{Code: codeUniqueViolation}, false},
		{"caller gave up", errors.Join(context.Canceled, reset), false},
		{"caller's deadline", errors.Join(context.DeadlineExceeded, reset), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := interpretError(tt.err)
			require.Equal(t, tt.unreachable, errors.Is(got, core.ErrMaintenance), "%v", got)
			require.ErrorIs(t, got, tt.err, "the driver error stays in the chain")
		})
	}
}
