// Package appbinary builds the talabin binary once per test binary, for the suites that run
// the app as a process (end-to-end journeys, fault injection, the operations examples).
package appbinary

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the repository's root folder, two levels above this package.
var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// built is the binary of this test process, built on first use into a temporary folder.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Path builds ./app/cmd/talabin on first use and returns its path; a failed build fails t
// with the compiler's output.
func Path(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "talabin-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "talabin")
		// Not the test's context: later tests reuse the binary.
		cmd := exec.CommandContext(context.Background(), "go", "build", "-o", built.path, "./app/cmd/talabin")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = errors.New("go build ./app/cmd/talabin: " + err.Error() + "\n" + string(out))
		}
	})
	require.NoError(t, built.err)
	return built.path
}

// Remove deletes the binary's folder; a TestMain calls it once the tests are done.
func Remove() {
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
}
