//go:build integration

package ops_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/integration/appbinary"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/integration/workload"
)

// TestRestoreCheckScript backs up a database with real ledger and audit activity the way
// docs/backup.md says (pg_dump -Fc), runs scripts/ops/restore-check.sh on the dump, then
// deletes one posting behind the ledger's back and checks that the script catches it.
func TestRestoreCheckScript(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore", "psql"} {
		requireTool(t, tool, "apt-get install postgresql-client")
	}
	dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		t.Skip("restore-check.sh takes a postgres:// URL; TALABIN_TEST_DATABASE_URL is a key=value string")
	}
	bin := appbinary.Path(t)
	dir := t.TempDir()
	ctx := t.Context()

	store, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 4})
	require.NoError(t, err)
	bank, err := workload.Setup(ctx, store, 4, core.Rial(1_000_000_000))
	require.NoError(t, err)
	res := bank.Run(ctx, workload.Config{Workers: 2, MaxOps: 40, Seed: 7, RunID: "restore-check"})
	require.Empty(t, res.Unexpected)
	require.Positive(t, res.Committed)
	require.NoError(t, store.Close())
	// A staff account: a user, wallets and an audit entry, through the app's own command.
	admin := exec.CommandContext(ctx, bin, "admin", "create", "--phone", "09120000099", "--reason", "restore check")
	admin.Env = []string{"PATH=" + os.Getenv("PATH"), "DEBUG=true", "DATABASE_URL=" + dsn}
	admin.Stdin = strings.NewReader("Saffron-Coin-77\n")
	out, err := admin.CombinedOutput()
	require.NoError(t, err, "talabin admin create:\n%s", out)

	t.Run("a good dump verifies", func(t *testing.T) {
		dump := pgDump(t, dsn, filepath.Join(dir, "good.dump"))
		out, code := restoreCheck(t, bin, dsn, dump)
		require.Equal(t, 0, code, out)
		require.Regexp(t, `(?m)^journals=\d+ postings=\d+ accounts=\d+ .* ok$`, out)
		require.Regexp(t, `(?m)^entries=[1-9]\d* ok$`, out)
		require.Regexp(t, `(?m)^head chain \d+: entry \d+ `, out)
		require.True(t, strings.HasSuffix(strings.TrimSpace(out), "restore-check: ok"), out)
		requireScratchDropped(t, dsn, out)
	})

	t.Run("a dump missing a posting fails", func(t *testing.T) {
		deleteOnePosting(t, dsn)
		dump := pgDump(t, dsn, filepath.Join(dir, "bad.dump"))
		out, code := restoreCheck(t, bin, dsn, dump)
		require.Equal(t, 1, code, out)
		require.Contains(t, out, "problem: ")
		require.Contains(t, out, "restore-check: FAILED")
		requireScratchDropped(t, dsn, out)
	})

	t.Run("a file that is no dump is a restore failure", func(t *testing.T) {
		junk := filepath.Join(dir, "junk.dump")
		require.NoError(t, os.WriteFile(junk, []byte("not a dump"), 0o600))
		out, code := restoreCheck(t, bin, dsn, junk)
		require.Equal(t, 2, code, out)
		require.Contains(t, out, "the dump does not restore")
		requireScratchDropped(t, dsn, out)
	})
}

func migratePostgres(ctx context.Context, dsn string) error {
	s, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	return s.Migrate(ctx)
}

// pgDump writes a custom-format dump of dsn to path, as docs/backup.md's cron job does.
func pgDump(t *testing.T, dsn, path string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "pg_dump", "--format=custom", "--file", path, "--dbname", dsn).CombinedOutput()
	require.NoError(t, err, "pg_dump:\n%s", out)
	return path
}

// restoreCheck runs the script on dump against dsn's server and returns its combined output
// and exit code.
func restoreCheck(t *testing.T, bin, dsn, dump string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), filepath.Join(repoRoot, "scripts", "ops", "restore-check.sh"), "-d", dsn, dump)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TALABIN=" + bin}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	require.NoError(t, err, "run restore-check.sh:\n%s", out)
	return string(out), 0
}

// deleteOnePosting removes a posting with the append-only triggers switched off, the way
// a bad manual fix or a damaged restore would leave the ledger.
func deleteOnePosting(t *testing.T, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.WithoutCancel(t.Context())) }()
	tx, err := conn.Begin(t.Context())
	require.NoError(t, err)
	_, err = tx.Exec(t.Context(), "SET LOCAL session_replication_role = replica")
	require.NoError(t, err)
	tag, err := tx.Exec(t.Context(), "DELETE FROM ledger_postings WHERE id = (SELECT max(id) FROM ledger_postings)")
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
	require.NoError(t, tx.Commit(t.Context()))
}

var scratchName = regexp.MustCompile(`creating scratch database (talabin_restore_check_\w+)`)

// requireScratchDropped checks that the scratch database the script announced in out is gone.
func requireScratchDropped(t *testing.T, dsn, out string) {
	t.Helper()
	m := scratchName.FindStringSubmatch(out)
	require.NotNil(t, m, "the script did not name its scratch database:\n%s", out)
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.WithoutCancel(t.Context())) }()
	var exists bool
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", m[1]).Scan(&exists))
	require.False(t, exists, "scratch database %s was left behind", m[1])
}
