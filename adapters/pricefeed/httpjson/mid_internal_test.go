package httpjson

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
)

// TestMidMatchesFromMid checks that a whole mid price opens into exactly the price core's
// spread policy gives, over edge cases and a seeded sample of mids and spreads.
func TestMidMatchesFromMid(t *testing.T) {
	t.Parallel()
	type sample struct {
		mid    int64
		spread core.BasisPoints
	}
	samples := []sample{
		{3_000_000, 200}, {71_675_002, 25}, {1, 0}, {2, pricing.MaxSpread}, {3, 1},
		{1_000_000_000_000, pricing.MaxSpread}, {999_999_999_999, 9_999}, {19_999, 1}, {1, pricing.MaxSpread},
	}
	rng := rand.New(rand.NewPCG(1404, 5))
	for range 2_000 {
		samples = append(samples, sample{
			mid:    1 + rng.Int64N(1_000_000_000_000),
			spread: core.BasisPoints(rng.Int64N(int64(pricing.MaxSpread) + 1)),
		})
	}
	at := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	for _, s := range samples {
		feed, err := New(Config{URL: "https://prices.example.ir", MidPath: "mid", SpreadBasisPoints: s.spread})
		require.NoError(t, err)
		buy, sell, err := feed.sides([]byte(`{"mid": ` + strconv.FormatInt(s.mid, 10) + `}`))
		require.NoError(t, err)
		want, err := pricing.FromMid(core.RialsPerGram(s.mid), s.spread, "x", at)
		if err != nil { // buy rounds to zero: FromMid refuses, the feed's check will
			require.Zero(t, buy, "mid %d, spread %d", s.mid, s.spread)
			continue
		}
		require.Equal(t, want.Buy, buy, "buy for mid %d, spread %d", s.mid, s.spread)
		require.Equal(t, want.Sell, sell, "sell for mid %d, spread %d", s.mid, s.spread)
	}
}
