// Command talabin runs the bundled Talabin application.
//
//	talabin serve            run the HTTP API until SIGINT or SIGTERM, then drain and exit
//	talabin migrate up       apply pending schema migrations
//	talabin migrate status   list migrations; exit 1 when any is pending
//	talabin ledger verify    recompute balances from postings; exit 1 on any violation
//	talabin audit verify     walk the audit log's hash chains; exit 1 at a broken link
//	talabin payments reconcile  list deposits and withdrawals that disagree with the ledger or
//	                         the gateway; exit 1 when any does
//	talabin admin create     create a staff account; the password is read from standard input
//	talabin check --deploy   audit the configuration for production; exit 1 on any error
//	talabin version          print the version and the Go toolchain
//
// Configuration comes from the environment (README.md lists every variable). Exit codes: 0 on
// success, 1 when the app fails while running, 2 for a usage or configuration error, which is
// printed as one line on standard error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	// Tehran's historical UTC offsets must not depend on the host's zone files: API
	// timestamps are rendered in Asia/Tehran.
	_ "time/tzdata"
)

// version is the release version, stamped at build time with
// -ldflags "-X main.version=v1.2.3" (make build does this).
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal starts the graceful shutdown, restore the default handling so a
	// second one stops the process at once.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
