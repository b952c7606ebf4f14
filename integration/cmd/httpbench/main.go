// Command httpbench is the HTTP load benchmark behind `make bench-http`. It starts the real
// app in this process (app.InitializeApp, DEBUG mode, console SMS, rate limits lifted by
// RATE_LIMIT_SCALE) on a fresh PostgreSQL database created on the server of
// TALABIN_TEST_DATABASE_URL with synchronous_commit=on, seeds funded users with verified
// phones and a large house treasury, logs the users in over HTTP, and drives it with vegeta
// over loopback:
//
//  1. GET /api/prices/gold/current/ as fast as -conns keep-alive connections go;
//  2. POST /api/trading/orders/place_order/ buys of 100,000 to 1,000,000 rials, -users
//     traders each sending back to back with its own token and wallet, first without and
//     then with a unique Idempotency-Key per request.
//
// It prints requests/s and p50/p99/max latency per attack, then stops the app, checks that
// every 201 left exactly one completed order and no failed one, and runs the ledger
// verification (app.VerifyLedger). The exit code is 1 when any request failed or the ledger
// check found a problem, 2 for a usage error; the figures themselves never fail the run: a
// benchmark reports, it does not assert on time. The database is dropped at the end unless
// -keep is given.
//
// Usage:
//
//	TALABIN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go run ./integration/cmd/httpbench [-duration 10s] [-conns 64] [-users 64] [-cpuprofile place.pprof]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// API timestamps are rendered in Asia/Tehran whatever the host's zone files.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run parses args and runs the benchmark, writing the report to stdout and problems to
// stderr; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		_, _ = fmt.Fprintln(stderr, "httpbench:", err)
		return exitUsage
	}
	if err := bench(ctx, opts, stdout); err != nil {
		_, _ = fmt.Fprintln(stderr, "httpbench:", err)
		return exitFailure
	}
	return exitOK
}
