package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// adminCreate runs `talabin admin create args...` with stdin and returns the exit code,
// standard output and standard error.
func adminCreate(t *testing.T, environ []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return talabin(t, environ, stdin, append([]string{"admin", "create"}, args...)...)
}

// talabin runs the CLI with args and stdin and returns the exit code, standard output and
// standard error (the error's text when the command failed).
func talabin(t *testing.T, environ []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCommand(env.ToMap(environ), &stdout)
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(t.Context())
	if err == nil {
		return exitOK, stdout.String(), stderr.String()
	}
	if xerr, ok := errors.AsType[*exitError](err); ok {
		return xerr.code, stdout.String(), xerr.Error()
	}
	return exitUsage, stdout.String(), err.Error()
}

func TestAdminCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "talabin.db")
	environ := []string{"DEBUG=true", "SQLITE_PATH=" + path}

	code, out, errOut := adminCreate(t, environ, "Saffron-Coin-77\n", "--phone", "09120000001", "--reason", "first admin")
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, "staff user 1 (admin) ready\n", out)

	// Promoting an existing user replaces its password and role and revokes its sessions.
	code, out, errOut = adminCreate(t, environ, "Golden-Key-2026\n",
		"--phone", "+989120000001", "--role", "operator", "--reason", "demoted to operator")
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, "staff user 1 (operator) ready\n", out)

	store, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	require.NoError(t, store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().GetByPhone(ctx, "+989120000001")
		require.NoError(t, err)
		require.Equal(t, identity.RoleOperator, u.Role())
		require.True(t, u.PhoneVerified())
		events, n, err := tx.Audit().List(ctx, ports.AuditFilter{Action: "user.staff_created"}, 0, 10)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, "demoted to operator", events[0].Reason)
		return nil
	}))
}

func TestAdminCreateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stdin string
		args        []string
		wantCode    int
		wantErr     string
	}{
		{"NotStaffRole", "Saffron-Coin-77\n", []string{"--phone", "09120000002", "--role", "user", "--reason", "x"}, exitUsage, "--role must be admin or operator"},
		{"NoReason", "Saffron-Coin-77\n", []string{"--phone", "09120000002"}, exitUsage, "--reason is required"},
		{"NoPassword", "", []string{"--phone", "09120000002", "--reason", "x"}, exitUsage, "read the password"},
		{"WeakPassword", "12345678\n", []string{"--phone", "09120000002", "--reason", "x"}, exitFailure, "entirely numeric"},
		{"BadPhone", "Saffron-Coin-77\n", []string{"--phone", "12345", "--reason", "x"}, exitFailure, "invalid mobile number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each case has its own database: two processes migrating one fresh SQLite file at
			// once is not a case the embedded store serves.
			environ := []string{"DEBUG=true", tempSQLitePath(t)}
			code, _, errOut := adminCreate(t, environ, tt.stdin, tt.args...)
			require.Equal(t, tt.wantCode, code, errOut)
			require.Contains(t, errOut, tt.wantErr)
		})
	}
}
