// Package workload drives a store with the ledger's real business movements — buys, sells,
// deposits and withdrawal holds — from many goroutines at once, while readers check the
// ledger's invariants in consistent snapshots. The bank test, the crash test and the ledger
// benchmark all run it; it talks to the store only through ports.Store, so it runs against
// every adapter.
package workload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// Prices and amounts of the simulated market. The house sells at SellPrice and buys at
// BuyPrice (rials per gram); the fee is FeeBP basis points.
const (
	SellPrice     core.RialsPerGram = 40_000_000
	BuyPrice      core.RialsPerGram = 39_000_000
	FeeBP         core.BasisPoints  = 50
	TreasuryGold                    = 1_000_000_000_000 // µg: one tonne, so buys rarely hit the cap
	TreasuryRials                   = 1_000_000_000_000_000
)

// Bank is a set of funded users to run operations against.
type Bank struct {
	store ports.Store
	users []core.UserID
}

// phone is the deterministic phone number of the i-th workload user, so a restarted process
// finds the same users.
func phone(i int) string { return fmt.Sprintf("+98912%07d", i+1) }

// Setup registers users, opens their wallets with funds rials each and stocks the treasury.
func Setup(ctx context.Context, store ports.Store, users int, funds core.Rial) (*Bank, error) {
	b := &Bank{store: store}
	now := time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)
	err := store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		for _, j := range []struct {
			asset  ledger.Asset
			amount int64
		}{{ledger.Gold, TreasuryGold}, {ledger.IRR, TreasuryRials}} {
			journal, err := ledger.TreasuryInJournal(j.asset, j.amount, "workload-treasury")
			if err != nil {
				return err
			}
			if _, err := tx.Ledger().Post(ctx, journal); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stock treasury: %w", err)
	}
	const batch = 100
	for start := 0; start < users; start += batch {
		err := store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
			b.users = b.users[:start]
			for i := start; i < min(start+batch, users); i++ {
				id, err := tx.Users().Create(ctx, identity.NewUser(phone(i), now))
				if err != nil {
					return err
				}
				if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
					return err
				}
				j, err := ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), funds, "workload-start")
				if err != nil {
					return err
				}
				if _, err := tx.Ledger().Post(ctx, j); err != nil {
					return err
				}
				b.users = append(b.users, id)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("create users: %w", err)
		}
	}
	return b, nil
}

// Attach finds the users an earlier Setup made, for a process that restarts the load.
func Attach(ctx context.Context, store ports.Store, users int) (*Bank, error) {
	b := &Bank{store: store}
	err := store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		for i := range users {
			u, err := tx.Users().GetByPhone(ctx, phone(i))
			if err != nil {
				return err
			}
			b.users = append(b.users, u.ID())
		}
		return nil
	})
	return b, err
}

// Users returns the bank's users.
func (b *Bank) Users() []core.UserID { return b.users }

// Config shapes a run.
type Config struct {
	Workers  int
	Readers  int
	Duration time.Duration
	// MaxOps stops the run after this many operations in total when positive.
	MaxOps int64
	Seed   uint64
	// RunID makes journal references unique across runs against one database.
	RunID string
	// Mix chooses the operations; the zero value means DefaultMix.
	Mix Mix
	// OnAck, when set, is called with the reference of every committed operation, after
	// the commit returned.
	OnAck func(reference string)
}

// Mix weighs the operations.
type Mix struct{ Buy, Sell, Deposit, Hold, Resolve int }

// DefaultMix is the bank test's blend of business events.
var DefaultMix = Mix{Buy: 40, Sell: 25, Deposit: 10, Hold: 15, Resolve: 10}

// BuyOnly runs buy-shaped journals alone, for the benchmark.
var BuyOnly = Mix{Buy: 1}

// Result is what a run saw.
type Result struct {
	Committed  int64
	Rejected   int64 // expected refusals: insufficient funds, a hold already resolved
	Unexpected []error
	Reads      int64
	// ReadProblems are invariant violations seen by snapshot readers.
	ReadProblems []string
	// MaxStall is the longest time no operation completed while the run was going.
	MaxStall  time.Duration
	Elapsed   time.Duration
	Latencies []time.Duration // of committed operations
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of the committed operations
// latencies, or zero when there are none.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	sorted := slices.Clone(r.Latencies)
	slices.Sort(sorted)
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Throughput returns committed operations per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Committed) / r.Elapsed.Seconds()
}

