// Package memory is the in-process [ports.RateLimiter]: Talabin's default limiter when no
// Redis is configured. Its state lives in one process, so it fits a single app instance;
// several instances behind a proxy each count on their own and let through up to N times the
// limit, which is what the Redis adapter is for.
//
// Algorithm: GCRA, as documented on [ports.Limit] and as the Redis adapter runs it, in
// integer nanoseconds. Per (limit name, key) it stores one theoretical arrival time (TAT),
// kept as an offset from the limiter's creation read through the injected clock, so the
// system clock's monotonic reading protects it from wall-clock jumps.
//
// Memory is bounded two ways. A key whose TAT has passed is indistinguishable from an unused
// one, so it can be dropped at any time: each shard sweeps its expired keys on access, at
// most once per [Options.SweepInterval] (no background goroutine, nothing to close; an idle
// limiter keeps what it has but does not grow). And the number of keys held is capped by
// [Options.MaxKeys], enforced per shard: a new key that finds its shard full of live keys,
// even after an early sweep, is refused with an error matching [ports.ErrLimiterUnavailable]
// so the caller decides to fail open or closed. Evicting a live key instead would let anyone
// who sprays fresh keys reset other people's counters.
//
// Concurrency: keys are spread over shards by a seeded hash, each behind its own mutex, so a
// decision is atomic per key and unrelated keys rarely wait for each other.
package memory

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Defaults of [Options].
const (
	// DefaultMaxKeys is the default cap on keys held: on the order of 150 MB with keys of
	// typical length (a limit name and an IP address or a user id).
	DefaultMaxKeys = 1 << 20
	// DefaultSweepInterval is how often, at most, a shard drops its expired keys.
	DefaultSweepInterval = time.Minute
)

const (
	// maxShards is how many shards a limiter has at most.
	maxShards = 32
	// minShardKeys is the fewest keys a shard holds room for: a small limiter has one
	// shard, so that its MaxKeys is exact.
	minShardKeys = 1024
	// minForcedSweepGap is the shortest time between two sweeps of one shard when it is
	// full, so that a full shard does not rescan itself on every new key.
	minForcedSweepGap = time.Second
)

// Options configures a [Limiter]. The zero value is valid: every zero field takes its
// default.
type Options struct {
	// Clock tells the time. Default: the system clock.
	Clock ports.Clock
	// MaxKeys caps how many (limit name, key) pairs are held at once. Above 2048 it is
	// enforced per shard (MaxKeys divided by the shard count, rounded down), so fewer keys
	// may fit when they hash unevenly. Default [DefaultMaxKeys].
	MaxKeys int
	// SweepInterval is how often, at most, each shard drops keys that have fully reset.
	// Default [DefaultSweepInterval].
	SweepInterval time.Duration
}

