package main

import (
	"bytes"
	"context"
	"database/sql"
	"net"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		environ    []string
		cancelled  bool
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{
			name:       "Version",
			args:       []string{"version"},
			wantCode:   exitOK,
			wantStdout: "talabin dev " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n",
		},
		{
			name:       "BadConfigIsOneLineAndExitTwo",
			args:       []string{"serve"},
			environ:    []string{"DEBUG=true", "MIN_PURCHASE_AMOUNT=abc"},
			wantCode:   exitUsage,
			wantStderr: "config: MIN_PURCHASE_AMOUNT: must be a positive whole number of rials, got \"abc\"\n",
		},
		{
			name:       "ProductionWithoutSecretKey",
			args:       []string{"serve"},
			environ:    []string{"ALLOWED_HOSTS=api.talabin.ir"},
			wantCode:   exitUsage,
			wantStderr: "config: SECRET_KEY: must be set when DEBUG is false\n",
		},
		{
			name:       "UnknownCommand",
			args:       []string{"frobnicate"},
			wantCode:   exitUsage,
			wantStderr: "talabin: unknown command \"frobnicate\" for \"talabin\"\nRun 'talabin --help' for usage.\n",
		},
		{
			name:       "ExtraArgument",
			args:       []string{"version", "extra"},
			wantCode:   exitUsage,
			wantStderr: "talabin: unknown command \"extra\" for \"talabin version\"\nRun 'talabin --help' for usage.\n",
		},
		{
			name:      "ServeStopsWhenSignalled",
			args:      []string{"serve"},
			environ:   []string{"DEBUG=true", "HTTP_ADDR=127.0.0.1:0", "SHUTDOWN_TIMEOUT=5s"},
			cancelled: true,
			wantCode:  exitOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.cancelled {
				// A signal that arrives as soon as the server starts: serve must drain and exit 0.
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				cancel()
			}
			var stdout, stderr bytes.Buffer

			// Every command that opens the embedded store gets its own file.
			environ := append(slices.Clone(tt.environ), tempSQLitePath(t))
			code := run(ctx, tt.args, environ, &stdout, &stderr)

			require.Equal(t, tt.wantCode, code, "stderr: %s", stderr.String())
			if tt.wantStdout != "" {
				require.Equal(t, tt.wantStdout, stdout.String())
			}
			if tt.wantCode == exitOK {
				require.Empty(t, stderr.String())
			} else {
				require.True(t, strings.HasPrefix(stderr.String(), tt.wantStderr), "stderr: %q", stderr.String())
			}
		})
	}
}

func TestServeListenFailureExitsOne(t *testing.T) {
	t.Parallel()
	var lc net.ListenConfig
	taken, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = taken.Close() }()
	var stdout, stderr bytes.Buffer

	code := run(t.Context(), []string{"serve"}, []string{"DEBUG=true", "HTTP_ADDR=" + taken.Addr().String(), tempSQLitePath(t)}, &stdout, &stderr)

	require.Equal(t, exitFailure, code)
	require.True(t, strings.HasPrefix(stderr.String(), "talabin: serve: listen on "+taken.Addr().String()+": "), "stderr: %q", stderr.String())
	require.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line")
}

func TestServeLogsJSONToStdout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer

	code := run(ctx, []string{"serve"}, []string{"DEBUG=true", "HTTP_ADDR=127.0.0.1:0", tempSQLitePath(t)}, &stdout, &stderr)

	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	for _, line := range lines {
		require.True(t, strings.HasPrefix(line, `{"time":`), "not a JSON log line: %s", line)
	}
	require.Contains(t, stdout.String(), `"msg":"talabin starting","version":"dev"`)
	require.Contains(t, stdout.String(), `"msg":"stopped"`)
}

// TestDatabaseCommands runs migrate and ledger verify against a fresh embedded store: status
// reports pending migrations (exit 1), up applies them, and verify finds a clean ledger.
func TestDatabaseCommands(t *testing.T) {
	t.Parallel()
	environ := []string{"DEBUG=true", tempSQLitePath(t)}
	steps := []struct {
		args       []string
		wantCode   int
		wantStdout string
	}{
		{[]string{"migrate", "status"}, exitFailure, "pending"},
		{[]string{"migrate", "up"}, exitOK, "00001_initial.sql"},
		{[]string{"migrate", "status"}, exitOK, "00001_initial.sql"},
		{[]string{"ledger", "verify"}, exitOK, "journals=0 postings=0"},
	}
	for _, step := range steps {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), step.args, environ, &stdout, &stderr)
		require.Equal(t, step.wantCode, code, "%v: stderr %s", step.args, stderr.String())
		require.Contains(t, stdout.String(), step.wantStdout, "%v", step.args)
	}
}

