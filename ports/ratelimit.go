package ports

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
)

// RateLimiter throttles attempts per key (API.md §1.7): a client IP for public endpoints, a
// user id for authenticated ones, an IP and phone pair for OTP checks. Every adapter uses the
// generic cell rate algorithm (GCRA) with the semantics documented on [Limit], so a limit
// means the same thing in memory and in Redis; ports/ratelimittest checks it.
//
// Errors: a call the limiter can never answer (an invalid [Limit], an empty or overlong key,
// a cost outside 1..Burst) returns an error matching [ErrInvalidLimit]; that is a bug or bad
// configuration, never the client's fault. When ctx ends first the error wraps ctx.Err().
// Any other failure (the backend is down, slow or full) returns an error matching
// [ErrLimiterUnavailable] and a zero [Decision]; the caller decides whether to fail open
// (let the request through, log it) or closed (answer 503), per endpoint. Adapters never turn
// a failure into a denial or an allowance themselves.
type RateLimiter interface {
	// Allow is AllowN with a cost of one: one attempt.
	Allow(ctx context.Context, key string, limit Limit) (Decision, error)
	// AllowN reports whether an attempt costing n units may happen now under limit for key,
	// and if so consumes them, atomically with every other call on the same limit name and
	// key (also across instances for shared backends). A denied attempt consumes nothing.
	// Not idempotent: each allowed call consumes. Errors as documented on [RateLimiter].
	AllowN(ctx context.Context, key string, limit Limit, n int) (Decision, error)
	// Reset forgets everything consumed under limit's name for key, so the next attempt sees
	// the full burst (e.g. clear a failed-login counter after a successful login). Only the
	// limit's name matters to which state is cleared; the limit is still validated. It is
	// idempotent: resetting a key that has no state succeeds.
	Reset(ctx context.Context, key string, limit Limit) error
}

// Errors of [RateLimiter]. They live here rather than in core because only the port's
// callers and adapters deal with them: they describe the limiter's plumbing, not a business
// rule. A denial is not an error of the port: it is a [Decision], and [Decision.Err] turns
// it into the domain's [core.ErrRateLimited].
var (
	// ErrInvalidLimit is returned by [Limit.Validate], [Limit.ValidateAllow] and every
	// [RateLimiter] method when the limit, the key or the cost can never be answered. It is
	// deliberately not [core.ErrInvalidInput]: the client did nothing wrong, so it must map to
	// a 500, not a 400.
	ErrInvalidLimit = errors.New("invalid rate limit")

	// ErrLimiterUnavailable is returned by [RateLimiter] methods when the limiter's backend
	// failed (Redis down or timing out, an in-memory limiter out of room). Nothing was
	// consumed, as far as the limiter knows; the caller chooses to fail open or closed.
	ErrLimiterUnavailable = errors.New("rate limiter unavailable")
)

// Bounds of [Limit] and of the keys given to a [RateLimiter].
const (
	// MaxLimitNameLen is the longest [Limit.Name], in bytes.
	MaxLimitNameLen = 64
	// MaxRateLimitKeyLen is the longest key, in bytes.
	MaxRateLimitKeyLen = 512
	// MaxLimitRate bounds [Limit.Rate] and [Limit.Burst].
	MaxLimitRate = 1_000_000
	// MinLimitPeriod is the shortest [Limit.Period].
	MinLimitPeriod = time.Millisecond
	// MaxLimitPeriod is the longest [Limit.Period], and the longest time a full burst may
	// take to refill.
	MaxLimitPeriod = 366 * 24 * time.Hour
	// MinLimitInterval is the shortest time between two attempts at the sustained rate
	// (Period/Rate): Redis tells the time in microseconds.
	MinLimitInterval = time.Microsecond
)

// Limit is one rate limit: Rate attempts per Period on average, at most Burst at once
// (5 per hour, 3 per 5 minutes, 600 per minute).
//
// Semantics (GCRA): a key that has been idle long enough has Burst units. Each allowed unit
// is paid back after Period/Rate (the emission interval), one at a time; a full burst is
// back after Burst × Period/Rate, which is Period when Burst equals Rate. So "5 per hour"
// allows 5 attempts at once, then one every 12 minutes; over any long span no more than
// Rate per Period get through (plus one burst). This is what redis_rate does, and what a
// sliding window approximates without storing every attempt.
//
// Limits are configuration, not domain rules, so the type lives with the port rather than in
// core: the app builds them from config and the HTTP layer and services pass them in. State
// is kept per (Name, key): two limits with different names never share state, and changing
// Rate, Period or Burst of a name keeps the state already stored under it.
type Limit struct {
	// Name scopes the state, e.g. "auth.login" or "global.ip": 1 to [MaxLimitNameLen] ASCII
	// letters, digits, '.', '_' or '-'.
	Name string
	// Rate is how many attempts per Period are allowed on average, 1 to [MaxLimitRate].
	Rate int
	// Period is the window Rate is counted over, [MinLimitPeriod] to [MaxLimitPeriod].
	Period time.Duration
	// Burst is how many attempts may happen at once, 0 to [MaxLimitRate]; 0 means Rate.
	Burst int
}

