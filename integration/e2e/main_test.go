//go:build integration

// Package e2e_test runs user and staff journeys over HTTP against the built talabin binary,
// started as a production process (DEBUG=false) behind a pretend TLS proxy, on a real store
// and with the real provider adapters pointed at in-process fakes that speak the providers'
// protocols: Kavenegar for SMS (the tests read one-time codes from what the provider
// received), ZarinPal and IDPay for deposits (paid on the fakes' payment pages, whose
// returns are followed to the API), and an httpjson price feed. Staff are created with
// `talabin admin create`, and the ledger and the audit log are checked at the end with
// `talabin ledger verify` and `talabin audit verify`.
//
// PostgreSQL comes from integration/pgtest (a fresh database per test) and Redis from
// TALABIN_TEST_REDIS_URL; without them the PostgreSQL tests skip, or fail under CI=true.
package e2e_test

import (
	"testing"

	"github.com/talabin/talabin/integration/appbinary"
	"github.com/talabin/talabin/integration/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m)
	appbinary.Remove()
}
