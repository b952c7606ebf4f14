package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
)

// defaultReconcileWindow is how far back `payments reconcile` looks by default.
const defaultReconcileWindow = 30 * 24 * time.Hour

func newPaymentsCommand(environ map[string]string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "payments",
		Short: "Inspect deposits and withdrawals",
		Args:  cobra.NoArgs,
	}
	var window time.Duration
	reconcile := &cobra.Command{
		Use:   "reconcile",
		Short: "List deposits and withdrawals whose state disagrees with the ledger or the gateway; exit 1 when any does",
		Long: "reconcile reads every deposit and withdrawal created within --since in one consistent\n" +
			"snapshot and checks that each verified deposit was credited exactly once for its amount and\n" +
			"no other deposit was, and that each withdrawal's hold is placed, settled or released as its\n" +
			"status says. Then it asks each configured gateway (not the development sandbox, whose\n" +
			"sessions live in the server's memory) about the online deposits: a payment the gateway\n" +
			"verified that was not credited here, or a credit the gateway reversed, is reported, and so\n" +
			"is a deposit still waiting for the reconciler job. It changes nothing and is safe to run in\n" +
			"production. It prints one line per finding and a summary.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if window <= 0 {
				return &exitError{code: exitUsage, err: fmt.Errorf("--since must be positive, got %s", window)}
			}
			return withConfigAndDatabase(cmd.Context(), environ, func(cfg config.Config, db app.Database) error {
				return reconcilePayments(cmd, cfg, db, window)
			})
		},
	}
	reconcile.Flags().DurationVar(&window, "since", defaultReconcileWindow, "how far back to look")
	cmd.AddCommand(reconcile)
	return cmd
}

// reconcilePayments prints what [app.CheckPayments] finds over the last window.
func reconcilePayments(cmd *cobra.Command, cfg config.Config, db app.Database, window time.Duration) error {
	clock := app.NewClock()
	found, skipped, err := app.CheckPayments(cmd.Context(), cfg, db, clock, clock.Now().Add(-window))
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("payments reconcile: %w", err)}
	}
	out := cmd.OutOrStdout()
	for _, name := range skipped {
		_, _ = fmt.Fprintf(out, "gateway %s not asked: its sessions live in the server's memory\n", name)
	}
	for _, d := range found {
		_, _ = fmt.Fprintln(out, d.String())
	}
	_, _ = fmt.Fprintf(out, "checked the last %s: %d disagreements\n", window, len(found))
	if len(found) > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("payments reconcile: %d disagreements", len(found))}
	}
	return nil
}
