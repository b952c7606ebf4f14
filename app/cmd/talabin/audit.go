package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app"
)

func newAuditCommand(environ map[string]string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Inspect the audit log",
		Args:  cobra.NoArgs,
	}
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain; exit 1 at the first entry that breaks it",
		Long: "verify reads the whole audit log in id order in one consistent snapshot and checks that\n" +
			"each entry's hash matches its contents and that each entry's prev hash is the hash of the\n" +
			"entry before it. An entry changed in place is reported as broken; one deleted or inserted\n" +
			"breaks the link of the entry after it. It prints \"entries=N ok\" and the head of the\n" +
			"chain (keep it elsewhere: a log rewritten from some entry on would end in another head),\n" +
			"or the first break. Entries stored before the chain began are counted, not covered.\n" +
			"It changes nothing and is safe to run in production.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDatabase(cmd.Context(), environ, func(db app.Database) error {
				report, err := app.VerifyAuditLog(cmd.Context(), db)
				if err != nil {
					return &exitError{code: exitFailure, err: fmt.Errorf("audit verify: %w", err)}
				}
				_, _ = fmt.Fprintln(cmd.OutOrStdout(), report.String())
				if !report.OK() {
					return &exitError{code: exitFailure, err: errors.New("audit verify: the audit log's hash chain is broken")}
				}
				return nil
			})
		},
	}
	cmd.AddCommand(verify)
	return cmd
}
