package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core/identity"
)

func newAdminCommand(environ map[string]string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Manage staff accounts",
		Args:  cobra.NoArgs,
	}
	var phone, role, reason string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a staff account, or promote an existing user, with a password read from standard input",
		Long: "create gives the user of --phone the staff --role (admin or operator), a verified phone and\n" +
			"the password read from the first line of standard input (never from the command line,\n" +
			"where it would stay in the shell history). An existing user is promoted, its password\n" +
			"replaced and its sessions revoked. The action is written to the audit log with --reason.\n\n" +
			"  printf '%s\\n' \"$ADMIN_PASSWORD\" | talabin admin create --phone 09120000000 --reason 'first admin'",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := identity.ParseRole(role)
			if err != nil || !r.IsStaff() {
				return &exitError{code: exitUsage, err: fmt.Errorf("admin create: --role must be admin or operator, got %q", role)}
			}
			if strings.TrimSpace(reason) == "" {
				return &exitError{code: exitUsage, err: errors.New("admin create: --reason is required")}
			}
			line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			password := strings.TrimRight(line, "\r\n")
			if password == "" {
				return &exitError{code: exitUsage, err: fmt.Errorf("admin create: read the password from standard input: %w", errors.Join(err, errors.New("empty")))}
			}
			hasher, err := app.NewPasswordHasher()
			if err != nil {
				return &exitError{code: exitFailure, err: err}
			}
			return withDatabase(cmd.Context(), environ, func(db app.Database) error {
				if err := db.Migrate(cmd.Context()); err != nil {
					return &exitError{code: exitFailure, err: err}
				}
				id, err := app.CreateStaff(cmd.Context(), db, hasher, phone, password, r, reason, time.Now())
				if err != nil {
					return &exitError{code: exitFailure, err: err}
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "staff user %s (%s) ready\n", id, r)
				return err
			})
		},
	}
	create.Flags().StringVar(&phone, "phone", "", "the staff member's mobile number (required)")
	create.Flags().StringVar(&role, "role", identity.RoleAdmin.String(), "admin or operator")
	create.Flags().StringVar(&reason, "reason", "", "why, for the audit log (required)")
	_ = create.MarkFlagRequired("phone")
	cmd.AddCommand(create)
	return cmd
}
