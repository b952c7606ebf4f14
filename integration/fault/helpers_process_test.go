//go:build integration

package fault_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver of the checks
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver of the checks

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/appbinary"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
)

// This file runs the app the way production does, as the built talabin binary, and gives
// the process-level fault tests (fault_postgres_test.go, fault_kill_test.go) what they
// share: the binary, a private PostgreSQL server, funded users signed in over HTTP, orders
// placed with Idempotency-Keys, and the checks of what the database holds afterwards.

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// startupTimeout bounds how long a started server may take to become ready.
const startupTimeout = 60 * time.Second

// appSecretKey signs the tokens of every incarnation of a test's app, so that a client's
// token outlives a restart as it does in production.
const appSecretKey = "fault-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

// appEnv is the configuration of the app under test on the database that store selects
// (DATABASE_URL, or SQLITE_PATH for the embedded store): DEBUG with the rate limits lifted
// (every simulated user shares 127.0.0.1) and gold in the treasury for every buy the tests
// place.
func appEnv(store map[string]string) map[string]string {
	env := map[string]string{
		"DEBUG":              "true",
		"SECRET_KEY":         appSecretKey,
		"RATE_LIMIT_SCALE":   strconv.Itoa(config.MaxRateLimitScale),
		"DEV_TREASURY_GRAMS": "1000000",
		"LOG_LEVEL":          "warn",
	}
	maps.Copy(env, store)
	return env
}

// appProcess is one running `talabin serve`.
type appProcess struct {
	base   string // http://127.0.0.1:port
	cmd    *exec.Cmd
	exited chan struct{}
}

// startApp runs `talabin serve` with environ (plus HTTP_ADDR on a free port) until t ends
// or it is killed, logging to name.log in dir, and waits until /readyz answers 200.
func startApp(t *testing.T, dir, name string, environ map[string]string) *appProcess {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath) //nolint:gosec // a path under t.TempDir()
	require.NoError(t, err)
	t.Cleanup(func() { _ = logFile.Close() })

	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), appbinary.Path(t), "serve")
	cmd.Dir = dir
	cmd.Env = processEnv(dir, environ, "HTTP_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	p := &appProcess{base: "http://" + addr, cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-p.exited
		if t.Failed() {
			t.Logf("talabin %s log:\n%s", name, tail(logPath, 4000))
		}
	})
	p.waitReady(t)
	return p
}

// waitReady polls /readyz until it answers 200, failing t when the process exits first or
// startupTimeout passes.
func (p *appProcess) waitReady(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(startupTimeout)
	for {
		status, err := getStatus(t.Context(), client, p.base+"/readyz")
		if err == nil && status == http.StatusOK {
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("talabin serve exited before it was ready (last /readyz: %d, %v)", status, err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("talabin serve was not ready within %s (last /readyz: %d, %v)", startupTimeout, status, err)
		}
	}
}

// kill ends the process with SIGKILL and waits until it is gone.
func (p *appProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	<-p.exited
}

// runCLI runs the built binary with args and environ and returns its combined output and
// exit code.
func runCLI(t *testing.T, dir string, environ map[string]string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), appbinary.Path(t), args...)
	cmd.Dir = dir
	cmd.Env = processEnv(dir, environ)
	out, err := cmd.CombinedOutput()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		return string(out), ee.ExitCode()
	}
	require.NoError(t, err, "talabin %s", strings.Join(args, " "))
	return string(out), 0
}

// requireLedgerVerifies runs `talabin ledger verify` on environ's database and fails t
// unless it exits 0.
func requireLedgerVerifies(t *testing.T, dir string, environ map[string]string) {
	t.Helper()
	out, code := runCLI(t, dir, environ, "ledger", "verify")
	require.Zero(t, code, "talabin ledger verify:\n%s", out)
}

