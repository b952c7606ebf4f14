package ports_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

func TestCheckFeedPrice(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		price   pricing.Price
		wantErr string
	}{
		{"Valid", pricing.Price{Buy: 71_250_000, Sell: 72_100_000, Source: "feed", At: at}, ""},
		{"NoSpread", pricing.Price{Buy: 1, Sell: 1, Source: "feed", At: at}, ""},
		{"AtSanityBound", pricing.Price{Buy: ports.MaxFeedPrice, Sell: ports.MaxFeedPrice, Source: "feed", At: at}, ""},
		{"ZeroBuy", pricing.Price{Buy: 0, Sell: 1, Source: "feed", At: at}, "more than zero"},
		{"NegativeSell", pricing.Price{Buy: 1, Sell: -1, Source: "feed", At: at}, "more than zero"},
		{"SellBelowBuy", pricing.Price{Buy: 2, Sell: 1, Source: "feed", At: at}, "below buy price"},
		{"NoSource", pricing.Price{Buy: 1, Sell: 2, At: at}, "source is required"},
		{"NoTime", pricing.Price{Buy: 1, Sell: 2, Source: "feed"}, "time is required"},
		{"AboveSanityBound", pricing.Price{Buy: 1, Sell: ports.MaxFeedPrice + 1, Source: "feed", At: at}, "sanity bound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ports.CheckFeedPrice(tt.price)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrPriceUnavailable)
			require.NotErrorIs(t, err, core.ErrInvalidInput)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}
