// Package fallback chains price feeds into one [ports.PriceFeed]: a fetch asks the feeds in
// order and returns the first price one of them gives, so that, for example, a second HTTP
// source or the staff's manual price stands in while the first source is down.
//
// The chain moves on after any error of a feed, as long as the caller's context has not
// ended; it stops as soon as the context ends and returns the context's error. When every
// feed failed, the error matches [core.ErrPriceUnavailable] and each feed's own
// unavailability error, and names every feed's failure in its text.
//
// The chain adds no retries, breakers or timeouts of its own: each feed brings its own, and
// an open breaker makes a feed fail fast, so the chain passes over a feed that is down
// without waiting for it. Nor does it judge prices: each feed checks its own
// ([ports.CheckFeedPrice]), and the staleness and jump guards apply to whatever the chain
// returns, whose Source names the feed that produced it.
package fallback

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// Name is the chain's [ports.PriceFeed.Name]. The prices it returns keep the Source of the
// feed that produced them.
const Name = "fallback"

// Chain asks its feeds in order. Build it with [New]; it is safe for concurrent use when its
// feeds are.
type Chain struct {
	feeds []ports.PriceFeed
}

var _ ports.PriceFeed = (*Chain)(nil)

// New returns a chain over feeds, asked in the order given. It needs at least one feed, each
// with a non-empty name that no other feed of the chain has.
func New(feeds ...ports.PriceFeed) (*Chain, error) {
	if len(feeds) == 0 {
		return nil, errors.New("fallback: at least one feed is required")
	}
	seen := make(map[string]bool, len(feeds))
	for i, f := range feeds {
		switch {
		case f == nil:
			return nil, fmt.Errorf("fallback: feed %d is nil", i)
		case f.Name() == "":
			return nil, fmt.Errorf("fallback: feed %d has no name", i)
		case seen[f.Name()]:
			return nil, fmt.Errorf("fallback: feed name %q is used twice", f.Name())
		}
		seen[f.Name()] = true
	}
	return &Chain{feeds: append([]ports.PriceFeed(nil), feeds...)}, nil
}

// Name returns [Name].
func (c *Chain) Name() string { return Name }

// Fetch returns the price of the first feed that gives one. See [ports.PriceFeed.Fetch] and
// the package doc; idempotent when the feeds are.
func (c *Chain) Fetch(ctx context.Context) (pricing.Price, error) {
	var failed []error
	for _, f := range c.feeds {
		if err := ctx.Err(); err != nil {
			return pricing.Price{}, stopped(err, failed)
		}
		p, err := f.Fetch(ctx)
		if err == nil {
			return p, nil
		}
		failed = append(failed, fmt.Errorf("%s: %w", f.Name(), err))
		if ctxErr := ctx.Err(); ctxErr != nil {
			return pricing.Price{}, stopped(ctxErr, failed)
		}
	}
	return pricing.Price{}, &allFailedError{failed: failed}
}

// stopped is the error of a chain whose caller's context ended with ctxErr, after the
// feeds' failures failed (kept as text only: the context ending is the cause).
func stopped(ctxErr error, failed []error) error {
	if len(failed) == 0 {
		return fmt.Errorf("%s: %w", Name, ctxErr)
	}
	return fmt.Errorf("%s: %w (after: %s)", Name, ctxErr, joinText(failed))
}

// allFailedError is the error of a chain whose every feed failed.
type allFailedError struct{ failed []error }

func (e *allFailedError) Error() string {
	return fmt.Sprintf("%s: %v: every feed failed: %s", Name, core.ErrPriceUnavailable, joinText(e.failed))
}

// Unwrap returns [core.ErrPriceUnavailable] and those of the feeds' errors that match it. A
// feed's error of any other kind (a bug, or a context error of the feed's own making) is
// kept in the text only, so that the chain's error cannot read as invalid input or as the
// caller's context ending.
func (e *allFailedError) Unwrap() []error {
	out := []error{core.ErrPriceUnavailable}
	for _, err := range e.failed {
		if errors.Is(err, core.ErrPriceUnavailable) {
			out = append(out, err)
		}
	}
	return out
}

// joinText writes errs on one line.
func joinText(errs []error) string {
	texts := make([]string, len(errs))
	for i, err := range errs {
		texts[i] = err.Error()
	}
	return strings.Join(texts, "; ")
}
