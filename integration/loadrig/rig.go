// Package loadrig is the test bench of the load drivers (integration/cmd/httpbench and
// integration/cmd/loadtest): it creates a fresh PostgreSQL database with
// synchronous_commit=on, starts the real app in the calling process on a loopback port
// (app.InitializeApp, DEBUG mode, console SMS, per-IP rate limits lifted by
// RATE_LIMIT_SCALE because every simulated client is 127.0.0.1, trade caps lifted), seeds
// funded users with verified phones, logs them in over HTTP, and after the run checks what
// was stored: the orders against the 201 answers, and the ledger verification.
package loadrig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
)

// treasuryGrams is the gold the development treasury seed puts in the house: far more than
// a run sells (1,000 orders/s of at most 0.01 g each) plus the users' seeded gold.
const treasuryGrams = "1000000"

// tradeCap is every KYC level's daily and 30-day trade cap: far above what a run trades, so
// that a long run's orders never meet limit_exceeded.
const tradeCap = "1000000000000000"

// Options configure a [Rig].
type Options struct {
	// AdminDSN is a role on the server that may create databases.
	AdminDSN string
	// Users is how many funded, logged-in users to seed (0: none).
	Users int
	// Name tells the app's build info and the log file's name which driver runs.
	Name string
	// LogFile receives the app's JSON log; empty: a temporary file, removed by Close.
	LogFile string
	// Keep leaves the database behind at Close and prints its DSN.
	Keep bool
}

// Rig is the app serving on a loopback port on a database of its own.
type Rig struct {
	// Base is the app's URL, http://127.0.0.1:port.
	Base string
	// Users are the seeded users with their access tokens.
	Users []User
	// Server describes the PostgreSQL server.
	Server ServerFacts

	dsn      string
	cfg      config.Config
	keep     bool
	blobDir  string // the app's blob folder, a temporary one: loads upload nothing
	drop     func(context.Context) error
	closeLog func()
	app      *runningApp
}

// Start creates the database, starts the app and seeds and logs in the users. On an error
// it undoes what it did.
func Start(ctx context.Context, o Options) (r *Rig, err error) {
	r = &Rig{keep: o.Keep, closeLog: func() {}}
	defer func() {
		if err != nil {
			err = errors.Join(err, r.Close(ctx, io.Discard))
			r = nil
		}
	}()
	r.dsn, r.drop, err = freshDatabase(ctx, o.AdminDSN)
	if err != nil {
		return r, err
	}
	if r.Server, err = describeServer(ctx, r.dsn); err != nil {
		return r, fmt.Errorf("describe server: %w", err)
	}
	var logOut io.Writer
	if logOut, r.closeLog, err = openLog(o.LogFile, o.Name); err != nil {
		return r, err
	}
	if r.blobDir, err = os.MkdirTemp("", "talabin-load-blobs-"); err != nil {
		return r, err
	}
	r.cfg, err = config.Load(map[string]string{
		"DEBUG":              "true",
		"DATABASE_URL":       r.dsn,
		"BLOB_DIR":           r.blobDir,
		"RATE_LIMIT_SCALE":   strconv.Itoa(config.MaxRateLimitScale),
		"DEV_TREASURY_GRAMS": treasuryGrams,
		"LOG_LEVEL":          "info",
		"BUY_LIMITS_DAILY":   tradeCap + "," + tradeCap + "," + tradeCap,
		"BUY_LIMITS_30D":     tradeCap + "," + tradeCap + "," + tradeCap,
		"SELL_LIMITS_DAILY":  tradeCap + "," + tradeCap + "," + tradeCap,
		"SELL_LIMITS_30D":    tradeCap + "," + tradeCap + "," + tradeCap,
	})
	if err != nil {
		return r, err
	}
	if r.app, err = startApp(ctx, r.cfg, logOut, o.Name); err != nil {
		return r, err
	}
	r.Base = r.app.base
	if o.Users > 0 {
		if r.Users, err = prepareUsers(ctx, r.cfg, r.Base, o.Users); err != nil {
			return r, err
		}
	}
	return r, nil
}

