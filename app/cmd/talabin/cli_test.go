package main

import (
	"bytes"
	"context"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		environ    []string
		cancelled  bool
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{
			name:       "Version",
			args:       []string{"version"},
			wantCode:   exitOK,
			wantStdout: "talabin dev " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n",
		},
		{
			name:       "BadConfigIsOneLineAndExitTwo",
			args:       []string{"serve"},
			environ:    []string{"DEBUG=true", "MIN_PURCHASE_AMOUNT=abc"},
			wantCode:   exitUsage,
			wantStderr: "config: MIN_PURCHASE_AMOUNT: must be a positive whole number of rials, got \"abc\"\n",
		},
		{
			name:       "ProductionWithoutSecretKey",
			args:       []string{"serve"},
			environ:    []string{"ALLOWED_HOSTS=api.talabin.ir"},
			wantCode:   exitUsage,
			wantStderr: "config: SECRET_KEY: must be set when DEBUG is false\n",
		},
		{
			name:       "UnknownCommand",
			args:       []string{"frobnicate"},
			wantCode:   exitUsage,
			wantStderr: "talabin: unknown command \"frobnicate\" for \"talabin\"\nRun 'talabin --help' for usage.\n",
		},
		{
			name:       "ExtraArgument",
			args:       []string{"version", "extra"},
			wantCode:   exitUsage,
			wantStderr: "talabin: unknown command \"extra\" for \"talabin version\"\nRun 'talabin --help' for usage.\n",
		},
		{
			name:      "ServeStopsWhenSignalled",
			args:      []string{"serve"},
			environ:   []string{"DEBUG=true", "HTTP_ADDR=127.0.0.1:0", "SHUTDOWN_TIMEOUT=5s"},
			cancelled: true,
			wantCode:  exitOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.cancelled {
				// A signal that arrives as soon as the server starts: serve must drain and exit 0.
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				cancel()
			}
			var stdout, stderr bytes.Buffer

			code := run(ctx, tt.args, tt.environ, &stdout, &stderr)

			require.Equal(t, tt.wantCode, code, "stderr: %s", stderr.String())
			if tt.wantStdout != "" {
				require.Equal(t, tt.wantStdout, stdout.String())
			}
			if tt.wantCode == exitOK {
				require.Empty(t, stderr.String())
			} else {
				require.True(t, strings.HasPrefix(stderr.String(), tt.wantStderr), "stderr: %q", stderr.String())
			}
		})
	}
}

func TestServeListenFailureExitsOne(t *testing.T) {
	t.Parallel()
	var lc net.ListenConfig
	taken, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = taken.Close() }()
	var stdout, stderr bytes.Buffer

	code := run(t.Context(), []string{"serve"}, []string{"DEBUG=true", "HTTP_ADDR=" + taken.Addr().String()}, &stdout, &stderr)

	require.Equal(t, exitFailure, code)
	require.True(t, strings.HasPrefix(stderr.String(), "talabin: serve: listen on "+taken.Addr().String()+": "), "stderr: %q", stderr.String())
	require.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line")
}

func TestServeLogsJSONToStdout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer

	code := run(ctx, []string{"serve"}, []string{"DEBUG=true", "HTTP_ADDR=127.0.0.1:0"}, &stdout, &stderr)

	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	for _, line := range lines {
		require.True(t, strings.HasPrefix(line, `{"time":`), "not a JSON log line: %s", line)
	}
	require.Contains(t, stdout.String(), `"msg":"talabin starting","version":"dev"`)
	require.Contains(t, stdout.String(), `"msg":"stopped"`)
}
