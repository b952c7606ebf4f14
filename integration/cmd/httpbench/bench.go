package main

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
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
)

// treasuryGrams is the gold the development treasury seed puts in the house: far more than
// a run sells (1,000 orders/s of at most 0.01 g each).
const treasuryGrams = "1000000"

// bench runs the whole benchmark and writes its report to out.
func bench(ctx context.Context, o options, out io.Writer) (err error) {
	dsn, drop, err := freshDatabase(ctx, o.AdminDSN)
	if err != nil {
		return err
	}
	defer func() {
		if o.Keep {
			_, _ = fmt.Fprintln(out, "database kept:", dsn)
			return
		}
		dropCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if dropErr := drop(dropCtx); dropErr != nil {
			err = errors.Join(err, fmt.Errorf("drop database: %w", dropErr))
		}
	}()
	facts, err := describeServer(ctx, dsn)
	if err != nil {
		return fmt.Errorf("describe server: %w", err)
	}
	logOut, closeLog, err := openLog(o.LogFile)
	if err != nil {
		return err
	}
	defer closeLog()

	cfg, err := config.Load(map[string]string{
		"DEBUG":              "true",
		"DATABASE_URL":       dsn,
		"RATE_LIMIT_SCALE":   strconv.Itoa(config.MaxRateLimitScale),
		"DEV_TREASURY_GRAMS": treasuryGrams,
		"LOG_LEVEL":          "info",
	})
	if err != nil {
		return err
	}
	running, err := startApp(ctx, cfg, logOut)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, running.stop()) }()

	users, err := prepareUsers(ctx, cfg, running.base, o.Users)
	if err != nil {
		return err
	}
	printHeader(out, o, facts)

	var measured, all []outcome
	attack := func(warm bool, do func(d time.Duration) outcome) {
		if warm && o.Warmup > 0 {
			all = append(all, do(o.Warmup))
			return
		}
		if !warm {
			cpu0 := machineCPU()
			res := do(o.Duration)
			res.CPUBusy = machineCPU().busySince(cpu0)
			measured, all = append(measured, res), append(all, res)
			printOutcome(out, res)
		}
	}
	priceAttack := func(d time.Duration) outcome { return attackPrice(running.base, o.Conns, d) }
	attack(true, priceAttack)
	stopProfile, err := startProfile(o.PriceCPUProfile)
	if err != nil {
		return err
	}
	attack(false, priceAttack)
	if err := stopProfile(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	stopProfile, err = startProfile(o.CPUProfile)
	if err != nil {
		return err
	}
	for _, keyed := range []bool{false, true} {
		for _, warm := range []bool{true, false} {
			run := fmt.Sprintf("keyed%t-warm%t", keyed, warm)
			attack(warm, func(d time.Duration) outcome {
				return attackPlace(running.base, users, d, keyed, run, o.Seed)
			})
		}
	}
	if err := stopProfile(); err != nil {
		return err
	}
	if err := running.stop(); err != nil {
		return err
	}
	printTable(out, measured)
	return check(ctx, out, cfg, dsn, all)
}

// runningApp is the app serving on a loopback port.
type runningApp struct {
	base    string
	cancel  context.CancelFunc
	served  chan error
	cleanup func()
	stopped bool
	err     error
}

// startApp builds the app from cfg and serves it on a free loopback port.
func startApp(ctx context.Context, cfg config.Config, logOut io.Writer) (*runningApp, error) {
	application, cleanup, err := app.InitializeApp(ctx, cfg, logOut,
		app.BuildInfo{Version: "httpbench", GoVersion: runtime.Version()})
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
	r.err = <-r.served
	r.cleanup()
	if r.err != nil {
		return fmt.Errorf("app: %w", r.err)
	}
	return nil
}

// prepareUsers stores n funded users through a store of its own on the app's database and
// logs them in over HTTP.
func prepareUsers(ctx context.Context, cfg config.Config, base string, n int) ([]benchUser, error) {
	db, closeDB, err := app.OpenDatabase(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer closeDB()
	hasher, err := app.NewPasswordHasher()
	if err != nil {
		return nil, err
	}
	hash, err := hasher.Hash(benchPassword)
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

// check counts failed requests, compares the 201s with the orders stored and runs the
// ledger verification. Any problem is an error.
func check(ctx context.Context, out io.Writer, cfg config.Config, dsn string, all []outcome) error {
	var errs []error
	var placed, keyed int64
	for _, o := range all {
		if o.Errors > 0 {
			errs = append(errs, fmt.Errorf("%s: %d of %d requests failed, e.g. %s", o.Name, o.Errors, o.Requests, o.FirstError))
		}
		if o.placeOrders {
			placed += int64(o.OK)
		}
		if o.keyed {
			keyed += int64(o.OK)
		}
	}
	counts, err := countOrders(ctx, dsn)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("count orders: %w", err))...)
	}
	_, _ = fmt.Fprintf(out, "\norders: %d answered 201 (warm-ups included), %d keyed; stored: %d completed, %d failed, %d other, "+
		"%d order.place audit events, %d idempotency records\n",
		placed, keyed, counts.Completed, counts.Failed, counts.Other, counts.Audited, counts.Idempotent)
	want := orderCounts{Completed: placed, Audited: placed, Idempotent: keyed}
	if counts != want {
		errs = append(errs, fmt.Errorf("what is stored does not match the 201 answers: got %+v, want %+v", counts, want))
	}
	db, closeDB, err := app.OpenDatabase(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	defer closeDB()
	report, err := app.VerifyLedger(ctx, db)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("ledger verify: %w", err))
	case !report.OK():
		errs = append(errs, fmt.Errorf("ledger verify: %d problems:\n%s", len(report.Problems), report))
	default:
		_, _ = fmt.Fprintln(out, "ledger verify:", report)
	}
	return errors.Join(errs...)
}

// openLog opens the app's log file: path, or a temporary file removed by the returned close.
func openLog(path string) (io.Writer, func(), error) {
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, nil, err
		}
		return f, func() { _ = f.Close() }, nil
	}
	f, err := os.CreateTemp("", "httpbench-*.log")
	if err != nil {
		return nil, nil, err
	}
	return f, func() { _ = f.Close(); _ = os.Remove(f.Name()) }, nil
}

// startProfile starts a CPU profile into path; with no path it does nothing.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
