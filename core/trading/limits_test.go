package trading_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
)

func TestOrderLimitsDefaults(t *testing.T) {
	t.Parallel()

	want := trading.OrderLimits{Min: 100_000, Max: 1_000_000_000, Step: 1_000}
	require.Equal(t, want, trading.DefaultOrderLimits())
	require.Equal(t, want, trading.OrderLimits{}.WithDefaults())
	require.Equal(t, trading.OrderLimits{Min: 5, Max: 1_000_000_000, Step: 1_000}, trading.OrderLimits{Min: 5}.WithDefaults())
}

func TestOrderLimitsValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		limits trading.OrderLimits
		ok     bool
	}{
		{name: "Zero", limits: trading.OrderLimits{}, ok: true},
		{name: "MinEqualsMax", limits: trading.OrderLimits{Min: 1_000, Max: 1_000, Step: 1}, ok: true},
		{name: "MaxAtInputCeiling", limits: trading.OrderLimits{Max: core.MaxRialInput}, ok: true},
		{name: "NegativeMin", limits: trading.OrderLimits{Min: -1}},
		{name: "MaxBelowMin", limits: trading.OrderLimits{Min: 2_000, Max: 1_000}},
		{name: "MaxAboveInputCeiling", limits: trading.OrderLimits{Max: core.MaxRialInput + 1}},
		{name: "NegativeStep", limits: trading.OrderLimits{Step: -1_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.limits.Validate()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestOrderLimitsCheck(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		limits  trading.OrderLimits
		amount  core.Rial
		message string // empty: accepted
	}{
		{name: "Minimum", amount: 100_000},
		{name: "Maximum", amount: 1_000_000_000},
		{name: "Typical", amount: 1_000_000},
		{name: "BelowMinimum", amount: 99_000, message: "Ensure this value is greater than or equal to 100000."},
		{name: "Zero", amount: 0, message: "Ensure this value is greater than or equal to 100000."},
		{name: "Negative", amount: -1_000_000, message: "Ensure this value is greater than or equal to 100000."},
		{name: "AboveMaximum", amount: 1_000_001_000, message: "Ensure this value is less than or equal to 1000000000."},
		{name: "NotAMultiple", amount: 100_500, message: "Ensure this value is a multiple of 1000."},
		{name: "OffByOneRial", amount: 1_000_001, message: "Ensure this value is a multiple of 1000."},
		{name: "CustomStep", limits: trading.OrderLimits{Step: 1}, amount: 100_001},
		{name: "TomanDefaults", limits: trading.OrderLimits{Min: 1_000_000, Max: 10_000_000_000, Step: 10_000},
			amount: 999_990, message: "Ensure this value is greater than or equal to 1000000."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.limits.Check(tt.amount)
			if tt.message == "" {
				require.NoError(t, err)
				return
			}
			requireField(t, err, "amount_irr")
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, map[string][]string{"amount_irr": {tt.message}}, ve.Fields)
			require.NotErrorIs(t, err, core.ErrLimitExceeded)
		})
	}
}

func TestOrderLimitsCheckDerived(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		amount core.Rial
		ok     bool
	}{
		{name: "NotAMultipleIsFine", amount: 327_868, ok: true},
		{name: "Minimum", amount: 100_000, ok: true},
		{name: "Maximum", amount: 1_000_000_000, ok: true},
		{name: "BelowMinimum", amount: 99_999},
		{name: "AboveMaximum", amount: 1_000_000_001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := trading.DefaultOrderLimits().CheckDerived(tt.amount)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			requireField(t, err, "gold_amount")
		})
	}
}