type runner struct {
	bank    *Bank
	cfg     Config
	holdsMu sync.Mutex
	holds   []ledger.Hold
	done    atomic.Int64
	started atomic.Int64
	mu      sync.Mutex
	res     Result
}

// Run drives the bank with cfg.Workers goroutines for cfg.Duration (or until ctx ends or
// MaxOps is reached) while cfg.Readers goroutines verify the ledger in snapshots.
func (b *Bank) Run(ctx context.Context, cfg Config) Result {
	if cfg.Mix == (Mix{}) {
		cfg.Mix = DefaultMix
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	r := &runner{bank: b, cfg: cfg}
	start := time.Now()
	stop := make(chan struct{})
	stallDone := make(chan time.Duration)
	go r.watchStalls(stop, stallDone)

	var workers, readers sync.WaitGroup
	for w := range cfg.Workers {
		workers.Go(func() { r.work(ctx, w) })
	}
	readCtx, stopReaders := context.WithCancel(ctx)
	for range cfg.Readers {
		readers.Go(func() { r.read(readCtx) })
	}
	workers.Wait()
	r.res.Elapsed = time.Since(start)
	stopReaders()
	readers.Wait()
	close(stop)
	r.res.MaxStall = <-stallDone
	return r.res
}

func (r *runner) watchStalls(stop <-chan struct{}, out chan<- time.Duration) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	last, lastChange, maxStall := r.done.Load(), time.Now(), time.Duration(0)
	for {
		select {
		case <-stop:
			out <- maxStall
			return
		case now := <-tick.C:
			if n := r.done.Load(); n != last {
				last, lastChange = n, now
			} else if s := now.Sub(lastChange); s > maxStall {
				maxStall = s
			}
		}
	}
}

func (r *runner) work(ctx context.Context, worker int) {
	rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(worker)+1))
	var latencies []time.Duration
	var committed, rejected int64
	defer func() {
		r.mu.Lock()
		r.res.Committed += committed
		r.res.Rejected += rejected
		r.res.Latencies = append(r.res.Latencies, latencies...)
		r.mu.Unlock()
	}()
	for seq := 0; ctx.Err() == nil; seq++ {
		if r.cfg.MaxOps > 0 && r.started.Add(1) > r.cfg.MaxOps {
			return
		}
		ref := fmt.Sprintf("%s-%d-%d", r.cfg.RunID, worker, seq)
		t0 := time.Now()
		traceable, err := r.op(ctx, rng, ref)
		switch {
		case err == nil:
			latencies = append(latencies, time.Since(t0))
			committed++
			if traceable && r.cfg.OnAck != nil {
				r.cfg.OnAck(ref)
			}
		case errors.Is(err, core.ErrInsufficientFunds), errors.Is(err, core.ErrInvalidState), errors.Is(err, errNothingToDo):
			rejected++
		case ctx.Err() != nil:
			return
		default:
			r.mu.Lock()
			if len(r.res.Unexpected) < 20 {
				r.res.Unexpected = append(r.res.Unexpected, fmt.Errorf("%s: %w", ref, err))
			}
			r.mu.Unlock()
		}
		r.done.Add(1)
	}
}

var errNothingToDo = errors.New("workload: no hold to resolve")

// op runs one random operation. traceable reports whether, when it committed, a journal with
// reference ref exists (a release reuses its hold's reference instead).
func (r *runner) op(ctx context.Context, rng *rand.Rand, ref string) (traceable bool, err error) {
	m := r.cfg.Mix
	user := r.bank.users[rng.IntN(len(r.bank.users))]
	pick := rng.IntN(m.Buy + m.Sell + m.Deposit + m.Hold + m.Resolve)
	switch {
	case pick < m.Buy:
		return true, r.post(ctx, func() (ledger.Journal, error) { return buy(user, rng, ref) })
	case pick < m.Buy+m.Sell:
		return true, r.post(ctx, func() (ledger.Journal, error) { return sell(user, rng, ref) })
	case pick < m.Buy+m.Sell+m.Deposit:
		return true, r.post(ctx, func() (ledger.Journal, error) {
			return ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), core.Rial(10_000+rng.IntN(1_000)*1_000), ref)
		})
	case pick < m.Buy+m.Sell+m.Deposit+m.Hold:
		return true, r.placeHold(ctx, user, core.Rial(50_000+rng.IntN(500)*1_000), ref)
	default:
		return r.resolveHold(ctx, rng, ref)
	}
}

