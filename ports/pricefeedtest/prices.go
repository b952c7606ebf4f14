package pricefeedtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// offer returns the n-th valid price the suite offers: realistic rials-per-gram figures, the
// first with a buy side that is no whole number of toman (so that a toman upstream must
// carry a decimal), observed n seconds after a whole second a minute ago (so that feeds that
// read Unix seconds return At exactly, and none is in the future).
func offer(n int) pricing.Price {
	base := time.Now().UTC().Truncate(time.Second).Add(-time.Minute)
	step := core.RialsPerGram(n) * 1_000_000
	return pricing.Price{
		Buy:  71_250_005 + step,
		Sell: 72_100_000 + step,
		At:   base.Add(time.Duration(n) * time.Second),
	}
}

// requirePrice checks that got is want as a feed returns it: the same sides and instant, and
// a source named.
func requirePrice(t *testing.T, want, got pricing.Price) {
	t.Helper()
	require.Equal(t, want.Buy, got.Buy, "buy price")
	require.Equal(t, want.Sell, got.Sell, "sell price")
	require.True(t, want.At.Equal(got.At), "observed at %s, want %s", got.At, want.At)
	require.NotEmpty(t, got.Source, "a fetched price names its source")
	require.NoError(t, got.Validate())
}

// requireUnavailable checks that a fetch failed as the port says a source that cannot give
// a usable price does.
func requireUnavailable(t *testing.T, got pricing.Price, err error) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrPriceUnavailable)
	require.NotErrorIs(t, err, core.ErrInvalidInput, "a bad upstream value is not the caller's fault")
	require.Zero(t, got)
}

func priceCases() []testCase {
	return []testCase{
		{"ReturnsOfferedPrice", testReturnsOfferedPrice},
		{"FollowsChanges", testFollowsChanges},
		{"NoPriceYet", testNoPriceYet},
		{"InvalidPrices", testInvalidPrices},
		{"InvalidPriceAfterValid", testInvalidPriceAfterValid},
	}
}

func testReturnsOfferedPrice(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	want := offer(0)
	h.Source.Offer(want)
	got, err := h.Feed.Fetch(t.Context())
	require.NoError(t, err)
	requirePrice(t, want, got)
	require.LessOrEqual(t, h.Source.Requests(), 1, "one fetch, at most one request")
}

// testFollowsChanges checks that a feed reports what its source offers now, not a copy it
// kept.
func testFollowsChanges(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	for n := range 3 {
		want := offer(n)
		h.Source.Offer(want)
		got, err := h.Feed.Fetch(t.Context())
		require.NoError(t, err)
		requirePrice(t, want, got)
	}
}

// testNoPriceYet checks a source that has never offered a price.
func testNoPriceYet(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	got, err := h.Feed.Fetch(t.Context())
	requireUnavailable(t, got, err)
}

// invalidOffers are prices no feed may return: they break [pricing.Price.Validate] or the
// sanity bound of [ports.MaxFeedPrice].
func invalidOffers() []struct {
	name  string
	price pricing.Price
} {
	at := offer(0).At
	return []struct {
		name  string
		price pricing.Price
	}{
		{"ZeroBuy", pricing.Price{Buy: 0, Sell: 72_100_000, At: at}},
		{"ZeroBoth", pricing.Price{Buy: 0, Sell: 0, At: at}},
		{"NegativeBuy", pricing.Price{Buy: -71_250_000, Sell: 72_100_000, At: at}},
		{"NegativeBoth", pricing.Price{Buy: -72_100_000, Sell: -71_250_000, At: at}},
		{"SellBelowBuy", pricing.Price{Buy: 72_100_000, Sell: 71_250_000, At: at}},
		{"AbsurdSell", pricing.Price{Buy: 71_250_000, Sell: 1_000_000_000_000_000, At: at}},
		{"AbsurdBoth", pricing.Price{Buy: 1_000_000_000_000_000, Sell: 1_000_000_000_000_000, At: at}},
		{"JustAboveSanityBound", pricing.Price{Buy: ports.MaxFeedPrice, Sell: ports.MaxFeedPrice + 1, At: at}},
	}
}

// testInvalidPrices checks that an invalid or absurd offer, on a source with no earlier
// price, reads as unavailable.
func testInvalidPrices(t *testing.T, newHarness NewHarnessFunc) {
	for _, tt := range invalidOffers() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.Source.Offer(tt.price)
			got, err := h.Feed.Fetch(t.Context())
			requireUnavailable(t, got, err)
		})
	}
}

// testInvalidPriceAfterValid checks that an invalid offer never comes out of a feed after a
// valid one: a feed either refuses it (unavailable) or, when its source refused it, still
// returns the valid price.
func testInvalidPriceAfterValid(t *testing.T, newHarness NewHarnessFunc) {
	for _, tt := range invalidOffers() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			valid := offer(0)
			h.Source.Offer(valid)
			_, err := h.Feed.Fetch(t.Context())
			require.NoError(t, err)
			h.Source.Offer(tt.price)
			got, err := h.Feed.Fetch(t.Context())
			if err == nil {
				requirePrice(t, valid, got)
				return
			}
			requireUnavailable(t, got, err)
		})
	}
}