// tempSQLitePath is the environment entry that puts the embedded store of one test in its own
// temporary folder, so no test writes ./data.
func tempSQLitePath(t *testing.T) string {
	t.Helper()
	return "SQLITE_PATH=" + filepath.Join(t.TempDir(), "talabin.db")
}

// TestLedgerVerifyFindsTampering edits a posting behind the store's back (dropping the
// append-only trigger first, as an attacker with database access could) and expects
// `talabin ledger verify` to name the account and exit 1.
func TestLedgerVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	pathEntry := tempSQLitePath(t)
	environ := []string{"DEBUG=true", pathEntry}
	path := strings.TrimPrefix(pathEntry, "SQLITE_PATH=")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(t.Context(), []string{"migrate", "up"}, environ, &stdout, &stderr), stderr.String())

	store, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	j, err := ledger.TreasuryInJournal(ledger.Gold, 1_000_000, "treasury")
	require.NoError(t, err)
	require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, j)
		return err
	}))
	require.NoError(t, store.Close())

	stdout.Reset()
	require.Equal(t, exitOK, run(t.Context(), []string{"ledger", "verify"}, environ, &stdout, &stderr), stderr.String())
	require.Contains(t, stdout.String(), "journals=1 postings=2")

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.ExecContext(t.Context(), `DROP TRIGGER ledger_postings_no_update`)
	require.NoError(t, err)
	_, err = db.ExecContext(t.Context(), `UPDATE ledger_postings SET amount = amount + 1 WHERE amount > 0`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	stdout.Reset()
	stderr.Reset()
	require.Equal(t, exitFailure, run(t.Context(), []string{"ledger", "verify"}, environ, &stdout, &stderr))
	require.Contains(t, stdout.String(), "problem: house:GOLD: stored")
	require.Contains(t, stdout.String(), "GOLD: postings sum to 1, not zero")
	require.Contains(t, stderr.String(), "ledger verify:")
}

// TestPaymentsReconcileFindsDisagreement credits a pending deposit behind the service's back
// and expects `talabin payments reconcile` to report it and exit 1.
func TestPaymentsReconcileFindsDisagreement(t *testing.T) {
	t.Parallel()
	pathEntry := tempSQLitePath(t)
	environ := []string{"DEBUG=true", pathEntry}
	path := strings.TrimPrefix(pathEntry, "SQLITE_PATH=")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(t.Context(), []string{"migrate", "up"}, environ, &stdout, &stderr), stderr.String())
	stdout.Reset()
	require.Equal(t, exitOK, run(t.Context(), []string{"payments", "reconcile"}, environ, &stdout, &stderr), stderr.String())
	require.Contains(t, stdout.String(), "gateway sandbox not asked")
	require.Contains(t, stdout.String(), "0 disagreements")

	store, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	now := time.Now()
	require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser("+989121110000", now)
		user, err := tx.Users().Create(ctx, u)
		if err != nil {
			return err
		}
		if err := tx.Ledger().OpenUserAccounts(ctx, user); err != nil {
			return err
		}
		d, err := payment.NewBankTransferDeposit("TXN20261204120000ABCDEF", user, 5_000, now)
		if err != nil {
			return err
		}
		if _, err := tx.Deposits().Create(ctx, d); err != nil {
			return err
		}
		j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), 5_000, "TXN20261204120000ABCDEF")
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	}))
	require.NoError(t, store.Close())

	stdout.Reset()
	require.Equal(t, exitFailure, run(t.Context(), []string{"payments", "reconcile", "--since", "1h"}, environ, &stdout, &stderr))
	require.Contains(t, stdout.String(), "TXN20261204120000ABCDEF (pending): credited 5000 rials but not verified")
	require.Contains(t, stdout.String(), "1 disagreements")
}