// StopApp shuts the app down gracefully, once, so that every answered request has
// committed before [Rig.Check] counts.
func (r *Rig) StopApp() error {
	if r.app == nil {
		return nil
	}
	return r.app.stop()
}

// Close stops the app, closes the log and drops the database (or, with Keep, writes its
// DSN to out).
func (r *Rig) Close(ctx context.Context, out io.Writer) error {
	err := r.StopApp()
	r.closeLog()
	if r.blobDir != "" {
		err = errors.Join(err, os.RemoveAll(r.blobDir))
	}
	if r.drop == nil {
		return err
	}
	if r.keep {
		_, _ = fmt.Fprintln(out, "database kept:", r.dsn)
		return err
	}
	dropCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if dropErr := r.drop(dropCtx); dropErr != nil {
		err = errors.Join(err, fmt.Errorf("drop database: %w", dropErr))
	}
	return err
}

// Stored is what a run left in the database: the orders and the ledger verification.
type Stored struct {
	Orders OrderCounts
	// Ledger is the verification's summary line, or its problems.
	Ledger string
	// LedgerOK tells that the ledger verified clean.
	LedgerOK bool
}

// Check stops the app, then counts the stored orders and runs the ledger verification
// (app.VerifyLedger). It returns an error only when it cannot look; the caller judges the
// counts.
func (r *Rig) Check(ctx context.Context) (Stored, error) {
	var s Stored
	if err := r.StopApp(); err != nil {
		return s, err
	}
	var err error
	if s.Orders, err = CountOrders(ctx, r.dsn); err != nil {
		return s, fmt.Errorf("count orders: %w", err)
	}
	db, closeDB, err := app.OpenDatabase(ctx, r.cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return s, err
	}
	defer closeDB()
	report, err := app.VerifyLedger(ctx, db)
	if err != nil {
		return s, fmt.Errorf("ledger verify: %w", err)
	}
	s.LedgerOK = report.OK()
	s.Ledger = report.String()
	if !s.LedgerOK {
		s.Ledger = fmt.Sprintf("%d problems:\n%s", len(report.Problems), report)
	}
	return s, nil
}

// runningApp is the app serving on a loopback port.
type runningApp struct {
	base    string
	cancel  context.CancelFunc
	served  chan error
	cleanup func()
	stopped bool
}

// startApp builds the app from cfg and serves it on a free loopback port.
func startApp(ctx context.Context, cfg config.Config, logOut io.Writer, name string) (*runningApp, error) {
	application, cleanup, err := app.InitializeApp(ctx, cfg, logOut,
		app.BuildInfo{Version: name, GoVersion: runtime.Version()})
	if err != nil {
		return nil, fmt.Errorf("initialize app: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		cleanup()
		return nil, err
	}
	appCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &runningApp{base: "http://" + ln.Addr().String(), cancel: cancel, served: make(chan error, 1), cleanup: cleanup}
	go func() { r.served <- application.Serve(appCtx, ln) }()
	return r, nil
}

// stop shuts the app down gracefully, once, and closes what it opened.
func (r *runningApp) stop() error {
	if r.stopped {
		return nil
	}
	r.stopped = true
	r.cancel()
	err := <-r.served
	r.cleanup()
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}

// prepareUsers stores n funded users through a store of its own on the app's database and
// logs them in over HTTP.
func prepareUsers(ctx context.Context, cfg config.Config, base string, n int) ([]User, error) {
	db, closeDB, err := app.OpenDatabase(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer closeDB()
	hasher, err := app.NewPasswordHasher()
	if err != nil {
		return nil, err
	}
	hash, err := hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	users, err := seedUsers(ctx, db, n, hash)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if err := logInAll(ctx, client, base, users); err != nil {
		return nil, err
	}
	return users, nil
}

// openLog opens the app's log file: path, or a temporary file removed by the returned close.
func openLog(path, name string) (io.Writer, func(), error) {
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, nil, err
		}
		return f, func() { _ = f.Close() }, nil
	}
	f, err := os.CreateTemp("", name+"-*.log")
	if err != nil {
		return nil, nil, err
	}
	return f, func() { _ = f.Close(); _ = os.Remove(f.Name()) }, nil
}
