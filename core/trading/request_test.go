package trading_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
)

func TestRequestValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		req   trading.Request
		field string // empty: valid
	}{
		{name: "BuyByRials", req: trading.Request{Side: trading.Buy, Amount: 1_000_000}},
		{name: "SellByRials", req: trading.Request{Side: trading.Sell, Amount: 1_000_000}},
		{name: "SellByGold", req: trading.Request{Side: trading.Sell, Gold: 1}},
		{name: "NoSide", req: trading.Request{Amount: 1_000_000}, field: "order_type"},
		{name: "BothAmounts", req: trading.Request{Side: trading.Sell, Amount: 1_000_000, Gold: 327_868}, field: core.NonFieldErrors},
		{name: "BuyByGold", req: trading.Request{Side: trading.Buy, Gold: 327_868}, field: "gold_amount"},
		{name: "NegativeGold", req: trading.Request{Side: trading.Sell, Gold: -1}, field: "gold_amount"},
		{name: "NoAmount", req: trading.Request{Side: trading.Buy}, field: "amount_irr"},
		{name: "AmountOffStep", req: trading.Request{Side: trading.Sell, Amount: 1_000_500}, field: "amount_irr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.req.Validate(trading.OrderLimits{})
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			requireField(t, err, tt.field)
		})
	}
}
