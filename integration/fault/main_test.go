//go:build integration

// Package fault_test injects faults into the running platform and checks that it degrades
// and recovers as promised (issue #9): providers that fail, a PostgreSQL server restarted
// under load, the app killed with SIGKILL under order load.
package fault_test

import (
	"testing"

	"github.com/talabin/talabin/integration/appbinary"
	"github.com/talabin/talabin/integration/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m)
	appbinary.Remove()
}