// PerPeriod returns the limit named name that allows rate attempts per period, all of them
// at once if need be (Burst = Rate).
func PerPeriod(name string, rate int, period time.Duration) Limit {
	return Limit{Name: name, Rate: rate, Period: period}
}

// String describes l, e.g. "auth.login 10/1h0m0s burst 10".
func (l Limit) String() string {
	return fmt.Sprintf("%s %d/%s burst %d", l.Name, l.Rate, l.Period, l.EffectiveBurst())
}

// EffectiveBurst returns l.Burst, or l.Rate when Burst is zero.
func (l Limit) EffectiveBurst() int {
	if l.Burst == 0 {
		return l.Rate
	}
	return l.Burst
}

// Interval returns the emission interval Period/Rate: how long one unit takes to be paid
// back. It is meaningful only for a valid limit.
func (l Limit) Interval() time.Duration {
	return l.Period / time.Duration(l.Rate)
}

// Validate reports whether l is usable. It returns an error matching [ErrInvalidLimit]
// that says why.
func (l Limit) Validate() error {
	var errs []error
	if !validLimitName(l.Name) {
		errs = append(errs, fmt.Errorf("name %q must be 1 to %d ascii letters, digits, '.', '_' or '-'", l.Name, MaxLimitNameLen))
	}
	if l.Rate < 1 || l.Rate > MaxLimitRate {
		errs = append(errs, fmt.Errorf("rate must be between 1 and %d", MaxLimitRate))
	}
	if l.Period < MinLimitPeriod || l.Period > MaxLimitPeriod {
		errs = append(errs, fmt.Errorf("period must be between %s and %s", MinLimitPeriod, MaxLimitPeriod))
	}
	if l.Burst < 0 || l.Burst > MaxLimitRate {
		errs = append(errs, fmt.Errorf("burst must be between 0 and %d", MaxLimitRate))
	}
	if len(errs) == 0 {
		if l.Interval() < MinLimitInterval {
			errs = append(errs, fmt.Errorf("period/rate must be at least %s", MinLimitInterval))
		} else if l.Interval() > MaxLimitPeriod/time.Duration(l.EffectiveBurst()) {
			errs = append(errs, fmt.Errorf("a full burst must refill within %s", MaxLimitPeriod))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w %q: %w", ErrInvalidLimit, l.Name, err)
	}
	return nil
}

// ValidateAllow reports whether an attempt costing n under l for key can be answered: l is
// valid, key is 1 to [MaxRateLimitKeyLen] bytes and n is between 1 and l's burst. Adapters
// call it first. It returns an error matching [ErrInvalidLimit].
func (l Limit) ValidateAllow(key string, n int) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if err := validateRateLimitKey(key); err != nil {
		return err
	}
	if n < 1 || n > l.EffectiveBurst() {
		return fmt.Errorf("%w %q: cost %d must be between 1 and the burst %d", ErrInvalidLimit, l.Name, n, l.EffectiveBurst())
	}
	return nil
}

// ValidateReset reports whether state under l for key can be reset: l is valid and key is
// 1 to [MaxRateLimitKeyLen] bytes. It returns an error matching [ErrInvalidLimit].
func (l Limit) ValidateReset(key string) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return validateRateLimitKey(key)
}

// StateKey returns the string that identifies l's state for key: the name, a colon, the key.
// Names hold no colon, so two (name, key) pairs never share a state key.
func (l Limit) StateKey(key string) string {
	return l.Name + ":" + key
}

func validateRateLimitKey(key string) error {
	if key == "" || len(key) > MaxRateLimitKeyLen {
		return fmt.Errorf("%w: key must be 1 to %d bytes", ErrInvalidLimit, MaxRateLimitKeyLen)
	}
	return nil
}

func validLimitName(name string) bool {
	if name == "" || len(name) > MaxLimitNameLen {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// Decision is a [RateLimiter]'s answer to one attempt, with what the HTTP layer needs for a
// 429 (Retry-After, details.retry_after) and for the RateLimit-Limit, RateLimit-Remaining and
// RateLimit-Reset headers. Durations are exact; round them up to whole seconds for headers,
// so that a client retrying at the announced time is not denied again.
type Decision struct {
	// Allowed reports whether the attempt may proceed; its cost was consumed.
	Allowed bool
	// Limit is the limit's burst: the most attempts possible at once.
	Limit int
	// Remaining is how many more unit-cost attempts would be allowed right now, after this
	// one, between 0 and Limit.
	Remaining int
	// RetryAfter is how long until the same attempt would be allowed; zero when Allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the key is back to its full burst, as if unused.
	ResetAfter time.Duration
}

// Err returns nil when d allows the attempt, else a [*core.RateLimitedError] (matching
// [core.ErrRateLimited]) carrying d.RetryAfter.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &core.RateLimitedError{RetryAfter: d.RetryAfter}
}
