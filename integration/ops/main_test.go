//go:build integration

// Package ops_test runs the operations examples of docs/ and scripts/ops/ for real: the nginx
// configuration in front of the built app, the systemd unit through systemd-analyze, and the
// backup restore check against PostgreSQL. A tool that is not installed skips its test,
// except under CI (CI=true), where .ci/run installs them and a missing one fails.
package ops_test

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/integration/appbinary"
	"github.com/talabin/talabin/integration/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m)
	appbinary.Remove()
}

// repoRoot is the repository's root folder, two levels above this package.
var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// requireTool returns the path of an installed program, on PATH or in the system folders a
// non-root PATH lacks (nginx is in /usr/sbin), skipping t when it is missing locally and
// failing it under CI.
func requireTool(t *testing.T, name, install string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if path, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (CI must have it: %s)", name, install)
	}
	t.Skipf("%s is not installed (%s)", name, install)
	return ""
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// startupTimeout bounds how long a started server may take to answer.
const startupTimeout = 60 * time.Second

// waitForHTTP polls url with client until it answers at all, or fails t after
// startupTimeout. exited reports a server that stopped meanwhile.
func waitForHTTP(t *testing.T, client *http.Client, url string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(startupTimeout)
	for {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("the server of %s exited before answering: %v", url, err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer within %s: %v", url, startupTimeout, err)
		}
	}
}
