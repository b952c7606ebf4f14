package pricing_test

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
)

func TestFromMid(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		mid     core.RialsPerGram
		spread  core.BasisPoints
		buy     core.RialsPerGram
		sell    core.RialsPerGram
		wantErr error
	}{
		{name: "EvenSplit", mid: 3_000_000, spread: 200, buy: 2_970_000, sell: 3_030_000},
		{name: "NoSpread", mid: 3_000_000, spread: 0, buy: 3_000_000, sell: 3_000_000},
		{name: "BuyRoundsDownSellRoundsUp", mid: 3_000_001, spread: 200, buy: 2_970_000, sell: 3_030_002},
		{name: "OddSpreadKeepsHalfBasisPoint", mid: 2_000_000, spread: 1, buy: 1_999_900, sell: 2_000_100},
		{name: "OddSpreadRounds", mid: 3_333_333, spread: 3, buy: 3_332_833, sell: 3_333_833},
		{name: "FullSpread", mid: 3_000_000, spread: 10_000, buy: 1_500_000, sell: 4_500_000},
		{name: "SmallMid", mid: 7, spread: 50, buy: 6, sell: 8},
		{name: "LargestSellThatFits", mid: math.MaxInt64, spread: 0, buy: math.MaxInt64, sell: math.MaxInt64},
		{name: "BuyRoundsToZero", mid: 1, spread: 50, wantErr: core.ErrInvalidInput},
		{name: "SellOverflows", mid: math.MaxInt64, spread: 1, wantErr: core.ErrOverflow},
		{name: "ZeroMid", mid: 0, spread: 50, wantErr: core.ErrInvalidInput},
		{name: "NegativeSpread", mid: 3_000_000, spread: -1, wantErr: core.ErrInvalidInput},
		{name: "SpreadAboveWhole", mid: 3_000_000, spread: 10_001, wantErr: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := pricing.FromMid(tt.mid, tt.spread, "feed", t0)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, pricing.Price{Buy: tt.buy, Sell: tt.sell, Source: "feed", At: t0}, got)
		})
	}
}

func TestFromMidNeedsSourceAndTime(t *testing.T) {
	t.Parallel()

	_, err := pricing.FromMid(3_000_000, 50, "", t0)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	_, err = pricing.FromMid(3_000_000, 50, "feed", time.Time{})
	require.ErrorIs(t, err, core.ErrInvalidInput)
}

// FuzzFromMid checks FromMid against exact rationals: Buy is the largest integer at or below
// mid × (1 − spread/20,000) and Sell the smallest at or above mid × (1 + spread/20,000).
func FuzzFromMid(f *testing.F) {
	f.Add(int64(3_000_000), int64(200))
	f.Add(int64(3_333_333), int64(3))
	f.Add(int64(math.MaxInt64), int64(10_000))
	f.Add(int64(1), int64(0))
	f.Fuzz(func(t *testing.T, mid, spread int64) {
		got, err := pricing.FromMid(core.RialsPerGram(mid), core.BasisPoints(spread), "feed", t0)
		if mid <= 0 || spread < 0 || spread > 10_000 {
			require.Error(t, err)
			return
		}
		wantBuy := new(big.Int).Mul(big.NewInt(mid), big.NewInt(20_000-spread))
		wantBuy.Quo(wantBuy, big.NewInt(20_000))
		wantSell := new(big.Int).Mul(big.NewInt(mid), big.NewInt(20_000+spread))
		wantSell.Add(wantSell, big.NewInt(19_999)).Quo(wantSell, big.NewInt(20_000))
		switch {
		case !wantSell.IsInt64():
			require.ErrorIs(t, err, core.ErrOverflow)
		case wantBuy.Sign() == 0:
			require.ErrorIs(t, err, core.ErrInvalidInput)
		default:
			require.NoError(t, err)
			require.Equal(t, wantBuy.Int64(), int64(got.Buy))
			require.Equal(t, wantSell.Int64(), int64(got.Sell))
			require.LessOrEqual(t, got.Buy, core.RialsPerGram(mid))
			require.GreaterOrEqual(t, got.Sell, core.RialsPerGram(mid))
		}
	})
}
