package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestRialsPerGramValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      core.RialsPerGram
		wantErr bool
	}{
		{name: "One", in: 1},
		{name: "Typical", in: 3_050_000},
		{name: "Zero", in: 0, wantErr: true},
		{name: "Negative", in: -1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.in.Validate()
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestParseRialsPerGram(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    core.RialsPerGram
		wantErr bool
	}{
		{name: "Plain", in: "3050000", want: 3_050_000},
		{name: "Grouped", in: "3,050,000", want: 3_050_000},
		{name: "PersianGrouped", in: "۳٬۰۵۰٬۰۰۰", want: 3_050_000},
		{name: "ZeroDecimals", in: "3050000.00", want: 3_050_000},
		{name: "Zero", in: "0", wantErr: true},
		{name: "Negative", in: "-3050000", wantErr: true},
		{name: "Fraction", in: "3050000.5", wantErr: true},
		{name: "OverMax", in: "1000000000000001", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.ParseRialsPerGram(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, "3050000", got.String())
		})
	}
}
