package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/caarlos0/env/v11"
	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// exitError carries a command's failure and the exit code it maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func (e *exitError) Unwrap() error { return e.err }

// run executes the CLI with args and the environment environ ("KEY=value" entries) and returns
// the process exit code. Errors go to stderr as one line; the app's JSON log goes to stdout.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	root := newRootCommand(env.ToMap(environ), stdout)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var cerr *config.Error
	var xerr *exitError
	switch {
	case errors.As(err, &cerr):
		_, _ = fmt.Fprintln(stderr, cerr.Error())
		return exitUsage
	case errors.As(err, &xerr):
		_, _ = fmt.Fprintf(stderr, "talabin: %v\n", xerr.err)
		return xerr.code
	default:
		// Cobra's own errors: unknown command or flag, wrong arguments.
		_, _ = fmt.Fprintf(stderr, "talabin: %v\nRun 'talabin --help' for usage.\n", err)
		return exitUsage
	}
}

func newRootCommand(environ map[string]string, stdout io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "talabin",
		Short: "Talabin: rial and gold wallets, buying and selling 18K gold by the gram",
		Long: "Talabin runs the Talabin digital gold platform.\n\n" +
			"Configuration comes from environment variables; see README.md.",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.AddCommand(guardServe(newServeCommand(environ, stdout), environ), newMigrateCommand(environ), newLedgerCommand(environ), newAuditCommand(environ), newPaymentsCommand(environ),
		newAdminCommand(environ), newTreasuryCommand(environ), newCheckCommand(environ), newVersionCommand())
	return root
}

func newServeCommand(environ map[string]string, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API until SIGINT or SIGTERM, then drain in-flight requests and exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(environ)
			if err != nil {
				return err
			}
			// Start-up (opening and migrating the store) runs to the end even when a signal
			// arrives meanwhile; Run then sees the signal and shuts down cleanly.
			a, cleanup, err := app.InitializeApp(context.WithoutCancel(cmd.Context()), cfg, stdout, buildInfo())
			if err != nil {
				return &exitError{code: exitFailure, err: fmt.Errorf("serve: %w", err)}
			}
			defer cleanup()
			if err := a.Run(cmd.Context()); err != nil {
				return &exitError{code: exitFailure, err: fmt.Errorf("serve: %w", err)}
			}
			return nil
		},
	}
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the Go toolchain that built this binary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := buildInfo()
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "talabin %s %s %s/%s\n", b.Version, b.GoVersion, runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

func buildInfo() app.BuildInfo {
	return app.BuildInfo{Version: version, GoVersion: runtime.Version()}
}
