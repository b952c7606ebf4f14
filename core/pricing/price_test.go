package pricing_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
)

func TestPriceValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		price pricing.Price
		ok    bool
	}{
		{name: "Valid", price: price(2_990_000, 3_050_000, t0), ok: true},
		{name: "NoSpread", price: price(3_000_000, 3_000_000, t0), ok: true},
		{name: "ZeroBuy", price: price(0, 3_050_000, t0)},
		{name: "NegativeSell", price: price(2_990_000, -1, t0)},
		{name: "SellBelowBuy", price: price(3_050_000, 2_990_000, t0)},
		{name: "NoSource", price: pricing.Price{Buy: 1, Sell: 2, At: t0}},
		{name: "NoTime", price: price(1, 2, time.Time{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.price.Validate()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestPriceMidAndSpread(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		price  pricing.Price
		mid    core.RialsPerGram
		spread core.RialsPerGram
	}{
		{name: "Even", price: price(2_990_000, 3_050_000, t0), mid: 3_020_000, spread: 60_000},
		{name: "OddRoundsDown", price: price(2_990_000, 3_050_001, t0), mid: 3_020_000, spread: 60_001},
		{name: "NoOverflow", price: price(math.MaxInt64-1, math.MaxInt64, t0), mid: math.MaxInt64 - 1, spread: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.mid, tt.price.Mid())
			require.Equal(t, tt.spread, tt.price.Spread())
		})
	}
}
