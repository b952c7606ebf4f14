package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// productionEnviron is a production environment (DEBUG unset) that passes config.Load and
// the deployment check without a finding, plus extra entries.
func productionEnviron(extra ...string) []string {
	return append([]string{
		"SECRET_KEY=k8Zq2vR7xN4mT1pW9sL6cY3bH0dF5gJ2aE8uQ7rV4nM1zX6tK9wP3yB0hG5jD2fS",
		"ALLOWED_HOSTS=api.talabin.ir",
		"SMS_PROVIDERS=kavenegar",
		"KAVENEGAR_API_KEY=kv-key",
		"ZARINPAL_MERCHANT_ID=1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
		"PUBLIC_API_URL=https://api.talabin.ir",
		"WEB_APP_URL=https://talabin.ir",
		"DATABASE_URL=postgres://app@db:5432/talabin",
		"REDIS_URL=redis://cache:6379/0",
		"TRUSTED_PROXIES=10.0.0.0/8",
		"BLOB_STORE=s3",
		"S3_BUCKET=talabin-private",
		"S3_ACCESS_KEY_ID=AKIA",
		"S3_SECRET_ACCESS_KEY=s3-secret",
		"SECURE_SSL_REDIRECT=true",
		"METRICS_ADDR=127.0.0.1:0",
	}, extra...)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		environ    []string
		wantCode   int
		wantStdout []string // lines, in order
		wantStderr string
	}{
		{
			name:     "DeployDevelopmentConfig",
			args:     []string{"check", "--deploy"},
			environ:  []string{"DEBUG=true"},
			wantCode: exitFailure,
			wantStdout: []string{
				"ERROR talabin.E001 DEBUG is true: development defaults and switches are allowed. Fix: Set DEBUG=false.",
				"ERROR talabin.E002 ",
				"ERROR talabin.E008 ",
				"ERROR talabin.E010 ",
				"ERROR talabin.E011 ",
				"ERROR talabin.E012 ",
				"ERROR talabin.E014 ",
				"ERROR talabin.E017 ",
				"ERROR talabin.E020 ",
				"WARNING talabin.W002 ",
				"WARNING talabin.W003 ",
				"WARNING talabin.W004 ",
				"WARNING talabin.W005 ",
				"WARNING talabin.W006 ",
				"WARNING talabin.W007 ",
				"deploy check: 9 errors, 6 warnings",
			},
			wantStderr: "talabin: check: the deployment check found 9 errors\n",
		},
		{
			name:       "DeployProductionConfig",
			args:       []string{"check", "--deploy"},
			environ:    productionEnviron(),
			wantCode:   exitOK,
			wantStdout: []string{"deploy check: no issues"},
		},
		{
			name:       "DeployWarningsOnly",
			args:       []string{"check", "--deploy"},
			environ:    productionEnviron("REDIS_URL="),
			wantCode:   exitOK,
			wantStdout: []string{"WARNING talabin.W003 ", "deploy check: 0 errors, 1 warning"},
		},
		{
			name:       "WithoutDeployOnlyLoads",
			args:       []string{"check"},
			environ:    []string{"DEBUG=true"},
			wantCode:   exitOK,
			wantStdout: []string{"configuration ok"},
		},
		{
			name:       "BadConfigIsExitTwo",
			args:       []string{"check", "--deploy"},
			environ:    []string{"DEBUG=true", "MIN_PURCHASE_AMOUNT=abc"},
			wantCode:   exitUsage,
			wantStderr: "config: MIN_PURCHASE_AMOUNT: must be a positive whole number of rials, got \"abc\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer

			code := run(t.Context(), tt.args, tt.environ, &stdout, &stderr)

			require.Equal(t, tt.wantCode, code, "stderr: %s", stderr.String())
			require.Equal(t, tt.wantStderr, stderr.String())
			var lines []string
			if stdout.Len() > 0 {
				lines = strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			}
			require.Len(t, lines, len(tt.wantStdout), "stdout: %s", stdout.String())
			for i, want := range tt.wantStdout {
				require.True(t, strings.HasPrefix(lines[i], want), "line %d: %q, want prefix %q", i, lines[i], want)
			}
		})
	}
}

// TestServeRefusesDeployErrorsInProduction runs serve with DEBUG=false and a configuration
// that Load accepts but the deployment check does not (an http:// CORS origin): serve must
// print the error and exit 2 before it opens the store.
func TestServeRefusesDeployErrorsInProduction(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "talabin.db")
	environ := slices.DeleteFunc(productionEnviron("CORS_ALLOWED_ORIGINS=http://talabin.ir", "SQLITE_PATH="+dbPath, "HTTP_ADDR=127.0.0.1:0"),
		func(kv string) bool { return strings.HasPrefix(kv, "DATABASE_URL=") })
	var stdout, stderr bytes.Buffer

	code := run(t.Context(), []string{"serve"}, environ, &stdout, &stderr)

	require.Equal(t, exitUsage, code)
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	require.Len(t, lines, 2, "stderr: %s", stderr.String())
	require.True(t, strings.HasPrefix(lines[0], "ERROR talabin.E011 Cross-origin access (CORS_ALLOWED_ORIGINS, else WEB_APP_URL's origin) is allowed to http://talabin.ir"), lines[0])
	require.Equal(t, "talabin: serve: refusing to start with DEBUG=false: the deployment check found 1 error (see talabin check --deploy)", lines[1])
	require.Empty(t, stdout.String(), "nothing started")
	_, err := os.Stat(dbPath)
	require.ErrorIs(t, err, os.ErrNotExist, "the store was not opened")
}

// TestServeStartsInProductionWithWarnings runs serve with DEBUG=false on SQLite and local
// blobs, which only warn: serve starts, then drains on the signal that is already there.
func TestServeStartsInProductionWithWarnings(t *testing.T) {
	t.Parallel()
	environ := slices.DeleteFunc(productionEnviron(tempSQLitePath(t), "HTTP_ADDR=127.0.0.1:0", "SHUTDOWN_TIMEOUT=5s",
		"BLOB_DIR="+t.TempDir()),
		func(kv string) bool {
			return strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "REDIS_URL=") || strings.HasPrefix(kv, "BLOB_STORE=")
		})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer

	code := run(ctx, []string{"serve"}, environ, &stdout, &stderr)

	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	require.Empty(t, stderr.String())
	require.Contains(t, stdout.String(), `"msg":"talabin starting"`)
}
