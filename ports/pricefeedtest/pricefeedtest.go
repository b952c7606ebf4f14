// Package pricefeedtest is the conformance suite of [ports.PriceFeed]. Every price feed
// adapter runs it from its own TestConformance against a controllable upstream:
//
//	func TestConformance(t *testing.T) {
//		t.Parallel()
//		pricefeedtest.Run(t, func(t *testing.T) pricefeedtest.Harness {
//			fake := startFake(t)
//			return pricefeedtest.Harness{Feed: newFeed(t, fake.URL), Source: source{fake}, BreakerThreshold: 3}
//		})
//	}
//
// The suite checks the port's contract, not a vendor: the feed returns the price its source
// offers and follows it when it changes; a missing, invalid or absurd price and every way of
// failing read as [core.ErrPriceUnavailable] (never [core.ErrInvalidInput]); a slow upstream
// fails within the feed's timeout; the breaker opens after repeated failures and then fails
// fast without calling the upstream; a caller's own cancellation reads as the context's error
// and does not count against the feed; concurrent fetches see whole prices. Feeds without an
// upstream (the manual feed) run the cases that apply: a [Source] reports the failures it
// cannot reproduce, and the cases that need them are skipped. New feed behaviour gets a case
// here first.
package pricefeedtest

import (
	"fmt"
	"testing"

	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// Failure is a way the upstream behind a harness can fail.
type Failure int

// The failures a [Source] can be asked to reproduce. The suite expects each to read as
// [core.ErrPriceUnavailable] after exactly one request per upstream: none of them is a
// connection failure that a feed may retry.
const (
	// FailNothing heals the upstream: it offers its price again.
	FailNothing Failure = iota
	// FailServerError makes the upstream answer HTTP 5xx with a body that is not JSON.
	FailServerError
	// FailSlow makes the upstream answer only after the feed's timeout (it holds the answer
	// until the client goes away).
	FailSlow
	// FailGarbage makes the upstream answer HTTP 200 with a body that is not JSON.
	FailGarbage
	// FailMissingField makes the upstream answer HTTP 200 with JSON that lacks the price.
	FailMissingField
)

// String names the failure, for subtest names.
func (f Failure) String() string {
	switch f {
	case FailNothing:
		return "Nothing"
	case FailServerError:
		return "ServerError"
	case FailSlow:
		return "Slow"
	case FailGarbage:
		return "Garbage"
	case FailMissingField:
		return "MissingField"
	default:
		return fmt.Sprintf("Failure(%d)", int(f))
	}
}

// Source is the upstream behind a harness: the suite steers and inspects it. A harness's
// source offers no price until the first Offer.
type Source interface {
	// Offer makes the upstream offer p (Buy, Sell and At; Source is the feed's to set) from
	// now on, as given, even when it is invalid or absurd, so that the suite can check the
	// feed refuses it. A source that validates its input (the manual feed's Set) may refuse
	// p instead; it then keeps offering what it offered before.
	Offer(p pricing.Price)
	// Fail makes every following request fail the way f says, until Fail(FailNothing). It
	// reports false when the source cannot fail that way; the cases that need it are then
	// skipped.
	Fail(f Failure) bool
	// Requests returns how many requests reached the upstream, answered or not; always 0
	// for a feed without an upstream.
	Requests() int
}

// Harness is one feed under test and the source behind it. The feed's timeout must be short
// (200 ms is plenty against a local fake) so that [FailSlow] cases finish quickly, its
// breaker must stay open for longer than the test runs, and its sanity bounds must admit
// the prices the suite offers (a few million to a few hundred million rials per gram).
type Harness struct {
	// Feed is the feed under test.
	Feed ports.PriceFeed
	// Source steers and inspects the upstream behind Feed.
	Source Source
	// BreakerThreshold is the number of consecutive failed fetches after which Feed fails
	// fast without calling the upstream; 0 when Feed has no breaker (breaker cases are
	// skipped).
	BreakerThreshold int
	// Upstreams is how many upstreams stand behind Feed, each steered by Source together:
	// the chain's length for a fallback chain, 1 (or 0) for a single feed. A failing fetch
	// is expected to have asked each of them once.
	Upstreams int
}

// upstreams returns Upstreams, at least 1.
func (h Harness) upstreams() int { return max(h.Upstreams, 1) }

// NewHarnessFunc returns a fresh harness owned by t; it registers its own cleanup.
type NewHarnessFunc func(t *testing.T) Harness

// Run runs every conformance case against harnesses made by newHarness.
func Run(t *testing.T, newHarness NewHarnessFunc) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newHarness)
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, newHarness NewHarnessFunc)
}

func cases() []testCase {
	var all []testCase
	all = append(all, priceCases()...)
	all = append(all, failureCases()...)
	all = append(all, breakerCases()...)
	all = append(all, contextCases()...)
	all = append(all, raceCases()...)
	return all
}
