package manual_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/pricefeed/manual"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/pricefeedtest"
)

// source offers prices through Set, which refuses invalid ones; the feed has no upstream
// to fail.
type source struct{ feed *manual.Feed }

func (s source) Offer(p pricing.Price) { _ = s.feed.Set(p) }

func (s source) Fail(f pricefeedtest.Failure) bool { return f == pricefeedtest.FailNothing }

func (s source) Requests() int { return 0 }

func TestConformance(t *testing.T) {
	t.Parallel()
	pricefeedtest.Run(t, func(t *testing.T) pricefeedtest.Harness {
		feed, err := manual.New(pricing.Price{})
		require.NoError(t, err)
		return pricefeedtest.Harness{Feed: feed, Source: source{feed}}
	})
}

var at = time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)

func valid() pricing.Price {
	return pricing.Price{Buy: 71_250_000, Sell: 72_100_000, Source: "staff", At: at}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		seed    pricing.Price
		want    pricing.Price // zero: no price
		wantErr bool
	}{
		{"NoSeed", pricing.Price{}, pricing.Price{}, false},
		{"Seed", valid(), valid(), false},
		{"SeedWithoutSource", pricing.Price{Buy: 1, Sell: 2, At: at}, pricing.Price{Buy: 1, Sell: 2, Source: manual.Name, At: at}, false},
		{"InvalidSeed", pricing.Price{Buy: 2, Sell: 1, At: at}, pricing.Price{}, true},
		{"SeedWithoutTime", pricing.Price{Buy: 1, Sell: 2}, pricing.Price{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			feed, err := manual.New(tt.seed)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Nil(t, feed)
				return
			}
			require.NoError(t, err)
			require.Equal(t, manual.Name, feed.Name())
			got, err := feed.Fetch(t.Context())
			if tt.want == (pricing.Price{}) {
				require.ErrorIs(t, err, core.ErrPriceUnavailable)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestSetRefusesAndKeeps checks that Set refuses what no feed may offer, as the caller's
// invalid input, and keeps the previous price.
func TestSetRefusesAndKeeps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		price pricing.Price
	}{
		{"ZeroBuy", pricing.Price{Buy: 0, Sell: 72_100_000, At: at}},
		{"NegativeSell", pricing.Price{Buy: 1, Sell: -1, At: at}},
		{"SellBelowBuy", pricing.Price{Buy: 72_100_000, Sell: 71_250_000, At: at}},
		{"AboveSanityBound", pricing.Price{Buy: 1, Sell: ports.MaxFeedPrice + 1, At: at}},
		{"NoTime", pricing.Price{Buy: 1, Sell: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			feed, err := manual.New(valid())
			require.NoError(t, err)
			require.ErrorIs(t, feed.Set(tt.price), core.ErrInvalidInput)
			got, err := feed.Fetch(t.Context())
			require.NoError(t, err)
			require.Equal(t, valid(), got)
		})
	}
}

func TestSetAtSanityBound(t *testing.T) {
	t.Parallel()
	feed, err := manual.New(pricing.Price{})
	require.NoError(t, err)
	p := pricing.Price{Buy: ports.MaxFeedPrice, Sell: ports.MaxFeedPrice, At: at}
	require.NoError(t, feed.Set(p))
	got, err := feed.Fetch(t.Context())
	require.NoError(t, err)
	require.Equal(t, ports.MaxFeedPrice, got.Sell)
}

func TestFetchEndedContext(t *testing.T) {
	t.Parallel()
	feed, err := manual.New(valid())
	require.NoError(t, err)
	ctx, cancel := context.WithDeadline(t.Context(), at) // long past
	defer cancel()
	_, err = feed.Fetch(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, core.ErrPriceUnavailable)
}

// TestConcurrentSetAndFetch runs Sets and Fetches together under the race detector; every
// fetch sees one of the prices set, whole.
func TestConcurrentSetAndFetch(t *testing.T) {
	t.Parallel()
	feed, err := manual.New(valid())
	require.NoError(t, err)
	other := pricing.Price{Buy: 73_000_000, Sell: 73_900_000, Source: "staff", At: at.Add(time.Minute)}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 4 {
		wg.Go(func() {
			for j := range 25 {
				p := valid()
				if (i+j)%2 == 0 {
					p = other
				}
				errs <- feed.Set(p)
			}
		})
		wg.Go(func() {
			for range 25 {
				p, err := feed.Fetch(t.Context())
				if err == nil && p != valid() && p != other {
					err = fmt.Errorf("torn price %d/%d", p.Buy, p.Sell)
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