// Validate reports whether the options are usable. It returns an error wrapping
// [core.ErrInvalidInput].
func (o Options) Validate() error {
	var errs []error
	if o.MaxKeys < 0 {
		errs = append(errs, errors.New("max keys must not be negative"))
	}
	if o.SweepInterval < 0 {
		errs = append(errs, errors.New("sweep interval must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: memory rate limiter options: %w", core.ErrInvalidInput, err)
	}
	return nil
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.MaxKeys == 0 {
		o.MaxKeys = DefaultMaxKeys
	}
	if o.SweepInterval == 0 {
		o.SweepInterval = DefaultSweepInterval
	}
	return o
}

// Limiter is a [ports.RateLimiter] that keeps its state in memory. It is safe for concurrent
// use.
type Limiter struct {
	clock         ports.Clock
	base          time.Time // clock reading at creation; times are offsets from it
	sweepInterval time.Duration
	seed          maphash.Seed
	shards        []shard
}

var _ ports.RateLimiter = (*Limiter)(nil)

// shard is one part of the key space.
type shard struct {
	mu        sync.Mutex
	tats      map[string]time.Duration // state key → theoretical arrival time (offset from base)
	maxKeys   int
	lastSweep time.Duration
}

// New returns an empty limiter configured by opts.
func New(opts Options) (*Limiter, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	n := min(maxShards, max(1, opts.MaxKeys/minShardKeys))
	l := &Limiter{
		clock:         opts.Clock,
		base:          opts.Clock.Now(),
		sweepInterval: opts.SweepInterval,
		seed:          maphash.MakeSeed(),
		shards:        make([]shard, n),
	}
	for i := range l.shards {
		l.shards[i].tats = make(map[string]time.Duration)
		l.shards[i].maxKeys = opts.MaxKeys / n
	}
	return l, nil
}

// Allow is AllowN with a cost of one.
func (l *Limiter) Allow(ctx context.Context, key string, limit ports.Limit) (ports.Decision, error) {
	return l.AllowN(ctx, key, limit, 1)
}

// AllowN decides an attempt costing n under limit for key, as documented on
// [ports.RateLimiter]. Besides [ports.ErrInvalidLimit] and ctx's error, it returns an error
// matching [ports.ErrLimiterUnavailable] when the key is new and its shard is full.
func (l *Limiter) AllowN(ctx context.Context, key string, limit ports.Limit, n int) (ports.Decision, error) {
	if err := ctx.Err(); err != nil {
		return ports.Decision{}, fmt.Errorf("memory rate limiter: %w", err)
	}
	if err := limit.ValidateAllow(key, n); err != nil {
		return ports.Decision{}, err
	}
	stateKey := limit.StateKey(key)
	s := l.shard(stateKey)
	now := l.now()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now, l.sweepInterval)
	tat, held := s.tats[stateKey]
	if !held {
		tat = now
	}
	d, newTAT := decide(now, tat, limit, n)
	if !d.Allowed {
		return d, nil
	}
	if !held && len(s.tats) >= s.maxKeys {
		s.sweep(now, min(l.sweepInterval, minForcedSweepGap))
		if len(s.tats) >= s.maxKeys {
			return ports.Decision{}, fmt.Errorf("memory rate limiter: %d keys held in the shard of %q: %w",
				len(s.tats), stateKey, ports.ErrLimiterUnavailable)
		}
	}
	s.tats[stateKey] = newTAT
	return d, nil
}

// Reset forgets the state under limit's name for key.
func (l *Limiter) Reset(ctx context.Context, key string, limit ports.Limit) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory rate limiter: %w", err)
	}
	if err := limit.ValidateReset(key); err != nil {
		return err
	}
	stateKey := limit.StateKey(key)
	s := l.shard(stateKey)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tats, stateKey)
	return nil
}

// Len returns how many keys the limiter holds, expired ones not yet swept included. It is
// meant for metrics and tests.
func (l *Limiter) Len() int {
	total := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		total += len(s.tats)
		s.mu.Unlock()
	}
	return total
}

func (l *Limiter) now() time.Duration {
	return l.clock.Now().Sub(l.base)
}

func (l *Limiter) shard(stateKey string) *shard {
	return &l.shards[maphash.String(l.seed, stateKey)%uint64(len(l.shards))]
}

// sweep drops the keys that have fully reset, unless the last sweep is more recent than
// every. The caller holds s.mu.
func (s *shard) sweep(now, every time.Duration) {
	if now-s.lastSweep < every {
		return
	}
	s.lastSweep = now
	for k, tat := range s.tats {
		if tat <= now {
			delete(s.tats, k)
		}
	}
}

// decide runs GCRA for an attempt costing n at time now on a key whose theoretical arrival
// time is tat (now for an unused key). It returns the decision and the TAT to store.
func decide(now, tat time.Duration, limit ports.Limit, n int) (ports.Decision, time.Duration) {
	interval := limit.Interval()
	burst := limit.EffectiveBurst()
	burstOffset := interval * time.Duration(burst)
	remaining := func(resetAfter time.Duration) int {
		return min(burst, max(0, int((burstOffset-resetAfter)/interval)))
	}

	tat = max(tat, now)
	newTAT := tat + interval*time.Duration(n)
	if allowAt := newTAT - burstOffset; now < allowAt {
		return ports.Decision{
			Limit:      burst,
			Remaining:  remaining(tat - now),
			RetryAfter: allowAt - now,
			ResetAfter: tat - now,
		}, tat
	}
	return ports.Decision{
		Allowed:    true,
		Limit:      burst,
		Remaining:  remaining(newTAT - now),
		ResetAfter: newTAT - now,
	}, newTAT
}

// systemClock is the wall clock.
type systemClock struct{}

// Now returns the current time.
func (systemClock) Now() time.Time { return time.Now() }
