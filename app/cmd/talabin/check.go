package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app/config"
)

func newCheckCommand(environ map[string]string) *cobra.Command {
	var deploy bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate the configuration; with --deploy, audit it for production and exit 1 on any error",
		Long: "check loads the configuration as serve would and exits 2 with one line when a variable\n" +
			"breaks its rule. With --deploy it also audits the configuration for production, like\n" +
			"Django's `manage.py check --deploy`, whatever DEBUG says, so a development environment\n" +
			"can be checked before it ships. Each finding is one line:\n\n" +
			"  ERROR talabin.E003 SECRET_KEY is shorter than 50 characters. Fix: ...\n\n" +
			"then a summary line; it exits 1 when any finding is an error. Errors (talabin.E...):\n" +
			"DEBUG on; SECRET_KEY unset, short, low in variety or a placeholder; SECRET_KEY_FALLBACKS\n" +
			"repeating a key or holding a weak one; ALLOWED_HOSTS empty; COOKIE_SECURE off;\n" +
			"PUBLIC_API_URL unset or not https; a wildcard or http:// origin in CORS_ALLOWED_ORIGINS;\n" +
			"console or no SMS provider; a listed SMS provider's settings empty; the sandbox gateway\n" +
			"or none; a listed gateway's key missing; IDPAY_SANDBOX; OWNERSHIP_INQUIRY=fake;\n" +
			"OTP_EXPOSE_CODE; RATE_LIMIT_SCALE other than 1; DEV_TREASURY_GRAMS above 0 in DEBUG;\n" +
			"METRICS_TOKEN under 32 characters. Warnings (talabin.W...): ALLOWED_HOSTS=*; SQLite;\n" +
			"no Redis; no TRUSTED_PROXIES; BLOB_STORE=localfs. serve runs the same audit when\n" +
			"DEBUG is false and refuses to start on any error.\n\n" +
			"Not checked, from Django's list: HSTS, nosniff, X-Frame-Options and Referrer-Policy\n" +
			"(the API sends them on every response, not configurable); an HTTPS redirect (TLS ends\n" +
			"at the reverse proxy); API docs exposure (there is no docs endpoint); an unset\n" +
			"METRICS_TOKEN (it turns /metrics off rather than making it public).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(environ)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !deploy {
				_, _ = fmt.Fprintln(out, "configuration ok")
				return nil
			}
			findings := cfg.DeployCheck()
			errs := printFindings(out, findings)
			_, _ = fmt.Fprintln(out, summary(findings, errs))
			if errs > 0 {
				return &exitError{code: exitFailure, err: fmt.Errorf("check: the deployment check found %s", plural(errs, "error"))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&deploy, "deploy", false, "audit the configuration for production")
	return cmd
}

// guardServe makes serve refuse to start in production (DEBUG=false) when the deployment
// check finds an error, printing each error to standard error first: before the store is
// opened or migrated, and before anything listens.
func guardServe(serve *cobra.Command, environ map[string]string) *cobra.Command {
	serve.PreRunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := config.Load(environ)
		if err != nil || cfg.Debug {
			return err
		}
		var errs []config.Finding
		for _, f := range cfg.DeployCheck() {
			if f.Severity == config.SeverityError {
				errs = append(errs, f)
			}
		}
		if len(errs) == 0 {
			return nil
		}
		printFindings(cmd.ErrOrStderr(), errs)
		return &exitError{code: exitUsage, err: errors.New("serve: refusing to start with DEBUG=false: the deployment check found " +
			plural(len(errs), "error") + " (see talabin check --deploy)")}
	}
	return serve
}

// printFindings writes one line per finding and returns how many are errors.
func printFindings(w io.Writer, findings []config.Finding) int {
	errs := 0
	for _, f := range findings {
		if f.Severity == config.SeverityError {
			errs++
		}
		_, _ = fmt.Fprintf(w, "%s %s %s Fix: %s\n", strings.ToUpper(f.Severity), f.ID, f.Message, f.Fix)
	}
	return errs
}

// summary is the last line of check --deploy.
func summary(findings []config.Finding, errs int) string {
	if len(findings) == 0 {
		return "deploy check: no issues"
	}
	return fmt.Sprintf("deploy check: %s, %s", plural(errs, "error"), plural(len(findings)-errs, "warning"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
