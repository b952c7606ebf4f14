//go:build integration

package integration_test

import (
	"testing"

	"github.com/talabin/talabin/integration/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
