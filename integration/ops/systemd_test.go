//go:build integration

package ops_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/integration/appbinary"
)

// unitBinary is where docs/deploy/talabin.service expects the binary.
const unitBinary = "/usr/local/bin/talabin"

// TestSystemdUnitVerifies runs systemd-analyze verify on docs/deploy/talabin.service, with
// the binary path pointed at the built app (verify checks that it is executable), and
// requires no finding at all: systemd only warns about an unknown or misspelt setting.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze := requireTool(t, "systemd-analyze", "apt-get install systemd")
	unit := readUnit(t)
	require.Contains(t, unit, "ExecStart="+unitBinary+" serve")
	dir := t.TempDir()
	path := filepath.Join(dir, "talabin.service")
	require.NoError(t, os.WriteFile(path, []byte(strings.ReplaceAll(unit, unitBinary, appbinary.Path(t))), 0o600))

	out, err := exec.CommandContext(t.Context(), analyze, "verify", "--man=no", path).CombinedOutput()
	require.NoError(t, err, "systemd-analyze verify:\n%s", out)
	require.Empty(t, strings.TrimSpace(string(out)), "systemd-analyze verify found problems")
}

// TestSystemdUnitOutwaitsTheDrain checks that systemd waits longer than the app's default
// SHUTDOWN_TIMEOUT before it kills the process, so a drain is never cut short.
func TestSystemdUnitOutwaitsTheDrain(t *testing.T) {
	t.Parallel()
	m := regexp.MustCompile(`(?m)^TimeoutStopSec=(\S+)$`).FindStringSubmatch(readUnit(t))
	require.NotNil(t, m, "the unit sets no TimeoutStopSec")
	stop, err := time.ParseDuration(m[1])
	require.NoError(t, err)
	field, ok := reflect.TypeFor[config.Config]().FieldByName("ShutdownTimeout")
	require.True(t, ok)
	drain, err := time.ParseDuration(field.Tag.Get("envDefault"))
	require.NoError(t, err)
	require.Greater(t, stop, drain, "TimeoutStopSec must exceed SHUTDOWN_TIMEOUT's default")
}

func readUnit(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs", "deploy", "talabin.service"))
	require.NoError(t, err)
	return string(b)
}
