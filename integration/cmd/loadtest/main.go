// Command loadtest runs the load scenarios behind `make load`, each against the real app
// started in this process on a fresh PostgreSQL database (integration/loadrig: the server
// of TALABIN_TEST_DATABASE_URL, synchronous_commit=on, per-IP rate limits and trade caps
// lifted, users seeded with rials and 10 g of gold and logged in over
// /api/auth/login/), driven over loopback by vegeta:
//
//   - orders: -users traders (100), each with its own session and wallet, closed loop (one
//     request in flight per trader), alternating buy and sell orders of 100,000 to 1,000,000
//     rials on POST /api/trading/orders/place_order/ for -duration (30 s);
//   - prices: open loop, a constant -price-rate (1,000 requests/s) on
//     GET /api/prices/gold/current/ for -duration (30 s), against the objective p99 ≤ 10 ms;
//   - mixed: open loop, a constant -mixed-rate (200 requests/s) of what the web client sends:
//     40 % current price, 20 % balance, 15 % transactions list, 15 % order previews, 10 %
//     buy or sell orders, by -users users, for -duration (60 s; -duration 10m for the
//     sustained run).
//
// After each scenario it stops the app, checks that every 201 of place_order left exactly
// one completed order and one audit event, and runs the ledger verification. It writes
// <scenario>.json (rates, latency percentiles, status counts and a per-second series, in
// total and per endpoint), <scenario>.txt (the same for a person) and <scenario>.html
// (vegeta's latency-over-time chart of every request, its JavaScript embedded) into -out.
//
// The exit code is 1 when a request failed (a status other than the endpoint's success, or
// no answer within 10 s), the stored orders do not match, or the ledger does not verify; a
// missed latency objective fails the run only with -strict (figures from a shared machine
// are noisy: the run reports them, it does not assert on them). 2 is a usage error.
//
// Usage:
//
//	TALABIN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go run ./integration/cmd/loadtest [-scenario all|orders|prices|mixed] [-duration 60s] [-out load-results] [-strict]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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

// run parses args and runs the chosen scenarios one after the other, writing their
// summaries to stdout and problems to stderr; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		_, _ = fmt.Fprintln(stderr, "loadtest:", err)
		return exitUsage
	}
	opts.Command = strings.TrimSpace("loadtest " + strings.Join(args, " "))
	code := exitOK
	for _, sc := range opts.selected() {
		rep, err := runScenario(ctx, opts, sc, stdout)
		if err != nil {
			_, _ = fmt.Fprintf(stderr, "loadtest: %s: %v\n", sc.name, err)
			return exitFailure
		}
		for _, p := range rep.Problems {
			_, _ = fmt.Fprintf(stderr, "loadtest: %s: %s\n", sc.name, p)
			code = exitFailure
		}
		if opts.Strict && rep.Objective != nil && !rep.Objective.Met {
			_, _ = fmt.Fprintf(stderr, "loadtest: %s: objective %s missed (-strict)\n", sc.name, rep.Objective.Name)
			code = exitFailure
		}
	}
	return code
}
