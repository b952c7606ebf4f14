package trading_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
)

func TestParseSide(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   string
		want trading.Side
		ok   bool
	}{
		{in: "buy", want: trading.Buy, ok: true},
		{in: "BUY", want: trading.Buy, ok: true},
		{in: "Sell", want: trading.Sell, ok: true},
		{in: "sElL", want: trading.Sell, ok: true},
		{in: ""},
		{in: " buy"},
		{in: "buying"},
		{in: "b"},
		{in: "خرید"},
		{in: "ſell"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := trading.ParseSide(tt.in)
			if !tt.ok {
				requireField(t, err, "order_type")
				require.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, strings.ToLower(tt.in), got.String())
		})
	}
}

func FuzzParseSide(f *testing.F) {
	for _, s := range []string{"buy", "SELL", "", "bUy\x00", "ſell", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := trading.ParseSide(s)
		if err != nil {
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, got.IsZero())
			return
		}
		require.True(t, got == trading.Buy || got == trading.Sell)
		require.Equal(t, got.String(), strings.ToLower(s))
		require.Len(t, s, len(got.String()))
	})
}
