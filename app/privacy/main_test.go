package privacy_test

import (
	"testing"

	"github.com/talabin/talabin/integration/pgtest"
)

// TestMain drops the PostgreSQL template database the engine tests cloned, once they ran.
func TestMain(m *testing.M) { pgtest.Main(m) }
