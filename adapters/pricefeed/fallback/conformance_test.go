package fallback_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/pricefeed/fallback"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/pricefeedtest"
)

// memFeed is an in-memory feed behind its own breaker, standing in for an adapter and its
// upstream in the conformance run of the chain: it checks prices like an adapter, fails as
// steered, and answers FailSlow only after its timeout.
type memFeed struct {
	name    string
	timeout time.Duration
	breaker *gobreaker.CircuitBreaker[pricing.Price]

	mu       sync.Mutex
	offered  *pricing.Price
	failure  pricefeedtest.Failure
	requests int
}

func newMemFeed(name string, threshold uint32) *memFeed {
	return &memFeed{
		name:    name,
		timeout: 200 * time.Millisecond,
		breaker: outbound.NewBreaker[pricing.Price](name,
			outbound.BreakerConfig{ConsecutiveFailures: threshold, OpenTimeout: time.Minute}, nil, nil),
	}
}

func (m *memFeed) Name() string { return m.name }

func (m *memFeed) Fetch(ctx context.Context) (pricing.Price, error) {
	if err := ctx.Err(); err != nil {
		return pricing.Price{}, fmt.Errorf("%s: %w", m.name, err)
	}
	p, err := m.breaker.Execute(func() (pricing.Price, error) { return m.serve(ctx) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return pricing.Price{}, fmt.Errorf("%s: %w: %w", m.name, core.ErrPriceUnavailable, err)
	}
	return p, err
}

func (m *memFeed) serve(ctx context.Context) (pricing.Price, error) {
	m.mu.Lock()
	m.requests++
	failure, offered := m.failure, m.offered
	m.mu.Unlock()
	switch failure {
	case pricefeedtest.FailNothing:
		if offered == nil {
			return pricing.Price{}, fmt.Errorf("%s: %w: no price yet", m.name, core.ErrPriceUnavailable)
		}
		p := *offered
		p.Source = m.name
		if err := ports.CheckFeedPrice(p); err != nil {
			return pricing.Price{}, fmt.Errorf("%s: %w", m.name, err)
		}
		return p, nil
	case pricefeedtest.FailSlow:
		timer := time.NewTimer(m.timeout)
		defer timer.Stop()
		select {
		case <-timer.C:
			return pricing.Price{}, fmt.Errorf("%s: %w: %w", m.name, core.ErrPriceUnavailable, context.DeadlineExceeded)
		case <-ctx.Done():
			return pricing.Price{}, outbound.CallerGone(fmt.Errorf("%s: %w", m.name, ctx.Err()))
		}
	default:
		return pricing.Price{}, fmt.Errorf("%s: %w: %s", m.name, core.ErrPriceUnavailable, failure)
	}
}

// chainSource steers every feed of a chain together.
type chainSource []*memFeed

func (c chainSource) Offer(p pricing.Price) {
	for _, m := range c {
		m.mu.Lock()
		m.offered = &p
		m.mu.Unlock()
	}
}

func (c chainSource) Fail(f pricefeedtest.Failure) bool {
	for _, m := range c {
		m.mu.Lock()
		m.failure = f
		m.mu.Unlock()
	}
	return true
}

func (c chainSource) Requests() int {
	n := 0
	for _, m := range c {
		m.mu.Lock()
		n += m.requests
		m.mu.Unlock()
	}
	return n
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2} {
		t.Run(strconv.Itoa(size)+"Feeds", func(t *testing.T) {
			t.Parallel()
			pricefeedtest.Run(t, func(t *testing.T) pricefeedtest.Harness {
				var feeds chainSource
				var all []ports.PriceFeed
				for i := range size {
					m := newMemFeed("mem"+strconv.Itoa(i), 3)
					feeds = append(feeds, m)
					all = append(all, m)
				}
				c, err := fallback.New(all...)
				require.NoError(t, err)
				return pricefeedtest.Harness{Feed: c, Source: feeds, BreakerThreshold: 3, Upstreams: size}
			})
		})
	}
}

// TestOpenBreakerHandsOver checks the chain's purpose end to end: once the first feed's
// breaker is open, prices come from the second without touching the first.
func TestOpenBreakerHandsOver(t *testing.T) {
	t.Parallel()
	first, second := newMemFeed("first", 2), newMemFeed("second", 2)
	c, err := fallback.New(first, second)
	require.NoError(t, err)
	p := pricing.Price{Buy: 71_250_000, Sell: 72_100_000, At: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}
	chainSource{first, second}.Offer(p)
	chainSource{first}.Fail(pricefeedtest.FailServerError)
	for range 2 {
		got, err := c.Fetch(t.Context())
		require.NoError(t, err)
		require.Equal(t, "second", got.Source)
	}
	chainSource{first}.Fail(pricefeedtest.FailNothing)
	got, err := c.Fetch(t.Context())
	require.NoError(t, err)
	require.Equal(t, "second", got.Source, "the first feed's breaker is still open")
	require.Equal(t, 2, chainSource{first}.Requests(), "an open breaker must keep the first feed out")
	require.Equal(t, 3, chainSource{second}.Requests())
}
