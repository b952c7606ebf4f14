// Package redislimit is the shared [ports.RateLimiter]: limits kept in Redis, so that every
// app instance behind a proxy counts against the same budget. The package is named
// redislimit (its folder is redis) so that callers can import it beside go-redis.
//
// It runs GCRA through github.com/go-redis/redis_rate/v10: one Lua script per attempt reads
// the key's theoretical arrival time, decides and writes it back atomically, with Redis's own
// clock (TIME), so the app instances' clocks do not matter and no clock is injected. A key
// expires by itself (SET ... EX) once it has fully reset, so Redis holds only live state.
// Semantics are those of [ports.Limit], the same as the memory adapter's; the conformance
// suite checks both.
//
// Keys are "rate:" (redis_rate's prefix) + [Options.Prefix] + limit name + ":" + key. The
// script touches one key, so the limiter also works on Redis Cluster.
//
// Remaining is computed here from the script's reset time rather than taken from the
// script: the script returns it as a float truncated by Redis to an integer, which can lose
// one unit to rounding (1.9999999 becomes 1).
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// DefaultPrefix is the default [Options.Prefix].
const DefaultPrefix = "talabin:"

// MaxPrefixLen bounds [Options.Prefix], in bytes.
const MaxPrefixLen = 128

// Options configures a [Limiter]. The zero value is valid.
type Options struct {
	// Prefix is put before every key the limiter writes (after redis_rate's "rate:"), so that
	// several deployments or test runs can share one database. Instances that must share
	// limits use the same prefix. At most [MaxPrefixLen] bytes. Default [DefaultPrefix].
	Prefix string
}

// Validate reports whether the options are usable. It returns an error wrapping
// [core.ErrInvalidInput].
func (o Options) Validate() error {
	if len(o.Prefix) > MaxPrefixLen {
		return fmt.Errorf("%w: redis rate limiter options: prefix must be at most %d bytes", core.ErrInvalidInput, MaxPrefixLen)
	}
	return nil
}

// Limiter is a [ports.RateLimiter] backed by Redis. It is safe for concurrent use.
type Limiter struct {
	rate   *redis_rate.Limiter
	prefix string
}

var _ ports.RateLimiter = (*Limiter)(nil)

// New returns a limiter that keeps its state in the Redis reached through client (a
// *redis.Client, *redis.ClusterClient or any other [redis.UniversalClient]). The caller owns
// client: its timeouts bound every call, and the caller closes it.
func New(client redis.UniversalClient, opts Options) (*Limiter, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: redis rate limiter: nil client", core.ErrInvalidInput)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	return &Limiter{rate: redis_rate.NewLimiter(client), prefix: opts.Prefix}, nil
}

// Allow is AllowN with a cost of one.
func (l *Limiter) Allow(ctx context.Context, key string, limit ports.Limit) (ports.Decision, error) {
	return l.AllowN(ctx, key, limit, 1)
}

// AllowN decides an attempt costing n under limit for key, as documented on
// [ports.RateLimiter], in one atomic script run.
func (l *Limiter) AllowN(ctx context.Context, key string, limit ports.Limit, n int) (ports.Decision, error) {
	if err := ctx.Err(); err != nil {
		return ports.Decision{}, fmt.Errorf("redis rate limiter: %w", err)
	}
	if err := limit.ValidateAllow(key, n); err != nil {
		return ports.Decision{}, err
	}
	res, err := l.rate.AllowN(ctx, l.redisKey(key, limit), redis_rate.Limit{
		Rate:   limit.Rate,
		Burst:  limit.EffectiveBurst(),
		Period: limit.Period,
	}, n)
	if err != nil {
		return ports.Decision{}, failure(ctx, "allow", err)
	}
	return decision(limit, res), nil
}

// Reset deletes the state under limit's name for key.
func (l *Limiter) Reset(ctx context.Context, key string, limit ports.Limit) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redis rate limiter: %w", err)
	}
	if err := limit.ValidateReset(key); err != nil {
		return err
	}
	if err := l.rate.Reset(ctx, l.redisKey(key, limit)); err != nil {
		return failure(ctx, "reset", err)
	}
	return nil
}

// redisKey returns the key given to redis_rate, which adds its own prefix.
func (l *Limiter) redisKey(key string, limit ports.Limit) string {
	return l.prefix + limit.StateKey(key)
}

// failure wraps err from Redis: ctx's error when ctx ended, else an outage.
func failure(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return fmt.Errorf("redis rate limiter: %s: %w", op, err)
	}
	return fmt.Errorf("redis rate limiter: %s: %w: %w", op, ports.ErrLimiterUnavailable, err)
}

// decision converts redis_rate's result for an attempt under limit.
func decision(limit ports.Limit, res *redis_rate.Result) ports.Decision {
	burst := limit.EffectiveBurst()
	resetAfter := max(res.ResetAfter, 0)

	// Units left = (burst window − time until full reset) / interval, rounded down. The
	// script works in float seconds near 3·10⁸ (seconds since 2017), good to about 0.1 µs,
	// so a reset time a hair too long must not cost a unit: allow a quarter interval, at
	// most a microsecond.
	interval := float64(limit.Period) / float64(limit.Rate)
	slack := min(interval/4, float64(time.Microsecond))
	units := math.Floor((interval*float64(burst) - float64(resetAfter) + slack) / interval)
	d := ports.Decision{
		Allowed:    res.Allowed > 0,
		Limit:      burst,
		Remaining:  int(min(float64(burst), max(0, units))),
		ResetAfter: resetAfter,
	}
	if !d.Allowed {
		d.RetryAfter = max(res.RetryAfter, time.Nanosecond)
	}
	return d
}
