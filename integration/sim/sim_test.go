//go:build integration

package sim

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// Defaults of a simulation run; TALABIN_SIM_SEEDS and TALABIN_SIM_STEPS override them.
const (
	defaultSeeds = 1000
	defaultSteps = 40
)

var seedFlag = flag.Uint64("seed", 0, "replay only this simulation seed (TALABIN_SIM_SEED too)")

// envInt reads a positive integer from the environment, or def.
func envInt(t *testing.T, name string, def uint64) uint64 {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	require.NoError(t, err, name)
	require.Positive(t, n, name)
	return n
}

// simulate runs seed for steps steps and returns the operation log and the first
// violation or error, with the step it happened at.
func simulate(t *testing.T, seed uint64, steps int) (log []string, err error) {
	t.Helper()
	pick := newWorldRNG(seed)
	treasuryGold := []int64{200_000, 5_000_000, 200_000_000}[pick.IntN(3)]
	faults := pick.IntN(5) != 0
	w := newWorld(t, seed, treasuryGold, faults)
	s := &run{seed: seed, world: w, model: &model{price: priceAtStart(), treasuryGold: treasuryGold}}
	s.logf("seed=%d treasury_gold=%d faults=%t", seed, treasuryGold, faults)
	if err := check(w.ctx, w, s.model); err != nil {
		return s.log, fmt.Errorf("before step 1: %w", err)
	}
	for step := 1; step <= steps; step++ {
		o := s.draw()
		w.store.arm(noFault, 0)
		if faults && w.rng.IntN(100) < 12 {
			kind := faultKind(1 + w.rng.IntN(2))
			at := 1 + w.rng.IntN(3)
			w.store.arm(kind, at)
			s.logf("arm %s fault at transaction %d", kind, at)
		}
		err := o.do(s)
		w.store.arm(noFault, 0)
		if err == nil {
			err = s.sync()
		}
		if err == nil {
			err = check(w.ctx, w, s.model)
		}
		if err != nil {
			return s.log, fmt.Errorf("step %d (%s): %w", step, o.name, err)
		}
	}
	// Drain: the faults stop, time passes, the reconciler settles everything, and every
	// payment the gateway captured must by then be credited.
	w.gw.faults, w.sms.faults = false, false
	for range 2 {
		w.clock.Advance(s.world.payTTL())
		_ = s.reconcile()
	}
	if err := s.sync(); err != nil {
		return s.log, fmt.Errorf("drain: %w", err)
	}
	if err := check(w.ctx, w, s.model); err != nil {
		return s.log, fmt.Errorf("drain: %w", err)
	}
	for _, u := range s.model.users {
		for _, d := range u.deposits {
			if sess := w.gw.sessions[d.auth]; sess != nil && sess.captured && !d.credited {
				return s.log, fmt.Errorf("drain: %w", violated("user %d: deposit %d captured by the gateway but %s after reconciling", u.n, d.id, d.status))
			}
		}
	}
	return s.log, nil
}

// TestSimulation runs TALABIN_SIM_SEEDS seeds (default 1,000) of TALABIN_SIM_STEPS steps
// (default 40), or only -seed (TALABIN_SIM_SEED), and prints a failing seed with its
// operation log and the command that replays it.
func TestSimulation(t *testing.T) {
	steps := int(envInt(t, "TALABIN_SIM_STEPS", defaultSteps))
	if seed := envInt(t, "TALABIN_SIM_SEED", *seedFlag); seed != 0 {
		log, err := simulate(t, seed, steps)
		t.Log("\n" + strings.Join(log, "\n"))
		require.NoError(t, err, "seed %d", seed)
		return
	}
	seeds := envInt(t, "TALABIN_SIM_SEEDS", defaultSeeds)
	if testing.Short() {
		seeds = 50
	}
	var (
		next   atomic.Uint64
		failed atomic.Int64
		wg     sync.WaitGroup
	)
	// Seeds are independent worlds, so they run side by side; inside one seed everything is
	// sequential. Each seed runs in a subtest of its own so that its store closes with it.
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				seed := next.Add(1)
				if seed > seeds || failed.Load() >= 3 {
					return
				}
				t.Run("", func(t *testing.T) {
					log, err := simulate(t, seed, steps)
					if err != nil {
						failed.Add(1)
						t.Errorf("seed %d failed: %v\nreplay: go test -tags=integration -count=1 -run TestSimulation ./integration/sim/ -seed=%d\noperation log:\n%s",
							seed, err, seed, strings.Join(log, "\n"))
					}
				})
			}
		})
	}
	wg.Wait()
	t.Logf("%d seeds of %d steps", min(seeds, next.Load()), steps)
}

// TestReplayIsDeterministic runs one seed twice and requires the same operation log.
func TestReplayIsDeterministic(t *testing.T) {
	t.Parallel()
	const seed = 42
	first, err := simulate(t, seed, defaultSteps)
	require.NoError(t, err)
	second, err := simulate(t, seed, defaultSteps)
	require.NoError(t, err)
	require.Equal(t, first, second)
}

// TestCheckerCatchesTamperedBalance moves one rial from the house to a user behind the
// services' back: the journal balances, so ledger verify passes, and the checker must still
// see that the wallet disagrees with the model.
func TestCheckerCatchesTamperedBalance(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 7, 5_000_000, false)
	s := &run{seed: 7, world: w, model: &model{price: priceAtStart(), treasuryGold: 5_000_000}}
	for s.model.users == nil || s.model.users[0].state != verified {
		require.NoError(t, s.signUp())
	}
	require.NoError(t, check(w.ctx, w, s.model))
	u := s.model.users[0]
	require.NoError(t, w.store.InTx(w.ctx, func(ctx context.Context, tx ports.Tx) error {
		j, err := ledger.NewJournal(ledger.JournalDeposit, "tamper",
			ledger.Posting{Account: ledger.HouseAccount(ledger.IRR), Amount: -1},
			ledger.Posting{Account: ledger.UserAccount(u.p.UserID, ledger.IRR), Amount: 1})
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	}))
	err := check(w.ctx, w, s.model)
	var v *violation
	require.ErrorAs(t, err, &v)
}
