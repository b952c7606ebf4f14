// Package pgtest gives each test a fresh, migrated PostgreSQL database of its own, so tests
// that need a real database run in parallel without seeing each other's rows.
//
// The server comes from the environment variable TALABIN_TEST_DATABASE_URL (a URL or
// key=value DSN of a role that may CREATE DATABASE); without it, pgtest starts one postgres
// container per test binary through testcontainers when a Docker engine answers; without
// either, tests skip, except under CI (environment variable CI set), where they fail. Under
// go test -short they always skip.
//
// The first [New] of a test binary creates a template database named talabin_tpl_<UTC
// time>_<random> and runs [Options.Migrate] on it once; every [New] then clones it with
// CREATE DATABASE ... TEMPLATE into talabin_test_<UTC time>_<random>, which the test's
// cleanup drops. Call [Main] from TestMain to drop the template (and stop the container)
// when the binary ends; a binary that crashes leaves its databases behind, and their names
// tell how old they are.
//
// The package is not a test file so that the tests of adapters and integration suites can
// import it; it must not import adapters (they would import it back through their tests), so
// the caller passes the migration in.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
)

// EnvDatabaseURL names the environment variable that points the tests at a running server.
const EnvDatabaseURL = "TALABIN_TEST_DATABASE_URL"

// Image is the container image started when no server is configured.
const Image = "postgres:15-alpine"

// Name prefixes of the databases pgtest creates.
const (
	TemplatePrefix = "talabin_tpl_"
	TestPrefix     = "talabin_test_"
)

// Options configures [New].
type Options struct {
	// Migrate brings the empty database at dsn to the schema the tests need. It is required.
	// pgtest runs it once per test binary, on the template database, and Migrate must close
	// every connection it opened before it returns. Every call of [New] in one test binary
	// must pass the same migration: only the first one runs.
	Migrate func(ctx context.Context, dsn string) error
}

// setupTimeout bounds starting a container, migrating the template and cloning it.
const setupTimeout = 2 * time.Minute

// server is the PostgreSQL server of this test binary, found once.
var server struct {
	once      sync.Once
	dsn       string // an administrative connection: a role that may create databases
	skip      string // why no server is available, when dsn is empty
	err       error
	container *tcpostgres.PostgresContainer
}

// template is the migrated template database of this test binary, created once.
var template struct {
	once sync.Once
	name string
	err  error
}

// cloneMu serializes the clones: PostgreSQL refuses CREATE DATABASE ... TEMPLATE while
// another session is connected to the template, and a clone holds the template's lock.
var cloneMu sync.Mutex

// New returns the DSN of a new database for t, migrated by opts.Migrate, which t's cleanup
// drops (forcibly, closing connections left open). It skips t under -short, and when no
// server is available unless the environment variable CI is set, in which case it fails t.
// It is safe to call from parallel tests.
func New(t testing.TB, opts Options) string {
	t.Helper()
	if testing.Short() {
		t.Skip("pgtest: a real PostgreSQL database is not used under -short")
	}
	if opts.Migrate == nil {
		t.Fatal("pgtest: Options.Migrate is required")
	}
	admin := adminDSN(t)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), setupTimeout)
	defer cancel()
	template.once.Do(func() {
		template.name, template.err = createTemplate(ctx, admin, opts.Migrate)
	})
	if template.err != nil {
		t.Fatalf("pgtest: template database: %v", template.err)
	}
	name := newName(TestPrefix)
	cloneMu.Lock()
	err := exec(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+
		" TEMPLATE "+pgx.Identifier{template.name}.Sanitize())
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := dropDatabase(ctx, admin, name); err != nil {
			t.Errorf("pgtest: drop test database: %v", err)
		}
	})
	dsn, err := WithDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// Main runs the tests of m, then drops this binary's template database and terminates its
// container, if any. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// When TestMain returns, the testing package exits with the result of m.Run.
func Main(m *testing.M) {
	m.Run()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if template.name != "" {
		if err := dropDatabase(ctx, server.dsn, template.name); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: drop template database: %v\n", err)
		}
	}
	if server.container != nil {
		if err := server.container.Terminate(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: terminate container: %v\n", err)
		}
	}
}

// adminDSN returns the server of this test binary, or ends t.
func adminDSN(t testing.TB) string {
	t.Helper()
	server.once.Do(func() {
		if dsn := os.Getenv(EnvDatabaseURL); dsn != "" {
			server.dsn = dsn
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if err := probeDocker(ctx); err != nil {
			server.skip = fmt.Sprintf("no PostgreSQL: %s is not set and no Docker engine answers (%v)", EnvDatabaseURL, err)
			return
		}
		server.container, server.err = tcpostgres.Run(ctx, Image,
			tcpostgres.WithDatabase("talabin"),
			tcpostgres.WithUsername("postgres"),
			tcpostgres.WithPassword("postgres"),
			tcpostgres.BasicWaitStrategies(),
		)
		if server.err == nil {
			server.dsn, server.err = server.container.ConnectionString(ctx, "sslmode=disable")
		}
	})
	switch {
	case server.err != nil:
		t.Fatalf("pgtest: start postgres container: %v", server.err)
	case server.dsn == "" && os.Getenv("CI") != "":
		t.Fatalf("pgtest: %s", server.skip)
	case server.dsn == "":
		t.Skipf("pgtest: %s", server.skip)
	}
	return server.dsn
}

// dockerProbeTimeout bounds the check for a Docker engine, so that machines without one skip
// quickly.
const dockerProbeTimeout = 5 * time.Second

// probeDocker reports whether a Docker engine answers.
func probeDocker(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, dockerProbeTimeout)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return err
	}
	return cli.Close()
}

// createTemplate creates and migrates the template database and returns its name. It
// leaves no session connected to it: it forbids new connections and ends any the migration
// left open.
func createTemplate(ctx context.Context, admin string, migrate func(ctx context.Context, dsn string) error) (string, error) {
	name := newName(TemplatePrefix)
	ident := pgx.Identifier{name}.Sanitize()
	if err := exec(ctx, admin, "CREATE DATABASE "+ident); err != nil {
		return "", err
	}
	dsn, err := WithDatabase(admin, name)
	if err == nil {
		err = migrate(ctx, dsn)
	}
	if err == nil {
		err = exec(ctx, admin, "ALTER DATABASE "+ident+" WITH ALLOW_CONNECTIONS false")
	}
	if err == nil {
		err = exec(ctx, admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
	}
	if err != nil {
		return "", errors.Join(fmt.Errorf("migrate %s: %w", name, err), dropDatabase(ctx, admin, name))
	}
	return name, nil
}

// dropDatabase drops database name, closing the sessions still connected to it.
func dropDatabase(ctx context.Context, admin, name string) error {
	return exec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// exec runs one statement on a connection of its own to the administrative database.
func exec(ctx context.Context, dsn, sql string, args ...any) (err error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, conn.Close(context.WithoutCancel(ctx))) }()
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

// newName returns prefix followed by the UTC time and 8 random hex digits.
func newName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + time.Now().UTC().Format("20060102t150405") + "_" + hex.EncodeToString(b[:])
}

// WithDatabase returns dsn with its database set to name. dsn is a postgres:// or
// postgresql:// URL, or a key=value connection string.
func WithDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse database url: %w", err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return "", fmt.Errorf("parse dsn: %w", err)
	}
	// In a key=value string the last setting of a key wins.
	return strings.TrimSpace(dsn) + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "'", nil
}
