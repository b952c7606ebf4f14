package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
)

// withDatabase loads the configuration, opens the store it selects and runs fn with it.
func withDatabase(ctx context.Context, environ map[string]string, fn func(db app.Database) error) error {
	return withConfigAndDatabase(ctx, environ, func(_ config.Config, db app.Database) error { return fn(db) })
}

// withConfigAndDatabase is withDatabase for commands that also read the configuration.
func withConfigAndDatabase(ctx context.Context, environ map[string]string, fn func(cfg config.Config, db app.Database) error) error {
	cfg, err := config.Load(environ)
	if err != nil {
		return err
	}
	db, closeDB, err := app.OpenDatabase(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	defer closeDB()
	return fn(cfg, db)
}

func newMigrateCommand(environ map[string]string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply or list the database schema migrations",
		Args:  cobra.NoArgs,
	}
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration (serve also does this at start-up)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDatabase(cmd.Context(), environ, func(db app.Database) error {
				if err := db.Migrate(cmd.Context()); err != nil {
					return &exitError{code: exitFailure, err: err}
				}
				return printMigrations(cmd.Context(), cmd.OutOrStdout(), db)
			})
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "List every migration and whether the database has it; exit 1 when any is pending",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDatabase(cmd.Context(), environ, func(db app.Database) error {
				return printMigrations(cmd.Context(), cmd.OutOrStdout(), db)
			})
		},
	}
	cmd.AddCommand(up, status)
	return cmd
}

func printMigrations(ctx context.Context, out io.Writer, db app.Database) error {
	list, err := db.MigrationStatus(ctx)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "VERSION\tNAME\tAPPLIED AT")
	pending := 0
	for _, m := range list {
		at := "pending"
		if m.Applied {
			at = m.AppliedAt.UTC().Format(time.RFC3339)
		} else {
			pending++
		}
		_, _ = fmt.Fprintf(w, "%d\t%s\t%s\n", m.Version, m.Name, at)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if pending > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d migrations pending", pending)}
	}
	return nil
}

func newLedgerCommand(environ map[string]string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Inspect the double-entry ledger",
		Args:  cobra.NoArgs,
	}
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Recompute every balance from the postings and check conservation; exit 1 on any violation",
		Long: "verify reads the whole ledger in one consistent snapshot, recomputes every account's\n" +
			"balance from its postings, and checks that stored balances match, that every asset sums\n" +
			"to zero, that no journal is unbalanced and that no account that may not go negative is.\n" +
			"It prints a summary line, then one line per problem. It is safe to run in production.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDatabase(cmd.Context(), environ, func(db app.Database) error {
				report, err := app.VerifyLedger(cmd.Context(), db)
				if err != nil {
					return &exitError{code: exitFailure, err: fmt.Errorf("ledger verify: %w", err)}
				}
				_, _ = fmt.Fprintln(cmd.OutOrStdout(), report.String())
				if !report.OK() {
					return &exitError{code: exitFailure, err: fmt.Errorf("ledger verify: %d problems", len(report.Problems))}
				}
				return nil
			})
		},
	}
	cmd.AddCommand(verify)
	return cmd
}
