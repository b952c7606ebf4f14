// Package sim is a deterministic simulation of Talabin's core use cases (issue #9 item 4):
// one seed draws a random sequence of operations (sign-ups, deposits with their gateway
// returns and the reconciler, buys and sells with and without idempotency keys, price
// changes and halts, withdrawals and their staff decisions, clock jumps) that runs against
// the real app services over the in-memory SQLite store, a fake clock and fake providers
// that fail as the seed decides, and a model of what every acknowledged operation must have
// done is checked against the ledger after every step. Everything a run does derives from
// its seed, so a failing seed printed by the test replays exactly:
//
//	go test -tags=integration -run TestSimulation ./integration/sim/ -seed=N
//
// The package holds only tests; this file is its documentation.
package sim