func buy(user core.UserID, rng *rand.Rand, ref string) (ledger.Journal, error) {
	cost := core.Rial(100_000 + rng.IntN(2_000)*1_000)
	gold, err := core.GoldForRials(cost, SellPrice)
	if err != nil {
		return ledger.Journal{}, err
	}
	fee, err := core.FeeFor(cost, FeeBP)
	if err != nil {
		return ledger.Journal{}, err
	}
	return ledger.BuyJournal(user, cost, fee, gold, ref)
}

func sell(user core.UserID, rng *rand.Rand, ref string) (ledger.Journal, error) {
	gold := core.Microgram(2_000 + rng.IntN(40_000))
	gross, err := core.RialsForGold(gold, BuyPrice)
	if err != nil {
		return ledger.Journal{}, err
	}
	fee, err := core.FeeFor(gross, FeeBP)
	if err != nil {
		return ledger.Journal{}, err
	}
	return ledger.SellJournal(user, gold, gross, fee, ref)
}

func (r *runner) post(ctx context.Context, build func() (ledger.Journal, error)) error {
	j, err := build()
	if err != nil {
		return err
	}
	return r.bank.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, j)
		return err
	})
}

func (r *runner) placeHold(ctx context.Context, user core.UserID, amount core.Rial, ref string) error {
	h, err := ledger.NewHold(user, ledger.IRR, int64(amount), ref)
	if err != nil {
		return err
	}
	var id ledger.HoldID
	err = r.bank.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		id, err = tx.Ledger().PlaceHold(ctx, h)
		return err
	})
	if err != nil {
		return err
	}
	r.holdsMu.Lock()
	r.holds = append(r.holds, ledger.RehydrateHold(id, h.Account(), h.Amount(), ledger.HoldPlaced, ref))
	r.holdsMu.Unlock()
	return nil
}

// resolveHold releases or settles a random open hold. Holds stay in the pool with a chance,
// so two workers sometimes resolve the same hold at once: exactly one must win.
func (r *runner) resolveHold(ctx context.Context, rng *rand.Rand, ref string) (traceable bool, err error) {
	r.holdsMu.Lock()
	if len(r.holds) == 0 {
		r.holdsMu.Unlock()
		return false, errNothingToDo
	}
	i := rng.IntN(len(r.holds))
	h := r.holds[i]
	if rng.IntN(4) != 0 {
		r.holds[i] = r.holds[len(r.holds)-1]
		r.holds = r.holds[:len(r.holds)-1]
	}
	r.holdsMu.Unlock()
	settle := rng.IntN(2) == 0
	return settle, r.bank.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		if !settle {
			_, err := tx.Ledger().ReleaseHold(ctx, h.ID())
			return err
		}
		fee := core.Rial(h.Amount() / 100)
		amount := core.Rial(h.Amount()) - fee
		if _, err := tx.Ledger().SettleHold(ctx, h.ID(), ledger.WithdrawalCredits(amount, fee)); err != nil {
			return err
		}
		payout, err := ledger.PayoutJournal(amount, ref)
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, payout)
		return err
	})
}

func (r *runner) read(ctx context.Context) {
	for ctx.Err() == nil {
		var rep ledger.Report
		err := r.bank.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
			var err error
			rep, err = tx.Ledger().Verify(ctx)
			return err
		})
		if ctx.Err() != nil {
			return
		}
		r.mu.Lock()
		r.res.Reads++
		if err != nil {
			r.res.ReadProblems = append(r.res.ReadProblems, "snapshot read: "+err.Error())
		} else if !rep.OK() && len(r.res.ReadProblems) < 20 {
			r.res.ReadProblems = append(r.res.ReadProblems, rep.String())
		}
		r.mu.Unlock()
	}
}
