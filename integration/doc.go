// Package integration holds Talabin's end-to-end suites: the ledger under concurrent load
// (the bank test), under SIGKILL (the crash test) and its benchmark, run against the real
// store adapters. Suites carry the integration build tag, which `make test` sets; PostgreSQL
// comes from TALABIN_TEST_DATABASE_URL (see integration/pgtest).
package integration