// processEnv is a child's environment: nothing of the test's but PATH, HOME set to dir,
// environ and extra (KEY=value).
func processEnv(dir string, environ map[string]string, extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	for k, v := range environ {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// tail returns the last n bytes of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path) //nolint:gosec // a path under t.TempDir()
	if err != nil {
		return err.Error()
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// privatePostgres is a PostgreSQL server of the test's own, which it may stop and start
// without disturbing the shared server the other test packages use meanwhile.
type privatePostgres struct {
	bin  string // the folder of initdb, pg_ctl and postgres
	dir  string // data/, the socket and the log
	port int
	cred *syscall.Credential // the postgres user's when the test runs as root, else nil
}

// startPrivatePostgres creates a cluster with initdb in a temporary folder and starts it on
// a free loopback port until t ends. PostgreSQL refuses to run as root, so under root (CI)
// its programs run as the postgres user the Debian packages create. Without the programs
// the test skips, except under CI, where it fails.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bin := postgresBinDir(t)
	dir, err := os.MkdirTemp("", "talabin-fault-pg-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	s := &privatePostgres{bin: bin, dir: dir, port: freePort(t)}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		require.NoError(t, err, "PostgreSQL refuses to run as root and there is no postgres user to run it as")
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		require.NoError(t, err)
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		require.NoError(t, err)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		require.NoError(t, os.Chown(dir, int(uid), int(gid)))
	}
	s.run(t, "initdb", "-D", s.dataDir(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	s.start(t)
	t.Cleanup(func() {
		cmd := s.command(context.Background(), "pg_ctl", "-D", s.dataDir(), "-m", "immediate", "-w", "stop")
		_ = cmd.Run()
		if t.Failed() {
			t.Logf("private PostgreSQL log:\n%s", tail(filepath.Join(dir, "postgres.log"), 4000))
		}
	})
	return s
}

// postgresBinDir returns the newest /usr/lib/postgresql/<version>/bin (Debian's layout), or
// the folder of an initdb on PATH.
func postgresBinDir(t *testing.T) string {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	version := func(p string) int {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p))))
		return v
	}
	slices.SortFunc(found, func(a, b string) int { return version(a) - version(b) })
	if len(found) > 0 {
		return filepath.Dir(found[len(found)-1])
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	const why = "the PostgreSQL server programs (initdb, pg_ctl) are not installed: apt-get install postgresql"
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

func (s *privatePostgres) dataDir() string { return filepath.Join(s.dir, "data") }

// DSN is the connection URL of the server's postgres database.
func (s *privatePostgres) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// start starts the server and waits until it accepts connections. fsync is off: the tests
// stop the server, never the machine, so nothing committed can be lost by it.
func (s *privatePostgres) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.port, s.dir)
	s.run(t, "pg_ctl", "-D", s.dataDir(), "-l", filepath.Join(s.dir, "postgres.log"), "-o", opts,
		"-t", strconv.Itoa(int(startupTimeout.Seconds())), "-w", "start")
}

// stop shuts the server down in mode (smart, fast or immediate) and waits until it is gone.
func (s *privatePostgres) stop(t *testing.T, mode string) {
	t.Helper()
	s.run(t, "pg_ctl", "-D", s.dataDir(), "-m", mode, "-w", "stop")
}

// run runs one of the server's programs to completion, failing t with its output when it
// fails.
func (s *privatePostgres) run(t *testing.T, program string, args ...string) {
	t.Helper()
	out, err := s.command(t.Context(), program, args...).CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", program, strings.Join(args, " "), out)
}

// command is program of the server's folder with args, run as the postgres user under root.
func (s *privatePostgres) command(ctx context.Context, program string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, program), args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C"}
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// newPostgresDSN returns a fresh migrated database on the shared test server (pgtest).
func newPostgresDSN(t *testing.T) string {
	t.Helper()
	return pgtest.New(t, pgtest.Options{Migrate: func(ctx context.Context, dsn string) error {
		s, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
		if err != nil {
			return err
		}
		return errors.Join(s.Migrate(ctx), s.Close())
	}})
}

// userPassword is every test user's password; the databases are thrown away.
const userPassword = "fault-password-1234"

// userFunds is each user's starting rial balance: far more than a test can spend.
const userFunds core.Rial = 1_000_000_000_000

// trader is a funded user signed in to the app.
type trader struct {
	ID    core.UserID
	Phone string
	Token string
}

