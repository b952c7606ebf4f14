package core_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestParseFeePercent(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    core.BasisPoints
		wantErr bool
	}{
		{name: "Default", in: "0.5", want: 50},
		{name: "TwoDecimals", in: "0.50", want: 50},
		{name: "SmallestStep", in: "0.01", want: 1},
		{name: "Zero", in: "0", want: 0},
		{name: "Whole", in: "2", want: 200},
		{name: "Hundred", in: "100", want: 10_000},
		{name: "HundredTwoDecimals", in: "100.00", want: 10_000},
		{name: "LeadingPoint", in: ".5", want: 50},
		{name: "PersianDigitsPersianPoint", in: "۰٫۵", want: 50},
		{name: "Spaces", in: " 0.5 ", want: 50},
		{name: "ThreeDecimals", in: "0.005", wantErr: true},
		{name: "ThreeDecimalsZero", in: "0.500", wantErr: true},
		{name: "OverHundred", in: "100.01", wantErr: true},
		{name: "WayOverHundred", in: "101", wantErr: true},
		{name: "HugeInteger", in: "99999999999999999999", wantErr: true},
		{name: "Negative", in: "-0.5", wantErr: true},
		{name: "Percent", in: "0.5%", wantErr: true},
		{name: "Exponent", in: "5e-1", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
		{name: "CommaDecimal", in: "0,5", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.ParseFeePercent(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestBasisPointsFormat(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		in          core.BasisPoints
		wantPercent string
		wantString  string
	}{
		{name: "Zero", in: 0, wantPercent: "0.00", wantString: "0.00%"},
		{name: "SmallestStep", in: 1, wantPercent: "0.01", wantString: "0.01%"},
		{name: "Default", in: 50, wantPercent: "0.50", wantString: "0.50%"},
		{name: "TenPercent", in: 1_000, wantPercent: "10.00", wantString: "10.00%"},
		{name: "Hundred", in: core.MaxFee, wantPercent: "100.00", wantString: "100.00%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.wantPercent, tt.in.Percent())
			require.Equal(t, tt.wantString, tt.in.String())
			back, err := core.ParseFeePercent(tt.in.Percent())
			require.NoError(t, err)
			require.Equal(t, tt.in, back)
		})
	}
}

func TestFeeFor(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		amount  core.Rial
		fee     core.BasisPoints
		want    core.Rial
		wantErr error
	}{
		{name: "ExampleOrder", amount: 1_000_000, fee: 50, want: 5_000},
		{name: "OneRialRoundsUp", amount: 1, fee: 50, want: 1},
		{name: "JustUnderOne", amount: 199, fee: 50, want: 1},
		{name: "ExactlyOne", amount: 200, fee: 50, want: 1},
		{name: "JustOverOne", amount: 201, fee: 50, want: 2},
		{name: "ZeroAmount", amount: 0, fee: 50, want: 0},
		{name: "ZeroRate", amount: 1_000_000, fee: 0, want: 0},
		{name: "FullRate", amount: 1_000_000, fee: core.MaxFee, want: 1_000_000},
		{name: "MaxInputAmount", amount: core.MaxRialInput, fee: 50, want: 5_000_000_000_000},
		{name: "MaxInt64FullRate", amount: math.MaxInt64, fee: core.MaxFee, want: math.MaxInt64},
		{name: "MaxInt64DefaultRate", amount: math.MaxInt64, fee: 50, want: 46_116_860_184_273_880},
		{name: "MaxInt64OneBasisPoint", amount: math.MaxInt64, fee: 1, want: 922_337_203_685_478},
		{name: "NegativeAmount", amount: -1, fee: 50, wantErr: core.ErrNegativeAmount},
		{name: "MinInt64Amount", amount: math.MinInt64, fee: 50, wantErr: core.ErrNegativeAmount},
		{name: "NegativeRate", amount: 1_000, fee: -1, wantErr: core.ErrInvalidInput},
		{name: "RateOverHundred", amount: 1_000, fee: core.MaxFee + 1, wantErr: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.FeeFor(tt.amount, tt.fee)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestFeeForCeilingProperty checks on seeded random inputs that the fee is the least whole
// number of rials not below amount × rate / 10,000, and never more than the amount.
func TestFeeForCeilingProperty(t *testing.T) {
	t.Parallel()

	rng := rand.New(rand.NewPCG(20_251_204, 50))
	for range 20_000 {
		amount := core.Rial(randomMagnitude(rng, math.MaxInt64))
		rate := core.BasisPoints(rng.Int64N(int64(core.MaxFee) + 1))
		fee, err := core.FeeFor(amount, rate)
		require.NoError(t, err)

		exact := new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(int64(rate)))
		scaledFee := new(big.Int).Mul(big.NewInt(int64(fee)), big.NewInt(int64(core.MaxFee)))
		require.GreaterOrEqual(t, scaledFee.Cmp(exact), 0, "fee %d below exact for %d at %d", fee, amount, rate)
		scaledFee.Sub(scaledFee, big.NewInt(int64(core.MaxFee)))
		require.Negative(t, scaledFee.Cmp(exact), "fee %d more than one rial over exact for %d at %d", fee, amount, rate)
		require.LessOrEqual(t, fee, amount)
	}
}

// feeSyntax is what ParseFeePercent accepts once digits, separators and U+066B are normalised.
var feeSyntax = regexp.MustCompile(`^([0-9]+\.?[0-9]{0,2}|\.[0-9]{1,2})$`)

func FuzzParseFeePercent(f *testing.F) {
	for _, s := range []string{"0.5", "0.50", "100", "100.01", "0.005", ".5", "5.", "-0.5", "0.5%", "۰٫۵", "", "1,000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := core.ParseFeePercent(s)
		norm := strings.ReplaceAll(core.NormalizeDigits(s), "\u066B", ".")
		var want *big.Rat
		if feeSyntax.MatchString(norm) {
			r, ok := new(big.Rat).SetString("0" + strings.TrimSuffix(norm, "."))
			require.True(t, ok)
			want = r.Mul(r, big.NewRat(100, 1))
		}
		inRange := want != nil && want.Cmp(big.NewRat(int64(core.MaxFee), 1)) <= 0
		if err != nil {
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, !inRange || strings.ContainsAny(s, ",\u066C"), "rejected %q", s)
			return
		}
		require.True(t, inRange, "accepted %q", s)
		require.True(t, want.IsInt())
		require.Equal(t, want.Num().Int64(), int64(got))
		back, err := core.ParseFeePercent(got.Percent())
		require.NoError(t, err)
		require.Equal(t, got, back)
	})
}

func FuzzFeeFor(f *testing.F) {
	f.Add(int64(1_000_000), int64(50))
	f.Add(int64(1), int64(50))
	f.Add(int64(math.MaxInt64), int64(10_000))
	f.Add(int64(-1), int64(50))
	f.Add(int64(100), int64(10_001))
	f.Fuzz(func(t *testing.T, amount, rate int64) {
		fee, err := core.FeeFor(core.Rial(amount), core.BasisPoints(rate))
		switch {
		case amount < 0:
			require.ErrorIs(t, err, core.ErrNegativeAmount)
			return
		case rate < 0 || rate > int64(core.MaxFee):
			require.ErrorIs(t, err, core.ErrInvalidInput)
			return
		}
		require.NoError(t, err)
		want := new(big.Int).Mul(big.NewInt(amount), big.NewInt(rate))
		want.Add(want, big.NewInt(int64(core.MaxFee)-1))
		want.Quo(want, big.NewInt(int64(core.MaxFee)))
		require.Equal(t, want.Int64(), int64(fee))
	})
}

// randomMagnitude returns a value in [0, limit] whose number of decimal digits is itself
// uniform, so small, typical and extreme amounts all occur often.
func randomMagnitude(rng *rand.Rand, limit int64) int64 {
	bound := int64(1)
	for n := rng.IntN(19); n > 0 && bound <= limit/10; n-- {
		bound *= 10
	}
	if rng.IntN(50) == 0 {
		return limit - rng.Int64N(3)
	}
	return rng.Int64N(min(bound, limit)) + 1 - int64(rng.IntN(2))
}
