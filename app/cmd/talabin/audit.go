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
		Short: "Check the audit log's hash chains; exit 1 at the first entry that breaks one",
		Long: "verify reads the whole audit log in id order in one consistent snapshot and checks its\n" +
			"hash chains: the log is split into a few chains (by actor), each entry names its chain,\n" +
			"each entry's hash must match its contents and chain number, and each entry's prev hash\n" +
			"must be the hash of the entry before it in its chain. An entry changed in place or moved\n" +
			"to another chain is reported as broken; one deleted or inserted breaks the link of the\n" +
			"next entry of its chain. It prints \"entries=N ok\" and the head of each chain (keep them\n" +
			"elsewhere: a log rewritten from some entry on would end in other heads), or the first\n" +
			"break, e.g. \"broken at entry 42 (chain 3): ...\". Entries stored before the chain began\n" +
			"are counted, not covered. It changes nothing and is safe to run in production.",
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
