// Package ratelimittest is the conformance suite of [ports.RateLimiter]. Every limiter
// adapter runs it from its own TestConformance:
//
//	func TestConformance(t *testing.T) {
//		t.Parallel()
//		ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
//			clock := ratelimittest.NewClock()
//			return ratelimittest.Harness{Limiter: newLimiter(t, clock), Advance: clock.Advance}
//		})
//	}
//
// The suite checks the GCRA semantics documented on [ports.Limit] through the port only:
// decisions, remaining counts and waits, independence of keys and limit names, Reset,
// atomicity under parallel attempts, and the errors. Limiters whose time cannot be faked
// (Redis uses its server's clock) leave Advance nil: the cases that need time to pass then
// sleep, and use periods of at most one second, so a whole run sleeps about a second.
// Counting cases use hour-long periods, so the real time that passes between two calls does
// not change their outcome. New limiter behaviour gets a case here first.
package ratelimittest

import (
	"sync"
	"testing"
	"time"

	"github.com/talabin/talabin/ports"
)

// RealClockSlack is added to every sleep when a harness has no Advance, to absorb the
// difference between the test's clock and the backend's and the backend's rounding.
const RealClockSlack = 20 * time.Millisecond

// Harness is one fresh limiter for one case.
type Harness struct {
	// Limiter is the limiter under test. It must hold no state that another case can see:
	// a fresh instance, or a unique key prefix on a shared backend.
	Limiter ports.RateLimiter
	// Advance moves the limiter's clock forward by d. Nil means the limiter reads a real
	// clock, and the suite sleeps instead.
	Advance func(d time.Duration)
}

// NewHarnessFunc returns a fresh harness owned by t; it registers its own cleanup.
type NewHarnessFunc func(t *testing.T) Harness

// Run runs every conformance case against limiters made by newHarness.
func Run(t *testing.T, newHarness NewHarnessFunc) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, setup(t, newHarness))
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, b *testBundle)
}

func cases() []testCase {
	var all []testCase
	all = append(all, countingCases()...)
	all = append(all, timeCases()...)
	all = append(all, resetCases()...)
	all = append(all, raceCases()...)
	all = append(all, errorCases()...)
	return all
}

// testBundle is one case's limiter plus shortcuts.
type testBundle struct {
	limiter ports.RateLimiter
	advance func(d time.Duration)
}

func setup(t *testing.T, newHarness NewHarnessFunc) *testBundle {
	t.Helper()
	h := newHarness(t)
	return &testBundle{limiter: h.Limiter, advance: h.Advance}
}

// wait lets d pass on the limiter's clock.
func (b *testBundle) wait(d time.Duration) {
	if b.advance != nil {
		b.advance(d)
		return
	}
	time.Sleep(d + RealClockSlack)
}

// Clock is a [ports.Clock] that moves only when told to; harnesses of limiters that take a
// clock pass it in and set [Harness.Advance] to its Advance. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

var _ ports.Clock = (*Clock)(nil)

// NewClock returns a clock stopped at a fixed instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