// seedTraders stores n users with verified phones and open wallets credited userFunds
// rials on the migrated database of the app configuration env, through a store of the
// test's own.
func seedTraders(t *testing.T, env map[string]string, n int) []trader {
	t.Helper()
	cfg, err := config.Load(env)
	require.NoError(t, err)
	db, closeDB, err := app.OpenDatabase(t.Context(), cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer closeDB()
	hasher, err := app.NewPasswordHasher()
	require.NoError(t, err)
	hash, err := hasher.Hash(userPassword)
	require.NoError(t, err)
	now := time.Now()
	var traders []trader
	err = db.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		traders = traders[:0]
		for i := range n {
			phone := fmt.Sprintf("+98912%07d", i+1)
			u, err := identity.NewRegisteredUser(phone, hash, "Fault", fmt.Sprintf("Trader %d", i+1), now)
			if err != nil {
				return err
			}
			if err := u.VerifyPhone(now); err != nil {
				return err
			}
			id, err := tx.Users().Create(ctx, u)
			if err != nil {
				return err
			}
			if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
				return err
			}
			j, err := ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), userFunds, "fault-funds")
			if err != nil {
				return err
			}
			if _, err := tx.Ledger().Post(ctx, j); err != nil {
				return err
			}
			traders = append(traders, trader{ID: id, Phone: phone})
		}
		return nil
	})
	require.NoError(t, err)
	return traders
}

// logIn signs every trader in at base over HTTP and keeps the access tokens.
func logIn(t *testing.T, client *http.Client, base string, traders []trader) {
	t.Helper()
	for i := range traders {
		body := fmt.Sprintf(`{"phone_number":%q,"password":%q}`, traders[i].Phone, userPassword)
		a := call(t.Context(), client, http.MethodPost, base+"/api/auth/login/", body, nil)
		require.NoError(t, a.err)
		require.Equal(t, http.StatusOK, a.status, a.body)
		var out struct {
			Data struct {
				Tokens struct {
					Access string `json:"access"`
				} `json:"tokens"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(a.body), &out))
		require.NotEmpty(t, out.Data.Tokens.Access, a.body)
		traders[i].Token = out.Data.Tokens.Access
	}
}

// answer is what one request got: a status and body, or a transport error.
type answer struct {
	status int
	body   string
	err    error
}

// call sends one request with a JSON body (none when empty) and header, and reads the
// answer.
func call(ctx context.Context, client *http.Client, method, url, body string, header http.Header) answer {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return answer{err: err}
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return answer{status: resp.StatusCode, err: err}
	}
	return answer{status: resp.StatusCode, body: b.String()}
}

// getStatus returns the status url answers a GET with.
func getStatus(ctx context.Context, client *http.Client, url string) (int, error) {
	a := call(ctx, client, http.MethodGet, url, "", nil)
	return a.status, a.err
}

// orderBody is the JSON body of a buy of amount rials.
func orderBody(amount int) string {
	return fmt.Sprintf(`{"order_type":"buy","amount_irr":%d}`, amount)
}

// placeOrder posts a place_order with body as tr under the Idempotency-Key key.
func placeOrder(ctx context.Context, client *http.Client, base string, tr trader, key, body string) answer {
	return call(ctx, client, http.MethodPost, base+"/api/trading/orders/place_order/", body, http.Header{
		"Authorization":   {"Bearer " + tr.Token},
		"Idempotency-Key": {key},
	})
}

// orderNumber reads order_number from a place_order answer or a stored response body.
func orderNumber(body string) string {
	var out struct {
		Data struct {
			OrderNumber string `json:"order_number"`
		} `json:"data"`
	}
	if json.Unmarshal([]byte(body), &out) != nil {
		return ""
	}
	return out.Data.OrderNumber
}

// errorCode reads the code of an API error answer (API.md §1.3), "" for any other body.
func errorCode(body string) string {
	var out struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &out) != nil {
		return ""
	}
	return out.Error.Code
}

// openDatabase opens the database of the app configuration env for the checks, through
// database/sql so that the same statements read PostgreSQL and SQLite; t's cleanup closes
// it.
func openDatabase(t *testing.T, env map[string]string) *sql.DB {
	t.Helper()
	driver, source := "pgx", env["DATABASE_URL"]
	if source == "" {
		driver, source = "sqlite", env["SQLITE_PATH"]
	}
	db, err := sql.Open(driver, source)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// requireOrdersStored fails t unless every order number in numbers is a completed order
// with the ledger journal it is the reference of.
func requireOrdersStored(t *testing.T, db *sql.DB, numbers []string) {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT o.number FROM orders o
		WHERE o.status = 'completed' AND EXISTS (SELECT 1 FROM ledger_journals j WHERE j.reference = o.number)`)
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		have[n] = true
	}
	require.NoError(t, rows.Err())
	var missing []string
	for _, n := range numbers {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	require.Empty(t, missing, "acknowledged orders missing, or stored without their journal")
}
