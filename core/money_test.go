package core_test

import (
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestParseRial(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    core.Rial
		wantErr bool
	}{
		{name: "Zero", in: "0", want: 0},
		{name: "Whole", in: "1005000", want: 1_005_000},
		{name: "OneZeroDecimal", in: "1000.0", want: 1_000},
		{name: "TwoZeroDecimals", in: "1000.00", want: 1_000},
		{name: "PersianPointZeroDecimals", in: "1000٫00", want: 1_000},
		{name: "LeadingZeros", in: "007", want: 7},
		{name: "Max", in: "1000000000000000", want: core.MaxRialInput},
		{name: "MaxGrouped", in: "1,000,000,000,000,000", want: core.MaxRialInput},
		{name: "PersianGrouped", in: "۱٬۰۰۰٬۰۰۰", want: 1_000_000},
		{name: "ArabicIndic", in: "١٠٠٠", want: 1_000},
		{name: "Spaces", in: " 5 000 ", want: 5_000},
		{name: "OverMax", in: "1000000000000001", wantErr: true},
		{name: "MaxInt64", in: "9223372036854775807", wantErr: true},
		{name: "OverInt64", in: "99999999999999999999999", wantErr: true},
		{name: "ThreeZeroDecimals", in: "1000.000", wantErr: true},
		{name: "Fraction", in: "1000.5", wantErr: true},
		{name: "FractionZeroFive", in: "1000.05", wantErr: true},
		{name: "TrailingPoint", in: "1000.", wantErr: true},
		{name: "FractionOnly", in: ".0", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
		{name: "Negative", in: "-5", wantErr: true},
		{name: "Plus", in: "+5", wantErr: true},
		{name: "Exponent", in: "1e6", wantErr: true},
		{name: "NaN", in: "NaN", wantErr: true},
		{name: "Hex", in: "0x10", wantErr: true},
		{name: "ShortGroup", in: "1,00", wantErr: true},
		{name: "CommaDecimal", in: "1000,00", wantErr: true},
		{name: "TwoPoints", in: "1.0.0", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.ParseRial(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRialArithmetic(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		op      func() (core.Rial, error)
		want    core.Rial
		wantErr bool
	}{
		{name: "AddSmall", op: func() (core.Rial, error) { return core.Rial(1_000_000).Add(5_000) }, want: 1_005_000},
		{name: "AddNegative", op: func() (core.Rial, error) { return core.Rial(5).Add(-7) }, want: -2},
		{name: "AddToMax", op: func() (core.Rial, error) { return core.Rial(math.MaxInt64 - 1).Add(1) }, want: math.MaxInt64},
		{name: "AddOverMax", op: func() (core.Rial, error) { return core.Rial(math.MaxInt64).Add(1) }, wantErr: true},
		{name: "AddMaxToMax", op: func() (core.Rial, error) { return core.Rial(math.MaxInt64).Add(math.MaxInt64) }, wantErr: true},
		{name: "AddUnderMin", op: func() (core.Rial, error) { return core.Rial(math.MinInt64).Add(-1) }, wantErr: true},
		{name: "AddMinAndMax", op: func() (core.Rial, error) { return core.Rial(math.MinInt64).Add(math.MaxInt64) }, want: -1},
		{name: "SubSmall", op: func() (core.Rial, error) { return core.Rial(5).Sub(7) }, want: -2},
		{name: "SubToMin", op: func() (core.Rial, error) { return core.Rial(math.MinInt64 + 1).Sub(1) }, want: math.MinInt64},
		{name: "SubUnderMin", op: func() (core.Rial, error) { return core.Rial(math.MinInt64).Sub(1) }, wantErr: true},
		{name: "SubOverMax", op: func() (core.Rial, error) { return core.Rial(0).Sub(math.MinInt64) }, wantErr: true},
		{name: "SubMaxFromMin", op: func() (core.Rial, error) { return core.Rial(math.MinInt64).Sub(math.MaxInt64) }, wantErr: true},
		{name: "Neg", op: func() (core.Rial, error) { return core.Rial(42).Neg() }, want: -42},
		{name: "NegMin", op: func() (core.Rial, error) { return core.Rial(math.MinInt64).Neg() }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.op()
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrOverflow)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRialString(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   core.Rial
		want string
	}{
		{name: "Zero", in: 0, want: "0"},
		{name: "Positive", in: 1_005_000, want: "1005000"},
		{name: "Negative", in: -5, want: "-5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.in.String())
		})
	}
}

// rialSyntax is what ParseRial accepts once digits, separators and U+066B are normalised.
var rialSyntax = regexp.MustCompile(`^[0-9]+(\.0{1,2})?$`)

func FuzzParseRial(f *testing.F) {
	for _, s := range []string{
		"0", "1005000", "1000.0", "1000.00", "1000.000", "1000.5", "1000.", ".0", "-5", "+5", "1e6",
		"1000000000000000", "1000000000000001", "۱٬۰۰۰٬۰۰۰", "1,00", "", " 5 000 ", "1000٫0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := core.ParseRial(s)
		norm := strings.ReplaceAll(core.NormalizeDigits(s), "\u066B", ".")
		inRange := func() bool {
			whole, _, _ := strings.Cut(norm, ".")
			v, ok := new(big.Int).SetString(whole, 10)
			require.True(t, ok)
			return v.Cmp(big.NewInt(int64(core.MaxRialInput))) <= 0
		}
		if err != nil {
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Zero(t, r)
			if rialSyntax.MatchString(norm) {
				require.True(t, !inRange() || strings.ContainsAny(s, ",\u066C"), "rejected %q", s)
			}
			return
		}
		require.Regexp(t, rialSyntax, norm)
		require.True(t, inRange())
		whole, _, _ := strings.Cut(norm, ".")
		want, ok := new(big.Int).SetString(whole, 10)
		require.True(t, ok)
		require.Equal(t, want.Int64(), int64(r))
		back, err := core.ParseRial(r.String())
		require.NoError(t, err)
		require.Equal(t, r, back)
	})
}
